"""Resource limits every reader applies, kept apart so the CLI can show them without loading OpenCV."""

DEFAULT_MAX_MEGAPIXELS = 100.0  # a 100 MP RGB photo restores in about 2.8 GB: fits a 2-core 8 GB laptop
STREAM_MEGAPIXELS = 16.0  # PNGs this large are restored a band of rows at a time where the job can (--stream-above)

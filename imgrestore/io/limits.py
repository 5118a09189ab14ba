"""Resource limits every reader applies, kept apart so the CLI can show them without loading OpenCV."""

DEFAULT_MAX_MEGAPIXELS = 100.0  # a 100 MP RGB photo restores in about 2.8 GB: fits a 2-core 8 GB laptop

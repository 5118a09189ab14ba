"""weights-tools: inspect, convert and verify imgrestore weights files."""

__version__ = "0.1.0"

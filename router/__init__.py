"""GBA Freight Router: multimodal freight routing under customs-supervision rules."""

__version__ = "0.1.0"

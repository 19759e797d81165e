"""Stock tracking for small warehouses."""

__version__ = "0.3.0"

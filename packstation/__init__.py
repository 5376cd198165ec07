"""PackStation: scan-and-pack bench software for e-commerce warehouses."""

__version__ = "0.1.0"

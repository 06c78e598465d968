"""Small data sets shipped with the package."""
from . import digits

__all__ = ["digits"]

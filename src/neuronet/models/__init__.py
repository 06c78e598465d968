"""Models: Model (functional and subclassed), Sequential, and their training loop."""
from .model import Model
from .sequential import Sequential

__all__ = ["Model", "Sequential"]

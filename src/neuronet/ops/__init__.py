"""Differentiable functions on Tensors: each a forward and its backward, side by side."""
from .math import *  # noqa: F401,F403
from .math import __all__ as _math_all
from .nn import linear

__all__ = list(_math_all) + ["linear"]

"""Differentiable functions on Tensors: each a forward and its backward, side by side.

This is the namespace for custom layers and losses, like `keras.ops`.
"""
from .activations import *  # noqa: F401,F403
from .activations import __all__ as _activations_all
from .math import *  # noqa: F401,F403
from .math import __all__ as _math_all
from .dropout import dropout
from .nn import linear

__all__ = list(_math_all) + list(_activations_all) + ["linear", "dropout"]

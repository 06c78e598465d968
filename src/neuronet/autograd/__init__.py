"""Reverse-mode automatic differentiation on N-D arrays."""
from .graph import backpropagate, enable_grad, is_grad_enabled, no_grad
from .tape import GradientTape
from .tensor import Tensor, as_array
from .variable import Variable

__all__ = ["Tensor", "Variable", "GradientTape", "as_array", "backpropagate", "no_grad",
           "enable_grad", "is_grad_enabled"]

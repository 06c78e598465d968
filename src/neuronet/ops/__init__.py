"""Differentiable functions on Tensors: each a forward and its backward, side by side.

This is the namespace for custom layers and losses, like `keras.ops`.
"""
from .activations import *  # noqa: F401,F403
from .activations import __all__ as _activations
from .array import *  # noqa: F401,F403
from .array import __all__ as _array
from .conv import *  # noqa: F401,F403
from .conv import __all__ as _conv
from .cross_entropy import (sigmoid_binary_cross_entropy, softmax_cross_entropy,
                            sparse_softmax_cross_entropy)
from .dropout import dropout
from .embedding import embedding
from .math import *  # noqa: F401,F403
from .math import __all__ as _math
from .nn import linear
from .normalization import *  # noqa: F401,F403
from .normalization import __all__ as _normalization
from .pool import *  # noqa: F401,F403
from .pool import __all__ as _pool
from .recurrent import gru, lstm, simple_rnn

__all__ = (list(_math) + list(_array) + list(_activations) + list(_conv) + list(_pool) + list(_normalization)
           + ["linear", "dropout", "embedding", "simple_rnn", "lstm", "gru",
              "softmax_cross_entropy", "sparse_softmax_cross_entropy",
              "sigmoid_binary_cross_entropy"])

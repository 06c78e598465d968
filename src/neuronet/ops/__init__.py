"""Differentiable functions on Tensors: each a forward and its backward, side by side.

This is the namespace for custom layers and losses, like `keras.ops`. Its ops also take
the symbolic tensors of the functional API (`keras.Input` and layer outputs): given one,
an op adds a node to the model's graph instead of computing (see
`neuronet.layers.symbolic`). The layers call the ops of the modules below directly,
without that check.
"""
import functools

from .activations import *  # noqa: F401,F403
from .activations import __all__ as _activations
from .adaptive_pool import *  # noqa: F401,F403
from .adaptive_pool import __all__ as _adaptive_pool
from .array import *  # noqa: F401,F403
from .array import __all__ as _array
from .conv import *  # noqa: F401,F403
from .conv import __all__ as _conv
from .control_flow import *  # noqa: F401,F403
from .control_flow import __all__ as _control_flow
from .cross_entropy import (sigmoid_binary_cross_entropy, softmax_cross_entropy,
                            sparse_softmax_cross_entropy)
from .ctc import ctc_decode, ctc_loss
from .custom_gradient import custom_gradient as _custom_gradient
from .dropout import dropout
from .elementwise import *  # noqa: F401,F403
from .elementwise import __all__ as _elementwise
from .embedding import embedding
from .integer import *  # noqa: F401,F403
from .integer import __all__ as _integer
from . import linalg
from .linalg import *  # noqa: F401,F403
from .linalg import __all__ as _linalg
from .manipulation import *  # noqa: F401,F403
from .manipulation import __all__ as _manipulation
from .math import *  # noqa: F401,F403
from .math import SymbolicValue
from .math import __all__ as _math
from . import nn
from .nn import linear
from .nn_functions import *  # noqa: F401,F403
from .nn_functions import __all__ as _nn_functions
from .nn_generic import *  # noqa: F401,F403
from .nn_generic import __all__ as _nn_generic
from .normalization import *  # noqa: F401,F403
from .normalization import __all__ as _normalization
from .pool import *  # noqa: F401,F403
from .pool import __all__ as _pool
from .recurrent import gru, lstm, simple_rnn
from .special import *  # noqa: F401,F403
from .special import __all__ as _special
from .spectral import *  # noqa: F401,F403
from .spectral import __all__ as _spectral
from .statistics import *  # noqa: F401,F403
from .statistics import __all__ as _statistics
from .trigonometry import *  # noqa: F401,F403
from .trigonometry import __all__ as _trigonometry

__all__ = (list(_math) + list(_array) + list(_activations) + list(_conv) + list(_pool)
           + list(_normalization)
           + list(_nn_functions) + list(_special) + list(_control_flow)
           + [name for name in _linalg if name != "norm"] + list(_spectral)
           + list(_elementwise) + list(_trigonometry) + list(_statistics)
           + list(_manipulation) + list(_integer)
           + list(_adaptive_pool) + list(_nn_generic)
           + ["linear", "dropout", "embedding", "simple_rnn", "lstm", "gru", "ctc_loss",
              "ctc_decode",
              "softmax_cross_entropy", "sparse_softmax_cross_entropy",
              "sigmoid_binary_cross_entropy"])

# Exported helpers that compute no tensor (`shape` reads a symbolic tensor's shape as is).
_NOT_OPS = {"tensor", "unbroadcast", "shape", "conv_output_length",
            "conv_transpose_output_length"}
# Control flow calls Python functions eagerly and refuses symbolic tensors (see control_flow).
_NOT_OPS |= set(_control_flow)
# Facts about a tensor, Python values read from its shape and dtype (as `shape` is).
_NOT_OPS |= {"size", "ndim", "dtype", "is_tensor"}


def _first_symbolic(values):
    """The first SymbolicValue among `values` or in a list or tuple among them, or None."""
    for value in values:
        if isinstance(value, SymbolicValue):
            return value
        if isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, SymbolicValue):
                    return item
    return None


def graph_aware(function):
    """`function`, which given a symbolic tensor records a graph node instead of computing."""
    @functools.wraps(function)
    def op(*args, **kwargs):
        symbolic = _first_symbolic(args)
        if symbolic is None and kwargs:
            symbolic = _first_symbolic(kwargs.values())
        if symbolic is None:
            return function(*args, **kwargs)
        return symbolic.record_op(function, args, kwargs)
    return op


# Each op of this namespace, graph-aware (the original stays as its `__wrapped__`).
globals().update({name: graph_aware(globals()[name]) for name in __all__
                  if name not in _NOT_OPS})
# keras.ops.linalg: the submodule's functions swapped for these graph-aware ones
vars(linalg).update({name: globals()[name] for name in _linalg})
# keras.ops.nn: the neural-network ops also under the module of `linear`, as Keras names them
vars(nn).update({name: globals()[name] for name in nn.KERAS_NN_OPS})


def custom_gradient(f):
    """Decorator: `f(*args)` returns (output, grad_fn) and grad_fn(upstream) gives the
    gradients of the args (see `ops.custom_gradient`); the result is graph-aware."""
    return graph_aware(_custom_gradient(f))

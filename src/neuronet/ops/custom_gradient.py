"""custom_gradient: a function whose backward pass the user writes (`keras.ops.custom_gradient`).

    @ops.custom_gradient
    def log1pexp(x):
        e = ops.exp(x)
        def grad(upstream):                     # d/dx log(1 + e^x) = 1 - 1 / (1 + e^x)
            return upstream * (1.0 - 1.0 / (1.0 + e))
        return ops.log(1.0 + e), grad

The decorated function computes its output without recording a graph; backpropagation then
calls `grad(upstream)`, which returns one gradient per positional argument (a tuple when
there are several, None for an argument that gets none). Variables the function reads
without taking them as arguments get no gradient.
"""
import functools

from ..autograd.graph import no_grad
from ..autograd.tensor import Tensor, as_array
from .math import tensor

__all__ = ["custom_gradient"]


def custom_gradient(f):
    """`f`, whose gradient is the `grad` function it returns beside its output."""
    @functools.wraps(f)
    def op(*args):
        inputs = tuple(tensor(arg) for arg in args)
        with no_grad():
            result = f(*inputs)
        if not (isinstance(result, tuple) and len(result) == 2 and callable(result[1])):
            raise ValueError(f"custom_gradient: {getattr(f, '__name__', f)!r} must return a "
                             f"pair (output, grad_fn), received {type(result).__name__}")
        output, grad = result
        output = tensor(output)

        def backward(g):
            grads = grad(Tensor(g))
            grads = tuple(grads) if isinstance(grads, (list, tuple)) else (grads,)
            if len(grads) != len(inputs):
                raise ValueError(f"custom_gradient: the grad function of "
                                 f"{getattr(f, '__name__', f)!r} returned {len(grads)} "
                                 f"gradient(s) for {len(inputs)} argument(s)")
            return tuple(None if gr is None else as_array(gr) for gr in grads)
        return Tensor.from_op(output.data, inputs, backward)
    return op

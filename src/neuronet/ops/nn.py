"""Coarse neural-network ops with hand-written backward passes."""

from ..autograd.tensor import Tensor
from .math import sum_rows, tensor

__all__ = ["linear"]


def linear(x, kernel, bias=None):
    """x @ kernel + bias over the last axis.

    x: (..., in), kernel: (in, out), bias: (out,) -> (..., out)
    """
    x = tensor(x, like=kernel)
    if x.dtype.kind != "f":
        x = Tensor(x.data.astype(kernel.dtype))            # integer features: no gradient
    out = x.data @ kernel.data
    if bias is not None:
        out += bias.data
    parents = (x, kernel) if bias is None else (x, kernel, bias)

    def backward(g):                                       # g: (..., out)
        g2 = g.reshape(-1, g.shape[-1])                    # (n, out)
        gx = g @ kernel.data.T if x.requires_grad else None            # (..., in)
        gk = x.data.reshape(-1, x.shape[-1]).T @ g2 if kernel.requires_grad else None  # (in, out)
        if bias is None:
            return gx, gk
        return gx, gk, sum_rows(g2)                        # (out,)
    return Tensor.from_op(out, parents, backward)

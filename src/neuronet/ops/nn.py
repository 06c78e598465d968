"""Coarse neural-network ops with hand-written backward passes."""

from ..autograd.tensor import Tensor
from .math import sum_rows, tensor

__all__ = ["linear"]

# The names of `keras.ops.nn`: `neuronet.ops` puts its graph-aware ops of these names into
# this module too, so that `keras.ops.nn.relu(x)` works as in Keras.
KERAS_NN_OPS = (
    "adaptive_average_pool", "adaptive_max_pool", "average_pool", "batch_normalization",
    "binary_crossentropy", "categorical_crossentropy", "celu", "conv", "conv_transpose",
    "ctc_decode", "ctc_loss", "depth_to_space", "depthwise_conv", "dot_product_attention",
    "elu", "fold", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish",
    "hard_tanh", "layer_normalization", "leaky_relu", "log_sigmoid", "log_softmax",
    "max_pool", "moments", "multi_hot", "normalize", "one_hot", "psnr", "relu", "relu6",
    "rms_normalization", "selu", "separable_conv", "sigmoid", "silu", "soft_shrink",
    "softmax", "softplus", "softsign", "space_to_depth", "sparse_categorical_crossentropy",
    "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh_shrink",
    "threshold", "unfold")


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

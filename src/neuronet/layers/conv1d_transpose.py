"""Conv1DTranspose: the transposed 1-D convolution layer (learned upsampling of sequences)."""
from ..ops.conv import conv_transpose1d
from .base_conv import BaseConvTranspose


class Conv1DTranspose(BaseConvTranspose):
    """Transposed 1-D convolution: maps a sequence of a Conv1D's output shape back to one of
    its input shape (the gradient of Conv1D with respect to its input).

    Arguments (Keras'): filters, kernel_size, strides=1, padding='valid', output_padding=None,
    data_format=None, dilation_rate=1, activation, use_bias, and the initializers,
    regularizers and constraints of the kernel and the bias.
    Input shape: (batch, steps, channels), or (batch, channels, steps) with
    data_format='channels_first'. Output shape: (batch, new_steps, filters) (or channels
    first) with Keras' sizes: for output_padding=None, steps * stride for 'same' and
    steps * stride + max(kernel_size - stride, 0) for 'valid'; otherwise (steps - 1) * stride
    + kernel_size - 2 * pad + output_padding (pad = kernel_size // 2 for 'same', 0 for
    'valid'). Weights: kernel (kernel_size, filters, channels), bias (filters,).
    """

    rank = 1

    def _convolve(self, x):
        return conv_transpose1d(x, self.kernel, self.bias, self.strides, self.padding,
                                self.output_padding, self.dilation_rate)

"""Conv2DTranspose: the transposed 2-D convolution layer (upsampling by learned filters)."""
from ..ops.conv import conv_transpose2d
from .base_conv import BaseConvTranspose


class Conv2DTranspose(BaseConvTranspose):
    """Transposed 2-D convolution: maps an image of a convolution's output shape back to one of
    its input shape (the gradient of Conv2D with respect to its input).

    Arguments (Keras'): filters, kernel_size, strides=(1, 1), padding='valid',
    output_padding=None, data_format=None, dilation_rate=(1, 1), activation, use_bias, and
    the initializers, regularizers and constraints of the kernel and the bias.
    Input shape: (batch, height, width, channels) (or channels first). Output shape:
    (batch, new_height, new_width, filters) with Keras' sizes: for output_padding=None,
    height * stride for 'same' and height * stride + max(kernel - stride, 0) for 'valid';
    otherwise (height - 1) * stride + kernel - 2 * pad + output_padding (pad = kernel // 2
    for 'same', 0 for 'valid'). Weights: kernel (kh, kw, filters, channels), bias (filters,).
    """

    rank = 2

    def _convolve(self, x):
        return conv_transpose2d(x, self.kernel, self.bias, self.strides, self.padding,
                                self.output_padding, self.dilation_rate)

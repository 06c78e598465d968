"""Conv2DTranspose: the transposed 2-D convolution layer (upsampling by learned filters)."""
from ..ops.conv import as_tuple, conv_transpose2d, conv_transpose_output_length
from .base_conv import BaseConv


class Conv2DTranspose(BaseConv):
    """Transposed 2-D convolution: maps an image of a convolution's output shape back to one of
    its input shape (the gradient of Conv2D with respect to its input).

    Input shape: (batch, height, width, channels) (or channels first). Output shape:
    (batch, new_height, new_width, filters) with Keras' sizes: for output_padding=None,
    height * stride for 'same' and height * stride + max(kernel - stride, 0) for 'valid';
    otherwise (height - 1) * stride + kernel - 2 * pad + output_padding (pad = kernel // 2
    for 'same', 0 for 'valid'). Weights: kernel (kh, kw, filters, channels), bias (filters,).
    """

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", output_padding=None,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, 1,
                         activation, use_bias, kernel_initializer, bias_initializer,
                         kernel_regularizer, bias_regularizer, activity_regularizer,
                         kernel_constraint, bias_constraint, **kwargs)
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = as_tuple(output_padding, 2, "output_padding",
                                                  "Conv2DTranspose", allow_zero=True)
            if any(p >= s for p, s in zip(self.output_padding, self.strides)):
                raise ValueError(f"Conv2DTranspose: expected output_padding < strides, received "
                                 f"output_padding={self.output_padding}, strides={self.strides}")

    def _kernel_shape(self, in_channels):
        return self.kernel_size + (self.filters, in_channels)

    def _convolve(self, x):
        return conv_transpose2d(x, self.kernel, self.bias, self.strides, self.padding,
                                self.output_padding, self.dilation_rate)

    def _output_length(self, length, axis):
        output_padding = None if self.output_padding is None else self.output_padding[axis]
        return conv_transpose_output_length(length, self.kernel_size[axis], self.strides[axis],
                                            self.padding, output_padding,
                                            self.dilation_rate[axis])

    def get_config(self):
        config = {**super().get_config(), "output_padding": self.output_padding}
        del config["groups"]
        return config

"""Conv3DTranspose: the transposed 3-D convolution layer (learned upsampling of volumes)."""
from ..ops.conv import conv_transpose3d
from .base_conv import BaseConvTranspose


class Conv3DTranspose(BaseConvTranspose):
    """Transposed 3-D convolution: maps a volume of a Conv3D's output shape back to one of its
    input shape (the gradient of Conv3D with respect to its input).

    Arguments (Keras', in its order: data_format comes before output_padding here): filters,
    kernel_size, strides=(1, 1, 1), padding='valid', data_format=None, output_padding=None,
    dilation_rate=(1, 1, 1), activation, use_bias, and the initializers, regularizers and
    constraints of the kernel and the bias.
    Input shape: (batch, depth, height, width, channels), or (batch, channels, depth, height,
    width) with data_format='channels_first'. Output shape: (batch, new_depth, new_height,
    new_width, filters) (or channels first), each new size as in Conv2DTranspose.
    Weights: kernel (kd, kh, kw, filters, channels), bias (filters,).
    """

    rank = 3

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", data_format=None,
                 output_padding=None, dilation_rate=(1, 1, 1), activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, output_padding, data_format,
                         dilation_rate, activation, use_bias, kernel_initializer,
                         bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, **kwargs)

    def _convolve(self, x):
        return conv_transpose3d(x, self.kernel, self.bias, self.strides, self.padding,
                                self.output_padding, self.dilation_rate)

"""Conv2D: a 2-D convolution layer over images, `activation(conv2d(inputs, kernel) + bias)`."""
from ..ops.conv import conv2d
from .base_conv import BaseConv


class Conv2D(BaseConv):
    """2-D convolution (cross-correlation) layer.

    Input shape: (batch, height, width, channels), or (batch, channels, height, width) with
    data_format='channels_first'. Output shape: (batch, new_height, new_width, filters) (or
    channels first), new_height = ceil(height / stride) for padding='same'.
    Weights: kernel (kh, kw, channels / groups, filters), bias (filters,).
    padding: 'valid' or 'same' (TensorFlow's rule: an odd padding puts the extra row/column
    at the bottom/right). groups: the channels and the filters are split into this many
    groups, and group k of the output sees group k of the input only (both counts must divide
    by it).
    """

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         groups, activation, use_bias, kernel_initializer, bias_initializer,
                         kernel_regularizer, bias_regularizer, activity_regularizer,
                         kernel_constraint, bias_constraint, **kwargs)

    def _convolve(self, x):
        return conv2d(x, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate,
                      self.groups)

"""Conv3D: a 3-D convolution layer over volumes, `activation(conv3d(inputs, kernel) + bias)`."""
from ..ops.conv import conv3d
from .base_conv import BaseConv


class Conv3D(BaseConv):
    """3-D convolution (cross-correlation) layer over volumes or video clips.

    Input shape: (batch, depth, height, width, channels), or (batch, channels, depth, height,
    width) with data_format='channels_first'. Output shape: (batch, new_depth, new_height,
    new_width, filters) (or channels first), each new size ceil(size / stride) for
    padding='same'. Weights: kernel (kd, kh, kw, channels / groups, filters), bias (filters,).
    padding and groups: as in Conv2D.
    """

    rank = 3

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1, 1), groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         groups, activation, use_bias, kernel_initializer, bias_initializer,
                         kernel_regularizer, bias_regularizer, activity_regularizer,
                         kernel_constraint, bias_constraint, **kwargs)

    def _convolve(self, x):
        return conv3d(x, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate,
                      self.groups)

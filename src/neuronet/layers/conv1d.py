"""Conv1D: a 1-D convolution layer over sequences, `activation(conv1d(inputs, kernel) + bias)`."""
from ..ops.conv import conv1d
from .base_conv import BaseConv


class Conv1D(BaseConv):
    """1-D convolution (cross-correlation) layer over the steps axis.

    Input shape: (batch, steps, channels), or (batch, channels, steps) with
    data_format='channels_first'. Output shape: (batch, new_steps, filters) (or channels first).
    Weights: kernel (kernel_size, channels / groups, filters), bias (filters,).
    padding: 'valid', 'same' or 'causal' (zeros on the left only: output t sees inputs up
    to t, for temporal models). groups: as in Conv2D.
    """

    rank = 1
    paddings = ("valid", "same", "causal")

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         groups, activation, use_bias, kernel_initializer, bias_initializer,
                         kernel_regularizer, bias_regularizer, activity_regularizer,
                         kernel_constraint, bias_constraint, **kwargs)

    def _convolve(self, x):
        return conv1d(x, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate,
                      self.groups)

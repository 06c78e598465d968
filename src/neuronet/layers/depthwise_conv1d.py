"""DepthwiseConv1D: each input channel of a sequence convolved on its own,
`activation(depthwise(x) + bias)`."""
from ..ops.conv import depthwise_conv1d
from .depthwise_conv2d import DepthwiseConv2D


class DepthwiseConv1D(DepthwiseConv2D):
    """1-D depthwise convolution layer: each input channel is convolved over the steps with
    its own `depth_multiplier` filters, and channels are never mixed.

    Input shape: (batch, steps, channels), or (batch, channels, steps) with
    data_format='channels_first'. Output shape: (batch, new_steps, channels *
    depth_multiplier) (or channels first); output channel c * depth_multiplier + m comes from
    input channel c and kernel[:, c, m].
    Weights: kernel (kernel_size, channels, depth_multiplier), bias (channels *
    depth_multiplier,). padding: 'valid' or 'same' (Keras offers no 'causal' here).
    """

    rank = 1

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(kernel_size, strides, padding, depth_multiplier, data_format,
                         dilation_rate, activation, use_bias, depthwise_initializer,
                         bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)

    def _convolve(self, x):
        return depthwise_conv1d(x, self.kernel, self.bias, self.strides, self.padding,
                                self.dilation_rate)

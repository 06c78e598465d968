"""SeparableConv1D: a depthwise convolution over the steps, then a size-1 convolution that
mixes the channels."""
from ..ops.conv import separable_conv1d
from .separable_conv2d import SeparableConv2D


class SeparableConv1D(SeparableConv2D):
    """1-D separable convolution layer: `activation(pointwise(depthwise(inputs)) + bias)`.

    The depthwise step convolves each input channel on its own with `depth_multiplier`
    filters (see DepthwiseConv1D, without its bias); the pointwise step, a size-1
    convolution, mixes those channels into `filters` outputs.
    Input shape: (batch, steps, channels), or (batch, channels, steps) with
    data_format='channels_first'. Output shape: (batch, new_steps, filters) (or channels
    first). padding: 'valid' or 'same' (Keras offers no 'causal' here).
    Weights: depthwise_kernel (kernel_size, channels, depth_multiplier), pointwise_kernel
    (1, channels * depth_multiplier, filters), bias (filters,).
    """

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         depth_multiplier, activation, use_bias, depthwise_initializer,
                         pointwise_initializer, bias_initializer, depthwise_regularizer,
                         pointwise_regularizer, bias_regularizer, activity_regularizer,
                         depthwise_constraint, pointwise_constraint, bias_constraint, **kwargs)

    def _convolve(self, x):
        return separable_conv1d(x, self.depthwise_kernel, self.pointwise_kernel, self.bias,
                                self.strides, self.padding, self.dilation_rate)

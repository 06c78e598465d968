"""SeparableConv2D: a depthwise convolution, then a 1x1 convolution that mixes the channels."""
from .. import constraints, initializers, regularizers
from ..ops.conv import separable_conv2d
from .base import check_positive_int
from .depthwise_conv2d import DepthwiseConv2D


class SeparableConv2D(DepthwiseConv2D):
    """2-D separable convolution layer: `activation(pointwise(depthwise(inputs)) + bias)`.

    The depthwise step convolves each input channel on its own with `depth_multiplier`
    filters (see DepthwiseConv2D, without its bias); the pointwise step, a 1x1 convolution,
    mixes those channels into `filters` outputs.
    Input shape: (batch, height, width, channels) (or channels first). Output shape:
    (batch, new_height, new_width, filters) (or channels first).
    Weights: depthwise_kernel (kh, kw, channels, depth_multiplier), pointwise_kernel
    (1, 1, channels * depth_multiplier, filters), bias (filters,).
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(kernel_size, strides, padding, depth_multiplier, data_format,
                         dilation_rate, activation, use_bias, depthwise_initializer,
                         bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)
        self.filters = check_positive_int(type(self).__name__, "filters", filters)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def _output_channels(self, in_channels):
        return self.filters

    def _add_weights(self, in_channels):
        depth = in_channels * self.depth_multiplier
        self.depthwise_kernel = self.add_weight(
            self._kernel_shape(in_channels), self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
            name="depthwise_kernel")
        self.pointwise_kernel = self.add_weight(
            (1,) * self.rank + (depth, self.filters), self.pointwise_initializer,
            regularizer=self.pointwise_regularizer, constraint=self.pointwise_constraint,
            name="pointwise_kernel")
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight((self.filters,), self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, name="bias")

    def _convolve(self, x):
        return separable_conv2d(x, self.depthwise_kernel, self.pointwise_kernel, self.bias,
                                self.strides, self.padding, self.dilation_rate)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
                "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
                "pointwise_constraint": constraints.serialize(self.pointwise_constraint)}

"""DepthwiseConv2D: each input channel convolved on its own, `activation(depthwise(x) + bias)`."""
from ..ops.conv import depthwise_conv2d
from .base import check_positive_int
from .base_conv import BaseConv


_DEPTHWISE_NAMES = {f"kernel_{part}": f"depthwise_{part}"
                    for part in ("initializer", "regularizer", "constraint")}


def depthwise_names(config):
    """A config with the kernel's initializer, regularizer and constraint named depthwise_*,
    as Keras names them for a depthwise kernel."""
    return {_DEPTHWISE_NAMES.get(key, key): value for key, value in config.items()}


class DepthwiseConv2D(BaseConv):
    """2-D depthwise convolution layer: each input channel is convolved with its own
    `depth_multiplier` filters, and channels are never mixed.

    Input shape: (batch, height, width, channels), or (batch, channels, height, width) with
    data_format='channels_first'. Output shape: (batch, new_height, new_width,
    channels * depth_multiplier) (or channels first); output channel c * depth_multiplier + m
    comes from input channel c and kernel[:, :, c, m].
    Weights: kernel (kh, kw, channels, depth_multiplier), bias (channels * depth_multiplier,).
    padding: 'valid' or 'same', as in Conv2D.
    """

    rank = 2

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(None, kernel_size, strides, padding, data_format, dilation_rate, 1,
                         activation, use_bias, depthwise_initializer, bias_initializer,
                         depthwise_regularizer, bias_regularizer, activity_regularizer,
                         depthwise_constraint, bias_constraint, **kwargs)
        self.depth_multiplier = check_positive_int(type(self).__name__, "depth_multiplier",
                                                   depth_multiplier)

    def _kernel_shape(self, in_channels):
        return self.kernel_size + (in_channels, self.depth_multiplier)

    def _output_channels(self, in_channels):
        return None if in_channels is None else in_channels * self.depth_multiplier

    def _add_weights(self, in_channels):
        self.add_kernel_and_bias(self._kernel_shape(in_channels),
                                 (self._output_channels(in_channels),))

    def _convolve(self, x):
        return depthwise_conv2d(x, self.kernel, self.bias, self.strides, self.padding,
                                self.dilation_rate)

    def get_config(self):
        config = {**depthwise_names(super().get_config()),
                  "depth_multiplier": self.depth_multiplier}
        del config["filters"], config["groups"]
        return config

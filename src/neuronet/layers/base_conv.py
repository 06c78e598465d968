"""BaseConv: what Conv1D, Conv2D and Conv2DTranspose share (arguments, weights, call, config).

A subclass sets `rank` and implements `_kernel_shape`, `_convolve` (the op, channels-last)
and `_output_length` (the output size along one spatial axis).
"""
from ..backend import standardize_data_format
from ..ops.activations import relu, relu_in_place
from ..ops.conv import as_tuple, check_output_size
from .base import check_positive_int
from .conv_utils import (from_channels_last, join_shape, normalize_padding,
                         split_shape, to_channels_last)
from .input_spec import InputSpec
from .kernel_layer import KernelLayer


class BaseConv(KernelLayer):
    """A convolution layer: `activation(conv(inputs, kernel) + bias)`; see the subclasses."""

    rank = 2
    paddings = ("valid", "same")

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activation, use_bias, kernel_initializer, bias_initializer,
                         kernel_regularizer, bias_regularizer, activity_regularizer,
                         kernel_constraint, bias_constraint, **kwargs)
        caller = type(self).__name__
        self.filters = check_positive_int(caller, "filters", filters)
        if groups != 1:
            raise ValueError(f"{caller}: grouped convolutions are not supported; expected "
                             f"groups=1, received groups={groups!r}")
        self.groups = 1
        self.kernel_size = as_tuple(kernel_size, self.rank, "kernel_size", caller)
        self.strides = as_tuple(strides, self.rank, "strides", caller)
        self.padding = normalize_padding(padding, caller, self.paddings)
        self.data_format = standardize_data_format(data_format, caller)
        self.dilation_rate = as_tuple(dilation_rate, self.rank, "dilation_rate", caller)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{caller}: strides > 1 is not supported together with "
                             f"dilation_rate > 1 (as in Keras); received strides={self.strides} "
                             f"and dilation_rate={self.dilation_rate}")
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _kernel_shape(self, in_channels):
        raise NotImplementedError

    def _convolve(self, x):
        raise NotImplementedError

    def _output_length(self, length, axis):
        raise NotImplementedError

    def build(self, input_shape):
        _, _, in_channels = split_shape(input_shape, self.data_format)
        if in_channels is None:
            raise ValueError(f"{type(self).__name__} layer '{self.name}': the channel axis of "
                             f"the input must be known, received input shape {tuple(input_shape)}")
        self.compute_output_shape(input_shape)          # a window larger than the input fails here
        self.add_kernel_and_bias(self._kernel_shape(in_channels), (self.filters,))
        channel_axis = -1 if self.data_format == "channels_last" else 1
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={channel_axis: in_channels})

    def call(self, inputs):
        outputs = self._convolve(to_channels_last(inputs, self.data_format))
        if self.activation is relu:                     # the op's own fresh output: no copy
            return from_channels_last(relu_in_place(outputs), self.data_format)
        return self.activation(from_channels_last(outputs, self.data_format))

    def compute_output_shape(self, input_shape):
        batch, spatial, _ = split_shape(input_shape, self.data_format)
        out = tuple(self._output_length(n, axis) for axis, n in enumerate(spatial))
        spans = tuple((k - 1) * d + 1 for k, d in zip(self.kernel_size, self.dilation_rate))
        check_output_size(f"{type(self).__name__} layer '{self.name}'", spatial, out, spans,
                          self.padding)
        return join_shape(batch, out, self.filters, self.data_format)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": self.dilation_rate, "groups": self.groups,
                **self.kernel_bias_config()}

"""BaseConv: what the convolution layers share (arguments, weights, call, config).

A subclass sets `rank` and implements `_convolve` (the op, channels-last); it may replace
`_kernel_shape`, `_output_length` (the output size along one spatial axis), `_output_channels`
and `_add_weights`. BaseConvTranspose: the same for the transposed convolutions.
"""
from ..backend import standardize_data_format
from ..ops.activations import relu, relu_in_place
from ..ops.conv import (as_tuple, check_output_size, conv_output_length,
                        conv_transpose_output_length)
from .base import check_positive_int
from .conv_utils import (from_channels_last, join_shape, normalize_padding,
                         split_shape, to_channels_last)
from .input_spec import InputSpec
from .kernel_layer import KernelLayer


class BaseConv(KernelLayer):
    """A convolution layer: `activation(conv(inputs, kernel) + bias)`; see the subclasses.

    filters may be None where the output's channels follow the input's (DepthwiseConv2D).
    """

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
        self.filters = None if filters is None else check_positive_int(caller, "filters", filters)
        self.groups = check_positive_int(caller, "groups", groups)
        if self.filters is not None and self.filters % self.groups:
            raise ValueError(f"{caller} layer '{self.name}': expected 'filters' divisible by "
                             f"groups={self.groups}, received filters={self.filters}")
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
        """(*kernel_size, in_channels / groups, filters), Keras' layout."""
        return self.kernel_size + (in_channels // self.groups, self.filters)

    def _convolve(self, x):
        raise NotImplementedError(f"{type(self).__name__} must implement _convolve(x)")

    def _output_length(self, length, axis):
        return conv_output_length(length, self.kernel_size[axis], self.strides[axis],
                                  self.padding, self.dilation_rate[axis])

    def _output_channels(self, in_channels):
        """The output's channel count for an input of `in_channels` (None when unknown)."""
        return self.filters

    def _add_weights(self, in_channels):
        """Create the weights for an input of `in_channels` channels (in `build`)."""
        self.add_kernel_and_bias(self._kernel_shape(in_channels), (self.filters,))

    def build(self, input_shape):
        _, _, in_channels = split_shape(input_shape, self.data_format)
        caller = f"{type(self).__name__} layer '{self.name}'"
        if in_channels is None:
            raise ValueError(f"{caller}: the channel axis of the input must be known, received "
                             f"input shape {tuple(input_shape)}")
        if in_channels % self.groups:
            raise ValueError(f"{caller}: expected a number of input channels divisible by "
                             f"groups={self.groups}, received {in_channels} channels (input shape "
                             f"{tuple(input_shape)})")
        self.compute_output_shape(input_shape)          # a window larger than the input fails here
        self._add_weights(in_channels)
        channel_axis = -1 if self.data_format == "channels_last" else 1
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={channel_axis: in_channels})

    def call(self, inputs):
        outputs = self._convolve(to_channels_last(inputs, self.data_format))
        if self.activation is relu:                     # the op's own fresh output: no copy
            return from_channels_last(relu_in_place(outputs), self.data_format)
        return self.activation(from_channels_last(outputs, self.data_format))

    def compute_output_shape(self, input_shape):
        batch, spatial, in_channels = split_shape(input_shape, self.data_format)
        out = tuple(self._output_length(n, axis) for axis, n in enumerate(spatial))
        spans = tuple((k - 1) * d + 1 for k, d in zip(self.kernel_size, self.dilation_rate))
        check_output_size(f"{type(self).__name__} layer '{self.name}'", spatial, out, spans,
                          self.padding)
        return join_shape(batch, out, self._output_channels(in_channels), self.data_format)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": self.dilation_rate, "groups": self.groups,
                **self.kernel_bias_config()}


class BaseConvTranspose(BaseConv):
    """A transposed convolution layer: `activation(conv_transpose(inputs, kernel) + bias)`.

    Adds `output_padding` (None, or one int per spatial axis, each smaller than its stride)
    to BaseConv; the kernel is (*kernel_size, filters, in_channels) as in Keras, and there
    are no groups. A subclass sets `rank` and implements `_convolve`.
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, 1,
                         activation, use_bias, kernel_initializer, bias_initializer,
                         kernel_regularizer, bias_regularizer, activity_regularizer,
                         kernel_constraint, bias_constraint, **kwargs)
        caller = type(self).__name__
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = as_tuple(output_padding, self.rank, "output_padding", caller,
                                           allow_zero=True)
            if any(p >= s for p, s in zip(self.output_padding, self.strides)):
                raise ValueError(f"{caller}: expected output_padding < strides, received "
                                 f"output_padding={self.output_padding}, strides={self.strides}")

    def _kernel_shape(self, in_channels):
        return self.kernel_size + (self.filters, in_channels)

    def _output_length(self, length, axis):
        output_padding = None if self.output_padding is None else self.output_padding[axis]
        return conv_transpose_output_length(length, self.kernel_size[axis], self.strides[axis],
                                            self.padding, output_padding,
                                            self.dilation_rate[axis])

    def get_config(self):
        config = {**super().get_config(), "output_padding": self.output_padding}
        del config["groups"]
        return config

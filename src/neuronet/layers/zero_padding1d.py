"""ZeroPadding1D: adds zeros at the start and the end of sequences."""
from ..backend import standardize_data_format
from ..ops.array import pad
from ..ops.conv import as_tuple
from .base import Layer
from .input_spec import InputSpec


class ZeroPadding1D(Layer):
    """Adds `padding` steps of zeros before and after the steps axis.

    padding: an int (the same at both ends) or (start, end).
    Input shape: (batch, steps, features) (channels_last) or (batch, features, steps)
    (channels_first). Output shape: the steps lengthened by start + end.
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = as_tuple(padding, 2, "padding", "ZeroPadding1D", allow_zero=True)
        self.data_format = standardize_data_format(data_format, "ZeroPadding1D")
        self.input_spec = InputSpec(ndim=3)

    def _steps_axis(self):
        return 1 if self.data_format == "channels_last" else 2

    def call(self, inputs):
        widths = [(0, 0)] * 3
        widths[self._steps_axis()] = self.padding
        return pad(inputs, widths)                    # backward: the input's part of g

    def compute_output_shape(self, input_shape):
        shape, axis = list(input_shape), self._steps_axis()
        if shape[axis] is not None:
            shape[axis] += sum(self.padding)
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}

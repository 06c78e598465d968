"""Global pooling: the mean or the maximum over all steps / all pixels of each channel.

GlobalAveragePooling1D, GlobalMaxPooling1D: (batch, steps, channels) -> (batch, channels).
GlobalAveragePooling2D, GlobalMaxPooling2D: (batch, height, width, channels) -> (batch, channels).
GlobalAveragePooling3D, GlobalMaxPooling3D: (batch, depth, height, width, channels) ->
(batch, channels).
With data_format='channels_first' the channels come second in the input; keepdims=True
keeps the pooled axes with size 1.
"""
from ..ops import math as m
from .base import Layer
from ..backend import standardize_data_format
from .conv_utils import join_shape, split_shape
from .input_spec import InputSpec


class _GlobalPooling(Layer):
    """Reduce (`reduce_op`) over the spatial axes of a rank-`rank` input."""

    rank = 2
    reduce_op = None

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format, type(self).__name__)
        self.keepdims = bool(keepdims)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _spatial_axes(self):
        first = 1 if self.data_format == "channels_last" else 2
        return tuple(range(first, first + self.rank))

    def call(self, inputs):
        return self.reduce_op(inputs, axis=self._spatial_axes(), keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        batch, spatial, channels = split_shape(input_shape, self.data_format)
        if self.keepdims:
            return join_shape(batch, (1,) * len(spatial), channels, self.data_format)
        return (batch, channels)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format,
                "keepdims": self.keepdims}


class GlobalAveragePooling1D(_GlobalPooling):
    """The mean over the steps of each channel.

    Accepts a mask (batch, steps): only the steps where it is True are averaged.
    The output carries no mask.
    """

    rank = 1
    reduce_op = staticmethod(m.mean)
    supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        axis = self._spatial_axes()[0]                   # the steps axis: 1, or 2 channels first
        channel_axis = 3 - axis
        weights = m.expand_dims(m.cast(mask, inputs.dtype), channel_axis)  # 1 where kept, else 0
        total = m.sum(inputs * weights, axis=axis, keepdims=self.keepdims)
        return total / m.sum(weights, axis=axis, keepdims=self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None


class GlobalMaxPooling1D(_GlobalPooling):
    """The maximum over the steps of each channel."""

    rank = 1
    reduce_op = staticmethod(m.max)


class GlobalAveragePooling2D(_GlobalPooling):
    """The mean over the pixels of each channel."""

    rank = 2
    reduce_op = staticmethod(m.mean)


class GlobalMaxPooling2D(_GlobalPooling):
    """The maximum over the pixels of each channel."""

    rank = 2
    reduce_op = staticmethod(m.max)


class GlobalAveragePooling3D(_GlobalPooling):
    """The mean over the voxels of each channel."""

    rank = 3
    reduce_op = staticmethod(m.mean)


class GlobalMaxPooling3D(_GlobalPooling):
    """The maximum over the voxels of each channel."""

    rank = 3
    reduce_op = staticmethod(m.max)

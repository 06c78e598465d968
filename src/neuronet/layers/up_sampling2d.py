"""UpSampling2D: enlarges images by repeating pixels (nearest) or interpolating."""
from ..backend import check_choice, standardize_data_format
from ..ops.conv import as_tuple
from ..ops.image import RESIZE_INTERPOLATIONS, resize
from ..ops.pool import upsample_nearest
from .base import Layer
from .conv_utils import from_channels_last, join_shape, split_shape, to_channels_last
from .input_spec import InputSpec


class UpSampling2D(Layer):
    """Repeats the rows size[0] times and the columns size[1] times ('nearest'), or
    interpolates between pixels ('bilinear', 'bicubic', 'lanczos3', 'lanczos5', as
    `ops.image.resize`).

    Input shape: (batch, height, width, channels) (or channels first). Output shape:
    (batch, height * size[0], width * size[1], channels).
    UpSampling3D runs the nearest-neighbour code on volumes (`rank` spatial axes).
    """

    rank = 2

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        caller = type(self).__name__
        self.size = as_tuple(size, self.rank, "size", caller)
        self.data_format = standardize_data_format(data_format, caller)
        self.interpolation = check_choice(caller, "interpolation", interpolation,
                                          RESIZE_INTERPOLATIONS)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        if self.interpolation == "nearest":
            x = to_channels_last(inputs, self.data_format)
            return from_channels_last(upsample_nearest(x, self.size), self.data_format)
        first = 2 if self.data_format == "channels_first" else 1      # the height axis
        height, width = inputs.shape[first:first + 2]
        return resize(inputs, (height * self.size[0], width * self.size[1]),
                      self.interpolation, data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        batch, spatial, channels = split_shape(input_shape, self.data_format)
        spatial = tuple(None if n is None else n * s for n, s in zip(spatial, self.size))
        return join_shape(batch, spatial, channels, self.data_format)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}

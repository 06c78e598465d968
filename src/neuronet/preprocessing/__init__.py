"""Data preprocessing with Keras' names: `image` (pictures), `sequence` and `text`."""
from . import image, sequence, text
from .image import image_dataset_from_directory

__all__ = ["image", "sequence", "text", "image_dataset_from_directory"]
from .text_dataset import text_dataset_from_directory  # noqa: E402

__all__ += ["text_dataset_from_directory"]
from .timeseries import timeseries_dataset_from_array  # noqa: E402

__all__ += ["timeseries_dataset_from_array"]

"""Utilities with Keras' names: seeds, one-hot labels, progress bars, plots, data sets,
the graph helpers of the functional API, and the custom-object registry of `keras.saving`."""
from ..backend import clear_session, set_random_seed, standardize_dtype
from ..io_utils import (disable_interactive_logging, enable_interactive_logging,
                        is_interactive_logging_enabled)
from ..layers.symbolic import get_source_inputs, is_keras_tensor
from ..models.data_adapter import pack_x_y_sample_weight, unpack_x_y_sample_weight
from ..preprocessing.audio_dataset import audio_dataset_from_directory
from ..preprocessing.image.dataset import image_dataset_from_directory
from ..preprocessing.image.utils import array_to_img, img_to_array, load_img, save_img
from ..preprocessing.sequence import pad_sequences
from ..preprocessing.text_dataset import text_dataset_from_directory
from ..preprocessing.timeseries import timeseries_dataset_from_array
from ..saving import (CustomObjectScope, custom_object_scope, deserialize_keras_object,
                      get_custom_objects, get_registered_name, get_registered_object,
                      register_keras_serializable, serialize_keras_object)
from .array_utils import normalize, to_categorical
from .dataset_split import split_dataset
from .file_utils import get_file
from .plotting import plot_history
from .py_dataset import PyDataset, Sequence
from ..callbacks.progbar import Progbar

__all__ = ["set_random_seed", "to_categorical", "normalize", "plot_history", "Progbar",
           "pad_sequences", "text_dataset_from_directory", "image_dataset_from_directory",
           "load_img", "img_to_array", "array_to_img", "save_img", "pack_x_y_sample_weight",
           "unpack_x_y_sample_weight", "register_keras_serializable", "get_registered_name",
           "get_registered_object", "custom_object_scope", "CustomObjectScope",
           "get_custom_objects", "serialize_keras_object", "deserialize_keras_object",
           "PyDataset", "Sequence", "get_file", "timeseries_dataset_from_array",
           "split_dataset", "clear_session", "standardize_dtype", "get_source_inputs",
           "is_keras_tensor", "enable_interactive_logging", "disable_interactive_logging",
           "is_interactive_logging_enabled", "audio_dataset_from_directory"]

from .model_plot import plot_model  # noqa: E402

__all__ += ["plot_model"]

from .feature_space import FeatureSpace  # noqa: E402

__all__ += ["FeatureSpace"]

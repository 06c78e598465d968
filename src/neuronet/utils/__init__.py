"""Utilities with Keras' names: seeds, one-hot labels, progress bars, plots."""
from ..backend import set_random_seed
from .array_utils import normalize, to_categorical
from .plotting import plot_history
from .progbar import Progbar

__all__ = ["set_random_seed", "to_categorical", "normalize", "plot_history", "Progbar"]
from ..preprocessing.sequence import pad_sequences  # noqa: E402
from ..preprocessing.text_dataset import text_dataset_from_directory  # noqa: E402

__all__ += ["pad_sequences", "text_dataset_from_directory"]
from ..preprocessing.image.dataset import image_dataset_from_directory
from ..preprocessing.image.utils import array_to_img, img_to_array, load_img, save_img

__all__ += ["image_dataset_from_directory", "load_img", "img_to_array", "array_to_img", "save_img"]

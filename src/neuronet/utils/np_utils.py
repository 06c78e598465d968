"""The classic import path `keras.utils.np_utils.to_categorical` (Keras 2)."""
from .array_utils import normalize, to_categorical

__all__ = ["to_categorical", "normalize"]

"""Pictures for models: loading and saving files, iterators over folders and arrays, augmentation.

Both eras' names live here: tf.keras 2's `keras.preprocessing.image` (ImageDataGenerator,
the iterators, load_img, ...) and Keras 3's `image_dataset_from_directory`.
"""
from .affine import (apply_affine_transform, apply_brightness_shift, apply_channel_shift,
                     random_brightness, random_channel_shift, random_rotation, random_shear,
                     random_shift, random_zoom)
from .dataset import ImageDataset, image_dataset_from_directory
from .directory_iterator import DirectoryIterator
from .generator import ImageDataGenerator
from .iterator import Iterator, NumpyArrayIterator
from .utils import array_to_img, img_to_array, load_img, save_img, smart_resize

__all__ = ["ImageDataGenerator", "Iterator", "NumpyArrayIterator", "DirectoryIterator",
           "ImageDataset", "image_dataset_from_directory", "load_img", "img_to_array",
           "array_to_img", "save_img", "smart_resize", "apply_affine_transform",
           "apply_channel_shift", "apply_brightness_shift", "random_rotation", "random_shift",
           "random_shear", "random_zoom", "random_channel_shift", "random_brightness"]

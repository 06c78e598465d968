"""image_dataset_from_directory: batches of pictures and labels read from a folder (Keras 3)."""
import functools

import numpy as np

from ...backend import check_choice, standardize_data_format
from ...ops.image import RESIZE_INTERPOLATIONS
from ..dataset_utils import FileDataset, check_dataset_args, datasets_from_directory
from .utils import COLOR_MODES, DATASET_FORMATS, INTERPOLATIONS, check_size, load_image_batch

# Keras 3 interpolation names with a Pillow filter of the same effect.
INTERPOLATION_ALIASES = {"area": "box", "lanczos3": "lanczos"}

_CALLER = "image_dataset_from_directory"


class ImageDataset(FileDataset):
    """Batches `(images, labels)` decoded from picture files when asked for.

    Images are float32 (batch, height, width, channels) with values in 0..255; without
    labels a batch is the images alone. When shuffling, pass e visits the pictures in the
    order of np.random.default_rng([seed, e]). See FileDataset for the rest.
    """

def image_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None,
                                 color_mode="rgb", batch_size=32, image_size=(256, 256),
                                 shuffle=True, seed=None, validation_split=None, subset=None,
                                 interpolation="bilinear", follow_links=False,
                                 crop_to_aspect_ratio=False, pad_to_aspect_ratio=False,
                                 data_format=None, verbose=True):
    """A dataset of picture batches (and labels) from `directory`, with Keras 3's semantics.

    With labels='inferred', `directory` holds one sub-folder per class (sorted by name,
    or in the order of `class_names`); the pictures under each are found recursively.
    The file list is shuffled once with `seed` (when `shuffle`) before a validation split
    takes its last `validation_split` fraction.

    Args:
        labels: 'inferred', None (images only) or one int label per file, in the sorted
            order of the file paths.
        label_mode: 'int' (int32), 'categorical' (one-hot float32), 'binary' (float32 of
            shape (batch, 1), exactly 2 classes) or None (no labels).
        color_mode: 'rgb', 'grayscale' or 'rgba'.
        batch_size: pictures per batch; None yields single pictures.
        image_size: (height, width) every picture is resized to (an int: a square).
        validation_split, subset: a fraction in (0, 1) and 'training', 'validation' or
            'both' (which returns the list [training, validation]).
        interpolation: 'bilinear', 'nearest', 'bicubic', 'lanczos3' or 'lanczos5' resize
            as Keras 3 does (keras.ops.image.resize on the decoded picture: the same
            pixels); 'area' and Pillow's 'hamming', 'box', 'lanczos' resize with Pillow.
        crop_to_aspect_ratio / pad_to_aspect_ratio: resize without distortion, by taking
            the centred crop of the target's aspect ratio, or by padding with black.

    Returns:
        An ImageDataset, or a list [training, validation] when subset='both'. It chains
        like a tf.data.Dataset: `map`, `shuffle`, `cache`, `prefetch`, `take`, `batch`, ...
        (see Dataset); `model.fit` reads one pass of it per epoch.
    """
    labels, label_mode, seed = check_dataset_args(labels, label_mode, class_names, batch_size,
                                                  shuffle, seed, validation_split, subset, _CALLER)
    check_choice(_CALLER, "color_mode", color_mode, tuple(COLOR_MODES))
    interpolation = str(interpolation).lower()
    check_choice(_CALLER, "interpolation", interpolation, tuple(dict.fromkeys(
        RESIZE_INTERPOLATIONS + INTERPOLATIONS + tuple(INTERPOLATION_ALIASES))))
    keras_3_resize = interpolation in RESIZE_INTERPOLATIONS      # Keras' pixels, else Pillow's
    resample = interpolation if keras_3_resize else \
        INTERPOLATION_ALIASES.get(interpolation, interpolation)
    if isinstance(image_size, (int, np.integer)) and not isinstance(image_size, bool):
        image_size = (image_size, image_size)                  # as Keras takes it
    image_size = check_size(_CALLER, "image_size", image_size)
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(f"{_CALLER}: crop_to_aspect_ratio and pad_to_aspect_ratio cannot both "
                         "be True")
    data_format = standardize_data_format(data_format, _CALLER)

    load = functools.partial(load_image_batch, color_mode=color_mode, target_size=image_size,
                             interpolation=resample,
                             aspect="crop" if crop_to_aspect_ratio else
                             "pad" if pad_to_aspect_ratio else None,
                             data_format=data_format, dtype="float32", caller=_CALLER,
                             keras_3_resize=keras_3_resize)
    make = functools.partial(ImageDataset, batch_size=batch_size, seed=seed, load=load)
    return datasets_from_directory(make, directory, labels, label_mode, class_names, shuffle, seed,
                                   validation_split, subset, follow_links, verbose,
                                   formats=DATASET_FORMATS, caller=_CALLER, file_kind="picture",
                                   samples="images")

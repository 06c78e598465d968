"""image_dataset_from_directory: batches of pictures and labels read from a folder (Keras 3)."""
import functools
import os

import numpy as np

from ... import backend
from .utils import (ALLOWED_FORMATS, COLOR_MODES, INTERPOLATIONS, check_choice, check_size,
                    class_folders, image_files, load_image_batch, require_folder,
                    standardize_data_format)

LABEL_MODES = ("int", "categorical", "binary", None)
SUBSETS = ("training", "validation", "both")
# Keras 3 interpolation names with a Pillow filter of the same effect.
INTERPOLATION_ALIASES = {"area": "box", "lanczos3": "lanczos"}

_CALLER = "image_dataset_from_directory"


class ImageDataset:
    """Batches `(images, labels)` decoded from picture files when asked for.

    Re-iterable like a tf.data.Dataset, and a Sequence (`len`, `dataset[i]`), so
    `model.fit(dataset)` accepts it. Images are float32 (batch, height, width, channels)
    with values in 0..255; without labels a batch is the images alone. When shuffling,
    each full pass visits the pictures in a new order, reproducible from the seed.

    Attributes: class_names (None without labels), file_paths (in the dataset's file order).
    """

    def __init__(self, file_paths, labels, class_names, batch_size, shuffle, seed, load):
        self.file_paths = file_paths
        self.class_names = class_names
        self.batch_size = batch_size
        self.shuffle = shuffle
        self._labels = labels
        self._seed = seed
        self._load = load
        self._epoch = 0
        self._order = self._epoch_order()

    def _epoch_order(self):
        count = len(self.file_paths)
        if not self.shuffle:
            return np.arange(count)
        return np.random.default_rng([self._seed, self._epoch]).permutation(count)

    def __len__(self):
        """Batches per pass (pictures when batch_size is None)."""
        return -(-len(self.file_paths) // (self.batch_size or 1))

    def __getitem__(self, index):
        """Batch `index` of the current pass (one picture when batch_size is None)."""
        if not -len(self) <= index < len(self):
            raise IndexError(f"ImageDataset index {index} is out of range for {len(self)} batches")
        size = self.batch_size or 1
        start = (index % len(self)) * size
        picked = self._order[start:start + size]
        images = self._load([self.file_paths[i] for i in picked])
        labels = None if self._labels is None else self._labels[picked]
        if self.batch_size is None:
            images, labels = images[0], None if labels is None else labels[0]
        return images if labels is None else (images, labels)

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]
        self.on_epoch_end()

    def on_epoch_end(self):
        """Start a new pass: a new order of the pictures when shuffling."""
        self._epoch += 1
        self._order = self._epoch_order()

    def take(self, count):
        """The first `count` batches of the current pass, as a list."""
        return [self[i] for i in range(min(count, len(self)))]

    def __repr__(self):
        classes = "no labels" if self.class_names is None else f"{len(self.class_names)} classes"
        return (f"<ImageDataset: {len(self.file_paths)} files, {len(self)} batches of "
                f"{self.batch_size}, {classes}>")


def _check_split(validation_split, subset, shuffle, seed):
    """Keras' rules for validation_split, subset and seed."""
    check_choice(_CALLER, "subset", subset, SUBSETS + (None,))
    if validation_split is not None and not 0 < validation_split < 1:
        raise ValueError(f"{_CALLER}: validation_split must be between 0 and 1, "
                         f"received {validation_split}")
    if bool(validation_split) != bool(subset):
        raise ValueError(f"{_CALLER}: subset and validation_split must be given together, "
                         f"received subset={subset!r}, validation_split={validation_split!r}")
    if validation_split and shuffle and seed is None:
        raise ValueError(f"{_CALLER}: with validation_split and shuffle=True, pass a seed, so "
                         "that the training and validation subsets do not overlap")
    if seed is not None and (not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32):
        raise ValueError(f"{_CALLER}: seed must be None or an int in [0, 2**32), received {seed!r}")


def _index_files(directory, labels, class_names, follow_links):
    """(file paths, int labels or None, class names or None) of the pictures in `directory`."""
    if labels == "inferred":
        class_names = class_folders(directory, class_names, _CALLER)
        per_class = [image_files(os.path.join(directory, name), follow_links)
                     for name in class_names]
        paths = [os.path.join(directory, name, f)
                 for name, files in zip(class_names, per_class) for f in files]
        found = np.repeat(np.arange(len(class_names), dtype="int32"), [len(f) for f in per_class])
        return paths, found, class_names
    require_folder(directory, _CALLER)
    paths = [os.path.join(directory, f) for f in image_files(directory, follow_links)]
    if labels is None:
        return paths, None, None
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise ValueError(f"{_CALLER}: labels must be 'inferred', None or a list of ints, "
                         f"received an array of shape {labels.shape} and dtype {labels.dtype}")
    if len(labels) != len(paths):
        raise ValueError(f"{_CALLER}: expected one label per picture file: received "
                         f"{len(labels)} labels for {len(paths)} files in '{directory}'")
    return paths, labels.astype("int32"), [str(v) for v in np.unique(labels)]


def _encode_labels(labels, label_mode, num_classes):
    """Labels as batches carry them: int32, one-hot float32, or float32 of shape (n, 1)."""
    if label_mode == "int":
        return labels
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"{_CALLER}: label_mode={label_mode!r} needs labels in "
                         f"[0, {num_classes - 1}], received labels in "
                         f"[{labels.min()}, {labels.max()}]")
    if label_mode == "categorical":
        return np.eye(num_classes, dtype="float32")[labels]
    return labels.astype("float32")[:, None]


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
        image_size: (height, width) every picture is resized to.
        validation_split, subset: a fraction in (0, 1) and 'training', 'validation' or
            'both' (which returns the pair (training, validation)).
        interpolation: the resampling filter: 'bilinear', 'nearest', 'bicubic', 'area',
            'lanczos3', or Pillow's 'hamming', 'box', 'lanczos'.
        crop_to_aspect_ratio / pad_to_aspect_ratio: resize without distortion, by taking
            the centred crop of the target's aspect ratio, or by padding with black.

    Returns:
        An ImageDataset, or a (training, validation) pair when subset='both'.
    """
    if isinstance(labels, str):
        check_choice(_CALLER, "labels", labels, ("inferred",))
    elif labels is not None:
        if not isinstance(labels, (list, tuple, np.ndarray)):
            raise ValueError(f"{_CALLER}: labels must be 'inferred', None or a list of ints, "
                             f"received {type(labels).__name__}")
        if class_names:
            raise ValueError(f"{_CALLER}: class_names can only be given with labels='inferred'")
    check_choice(_CALLER, "label_mode", label_mode, LABEL_MODES)
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    check_choice(_CALLER, "color_mode", color_mode, tuple(COLOR_MODES))
    resample = INTERPOLATION_ALIASES.get(str(interpolation).lower(), str(interpolation).lower())
    check_choice(_CALLER, "interpolation", resample, INTERPOLATIONS + tuple(INTERPOLATION_ALIASES))
    image_size = check_size(_CALLER, "image_size", image_size)
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(f"{_CALLER}: crop_to_aspect_ratio and pad_to_aspect_ratio cannot both "
                         "be True")
    if batch_size is not None and (not isinstance(batch_size, (int, np.integer)) or batch_size < 1):
        raise ValueError(f"{_CALLER}: batch_size must be a positive int or None, "
                         f"received {batch_size!r}")
    data_format = standardize_data_format(data_format, _CALLER)
    _check_split(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = int(backend.rng().integers(10**6))

    directory = os.fsdecode(directory)
    paths, found, class_names = _index_files(directory, labels, class_names, follow_links)
    if verbose:
        print(f"Found {len(paths)} files" +
              ("." if class_names is None else f" belonging to {len(class_names)} classes."))
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(f"{_CALLER}: label_mode='binary' needs exactly 2 classes, found "
                         f"{len(class_names)}: {class_names}")
    if shuffle:
        # The same permutation as Keras' np.random.RandomState(seed).shuffle of the file list.
        order = np.random.RandomState(seed).permutation(len(paths))
        paths = [paths[i] for i in order]
        found = None if found is None else found[order]
    encoded = None if label_mode is None else _encode_labels(found, label_mode, len(class_names))

    load = functools.partial(load_image_batch, color_mode=color_mode, target_size=image_size,
                             interpolation=resample,
                             aspect="crop" if crop_to_aspect_ratio else
                             "pad" if pad_to_aspect_ratio else None,
                             data_format=data_format, dtype="float32", caller=_CALLER)
    cut = len(paths) - int(len(paths) * (validation_split or 0))

    def part(name, rows, shuffled):
        subset_paths = paths[rows]
        if verbose and subset:
            print(f"Using {len(subset_paths)} files for {name}.")
        if not subset_paths:
            where = f"{name} " if subset else ""
            raise ValueError(f"{_CALLER}: no {where}images found in '{directory}' "
                             f"(allowed extensions: {', '.join(ALLOWED_FORMATS)})")
        return ImageDataset(subset_paths, None if encoded is None else encoded[rows], class_names,
                            batch_size, shuffled, seed, load)

    if subset == "both":
        return (part("training", slice(0, cut), shuffle),
                part("validation", slice(cut, len(paths)), False))
    if subset == "validation":
        return part("validation", slice(cut, len(paths)), shuffle)
    return part("training", slice(0, cut), shuffle)

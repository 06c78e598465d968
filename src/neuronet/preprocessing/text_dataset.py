"""`text_dataset_from_directory`: .txt files in one sub-folder per class -> batches of texts and labels.

    main_directory/
        neg/  a.txt  b.txt ...
        pos/  c.txt  d.txt ...

    train = text_dataset_from_directory("main_directory", validation_split=0.2,
                                        subset="training", seed=1)
    for texts, labels in train:   # texts: object array of str (batch,), labels: int32 (batch,)
        ...
"""
import math
import os

import numpy as np

from .. import backend

LABEL_MODES = ("int", "categorical", "binary", None)
SUBSETS = ("training", "validation", "both", None)


def text_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None,
                                batch_size=32, max_length=None, shuffle=True, seed=None,
                                validation_split=None, subset=None, follow_links=False,
                                verbose=True):
    """A re-iterable `TextDataset` of (texts, labels) batches read from `directory`.

    Args:
        directory: with labels='inferred', one sub-folder per class holding .txt files
            (searched recursively; files directly in `directory` are ignored); otherwise
            every .txt file below `directory`.
        labels: 'inferred' (the sub-folder's position among `class_names`), None (texts
            only) or a list/tuple of integer labels, one per file in sorted path order.
        label_mode: 'int' (int32, shape (batch,)), 'categorical' (float32 one-hot,
            (batch, num_classes)), 'binary' (float32 0/1, (batch, 1); exactly 2 classes)
            or None (texts only).
        class_names: with labels='inferred', the sub-folders to use, in label order
            (default: every sub-folder, sorted alphanumerically).
        batch_size: texts per batch; None yields single samples.
        max_length: keep only the first `max_length` characters of each text.
        shuffle: shuffle the files once, then again at every pass; False keeps sorted order.
        seed: seed of the shuffles (drawn from the framework's generator when None);
            required with `validation_split` and shuffle so the two subsets do not overlap.
        validation_split: fraction of the files kept for validation (the last ones).
        subset: 'training', 'validation' or 'both' (a (training, validation) pair);
            required with `validation_split`.
        follow_links: also enter sub-folders that are symbolic links.
        verbose: print how many files and classes were found.

    Texts are decoded as UTF-8 `str` (Keras yields bytes), in object arrays.
    """
    inferred = isinstance(labels, str) and labels == "inferred"
    if not inferred and labels is not None:
        if not isinstance(labels, (list, tuple)):
            raise ValueError("text_dataset_from_directory: `labels` must be 'inferred', None or a "
                             "list/tuple of integer labels, one per text file in the directory. "
                             f"Received: labels={labels!r}")
        if class_names:
            raise ValueError("text_dataset_from_directory: `class_names` can only be passed with "
                             f"labels='inferred'. Received: labels={labels}, class_names={class_names}")
    if label_mode not in LABEL_MODES:
        raise ValueError(f"text_dataset_from_directory: `label_mode` must be one of {LABEL_MODES}, "
                         f"received {label_mode!r}")
    if labels is None or label_mode is None:
        if class_names is not None:
            raise ValueError("text_dataset_from_directory: with labels=None or label_mode=None "
                             "(no labels), `class_names` cannot be specified")
        labels, label_mode = None, None
    for name, number in (("batch_size", batch_size), ("max_length", max_length)):
        if number is not None and (not isinstance(number, (int, np.integer)) or number < 1):
            raise ValueError(f"text_dataset_from_directory: `{name}` must be None or an int >= 1, "
                             f"received {number!r}")
    _check_validation_split(validation_split, subset, shuffle, seed)
    if seed is not None and (not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32):
        raise ValueError("text_dataset_from_directory: `seed` must be None or an int in [0, 2**32), "
                         f"received {seed!r}")
    if shuffle and seed is None:
        seed = int(backend.rng().integers(1_000_000))

    file_paths, label_array, class_names = index_directory(
        directory, labels, (".txt",), class_names, shuffle, seed, follow_links, verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError("text_dataset_from_directory: with label_mode='binary' there must be exactly "
                         f"2 classes. Received: class_names={class_names}")
    if label_mode == "categorical" and label_array.size and not (
            0 <= label_array.min() and label_array.max() < len(class_names)):
        raise ValueError("text_dataset_from_directory: with label_mode='categorical' the labels must "
                         f"be in [0, {len(class_names)}), received {sorted(set(label_array.tolist()))}")

    def make(part, shuffle_each_pass):
        paths, part_labels = training_or_validation_split(file_paths, label_array, validation_split,
                                                          part, verbose)
        if not paths:
            which = f"{part} " if validation_split else ""
            raise ValueError(f"text_dataset_from_directory: no {which}text files found in directory "
                             f"{directory}. Allowed format: .txt")
        return TextDataset(paths, part_labels, label_mode, class_names, batch_size, max_length,
                           shuffle_each_pass, seed)

    if subset == "both":
        return make("training", shuffle), make("validation", False)
    return make(subset, shuffle)


def _check_validation_split(validation_split, subset, shuffle, seed):
    if validation_split and not 0 < validation_split < 1:
        raise ValueError("text_dataset_from_directory: `validation_split` must be between 0 and 1, "
                         f"received {validation_split!r}")
    if bool(validation_split) != bool(subset):
        raise ValueError("text_dataset_from_directory: if `subset` is set, `validation_split` must be "
                         f"set, and inversely. Received: validation_split={validation_split!r}, "
                         f"subset={subset!r}")
    if subset not in SUBSETS:
        raise ValueError(f"text_dataset_from_directory: `subset` must be one of {SUBSETS}, "
                         f"received {subset!r}")
    if validation_split and shuffle and seed is None:
        raise ValueError("text_dataset_from_directory: when using `validation_split` and shuffling "
                         "the data, you must provide a `seed` argument, to make sure that there is "
                         "no overlap between the training and validation subset")


def _files_below(top, formats, follow_links):
    """Paths of the files below `top` ending in one of `formats`, in sorted walk order."""
    for root, _, files in sorted(os.walk(top, followlinks=follow_links), key=lambda entry: entry[0]):
        for name in sorted(files):
            if name.lower().endswith(formats):
                yield os.path.join(root, name)


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None,
                    follow_links=False, verbose=True):
    """(file_paths, labels array or None, class_names) of the files below `directory`.

    labels='inferred': one class per sub-folder (`class_names` picks and orders them);
    a list: the given labels in sorted path order (class_names = their sorted distinct
    values as strings); None: no labels. With `shuffle`, paths and labels are permuted
    together by `np.random.RandomState(seed)`, as Keras does.
    """
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"index_directory: directory {directory!r} does not exist or is "
                                "not a folder")
    if isinstance(labels, str) and labels == "inferred":
        subdirs = sorted(name for name in os.listdir(directory)
                         if os.path.isdir(os.path.join(directory, name)) and not name.startswith("."))
        if class_names is not None:
            if not set(class_names) <= set(subdirs):
                raise ValueError("index_directory: `class_names` did not match the sub-folders of "
                                 f"{directory}. Expected: {subdirs} (or a subset of it), but "
                                 f"received: class_names={class_names}")
            subdirs = list(class_names)
        class_names = subdirs
        file_paths, label_list = [], []
        for index, subdir in enumerate(subdirs):
            paths = list(_files_below(os.path.join(directory, subdir), formats, follow_links))
            file_paths += paths
            label_list += [index] * len(paths)
        label_array = np.asarray(label_list, dtype="int32")
    else:
        file_paths = list(_files_below(directory, formats, follow_links))
        label_array, class_names = None, None
        if labels is not None:
            if len(labels) != len(file_paths):
                raise ValueError("index_directory: expected the length of `labels` to match the "
                                 f"number of files in the target directory. len(labels) is "
                                 f"{len(labels)} while we found {len(file_paths)} files in "
                                 f"directory {directory}")
            label_array = np.asarray(labels)
            if label_array.size and label_array.dtype.kind not in "iu":
                raise ValueError(f"index_directory: `labels` must be integers, received {list(labels)}")
            label_array = label_array.astype("int32")
            class_names = [str(label) for label in sorted(set(label_array.tolist()))]
    if verbose:
        classes = "" if class_names is None else f" belonging to {len(class_names)} classes"
        print(f"Found {len(file_paths)} files{classes}.")
    if shuffle:
        # The permutation Keras draws: np.random.RandomState(seed).shuffle of the file list.
        order = np.random.RandomState(seed).permutation(len(file_paths))
        file_paths = [file_paths[i] for i in order]
        if label_array is not None:
            label_array = label_array[order]
    return file_paths, label_array, class_names


def training_or_validation_split(samples, labels, validation_split, subset, verbose=True):
    """The first (training) or last (validation) part of `samples` and `labels`:
    int(validation_split * len(samples)) samples go to validation."""
    if not validation_split:
        return samples, labels
    cut = len(samples) - int(validation_split * len(samples))
    part = slice(0, cut) if subset == "training" else slice(cut, len(samples))
    if verbose:
        print(f"Using {part.stop - part.start} files for {subset}.")
    return samples[part], None if labels is None else labels[part]


class TextDataset:
    """Batches of (texts, labels), or texts alone, read from files on demand.

    `len()` is the number of batches; `dataset[i]` is batch i of the current pass;
    iterating yields every batch and then, with shuffle, draws a new order
    (`on_epoch_end`). Attributes: `class_names`, `file_paths`, `batch_size`.
    """

    def __init__(self, file_paths, labels, label_mode, class_names, batch_size=32, max_length=None,
                 shuffle=False, seed=None):
        self.file_paths = list(file_paths)
        self.labels = labels
        self.label_mode = label_mode
        self.class_names = class_names
        self.batch_size = batch_size
        self.max_length = max_length
        self.shuffle = shuffle
        # A stream of its own, so the per-pass orders differ from the split's permutation.
        self._rng = np.random.default_rng(None if seed is None else (seed, 1))
        self._order = np.arange(len(self.file_paths))

    def __len__(self):
        if self.batch_size is None:
            return len(self.file_paths)
        return math.ceil(len(self.file_paths) / self.batch_size)

    def __getitem__(self, index):
        count = len(self)
        if not -count <= index < count:
            raise IndexError(f"TextDataset: batch index {index} out of range for {count} batches")
        index %= count
        if self.batch_size is None:
            chosen = self._order[index]
            texts = self._read(self.file_paths[chosen])
        else:
            chosen = self._order[index * self.batch_size:(index + 1) * self.batch_size]
            texts = np.empty(len(chosen), dtype=object)
            texts[:] = [self._read(self.file_paths[i]) for i in chosen]
        if self.label_mode is None:
            return texts
        return texts, self._encode_labels(self.labels[chosen])

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]
        self.on_epoch_end()

    def on_epoch_end(self):
        """Draw a new order of the files for the next pass (when shuffling)."""
        if self.shuffle:
            self._order = self._rng.permutation(len(self.file_paths))

    def _read(self, path):
        with open(path, "rb") as handle:
            raw = handle.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValueError(f"TextDataset: {path} is not valid UTF-8 text ({error})") from None
        return text if self.max_length is None else text[:self.max_length]

    def _encode_labels(self, labels):
        if self.label_mode == "int":
            return np.asarray(labels, dtype="int32")
        if self.label_mode == "binary":
            return np.asarray(labels, dtype="float32")[..., None]
        return np.eye(len(self.class_names), dtype="float32")[labels]  # categorical

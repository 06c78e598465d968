"""What image_dataset_from_directory and text_dataset_from_directory share (Keras' dataset_utils).

Both read a folder with one sub-folder per class,

    main_directory/
        class_a/  a_1  a_2 ...
        class_b/  b_1  sub/b_2 ...

check the same arguments (`check_dataset_args`), index the files (`index_directory`: paths,
labels, class names, shuffled once with the seed), encode the labels (`encode_labels`), cut
off a validation part (`get_training_or_validation_split`) and serve batches from a
`FileDataset` (a `Dataset` that chains like tf.data), which reads the files of a batch with
the loader function it is given; `datasets_from_directory` chains these steps.
"""
import os

import numpy as np

from .. import backend
from ..backend import check_choice
from ..io_utils import print_msg
from .array_dataset import IndexedDataset

LABEL_MODES = ("int", "categorical", "binary", None)
SUBSETS = ("training", "validation", "both")


# --- argument checks -----------------------------------------------------------------------------
def check_dataset_args(labels, label_mode, class_names, batch_size, shuffle, seed,
                       validation_split, subset, caller):
    """Keras' checks of the arguments both *_dataset_from_directory functions take.

    Returns (labels, label_mode, seed): labels and label_mode are both None when the
    batches carry no labels; without a seed, one is drawn from backend.rng() to shuffle.
    """
    if labels is not None and not (isinstance(labels, str) and labels == "inferred"):
        if not isinstance(labels, (list, tuple, np.ndarray)):
            raise ValueError(f"{caller}: labels must be 'inferred', None or a list of ints, "
                             f"one per file, received labels={labels!r}")
        if class_names:
            raise ValueError(f"{caller}: class_names can only be given with labels='inferred', "
                             f"received class_names={class_names!r}")
    check_choice(caller, "label_mode", label_mode, LABEL_MODES)
    if labels is None or label_mode is None:
        if class_names is not None:
            raise ValueError(f"{caller}: class_names cannot be given without labels (labels=None "
                             f"or label_mode=None), received class_names={class_names!r}")
        labels, label_mode = None, None
    check_count(batch_size, "batch_size", caller)
    check_validation_split_arg(validation_split, subset, shuffle, seed, caller)
    if seed is not None and (not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32):
        raise ValueError(f"{caller}: seed must be None or an int in [0, 2**32), received {seed!r}")
    if shuffle and seed is None:
        seed = int(backend.rng().integers(10**6))
    return labels, label_mode, seed


def check_count(value, name, caller):
    """None, or an int >= 1."""
    if value is not None and (not backend.is_int(value) or value < 1):
        raise ValueError(f"{caller}: {name} must be None or an int >= 1, received {name}={value!r}")


def check_validation_split_arg(validation_split, subset, shuffle, seed, caller):
    """Keras' rules: a split in (0, 1) goes with a subset, and with a seed when shuffling."""
    check_choice(caller, "subset", subset, SUBSETS + (None,))
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(f"{caller}: validation_split must be between 0 and 1, "
                         f"received {validation_split!r}")
    if bool(validation_split) != bool(subset):
        raise ValueError(f"{caller}: subset and validation_split must be given together, "
                         f"received subset={subset!r}, validation_split={validation_split!r}")
    if validation_split and shuffle and seed is None:
        raise ValueError(f"{caller}: with validation_split and shuffle=True, pass a seed, so "
                         "that the training and validation subsets do not overlap")


# --- folders of files ----------------------------------------------------------------------------
def require_folder(directory, caller):
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"{caller}: the folder '{directory}' does not exist")


def class_folders(directory, classes, caller, name="classes"):
    """The class names: `classes` (each checked to be a sub-folder), or the sorted sub-folders.

    Hidden sub-folders (names starting with '.', e.g. '.ipynb_checkpoints') are not classes.
    Raises a ValueError for an empty folder or one without class sub-folders; `name` is the
    caller's argument for `classes`.
    """
    require_folder(directory, caller)
    entries = sorted(os.listdir(directory))
    folders = [e for e in entries
               if os.path.isdir(os.path.join(directory, e)) and not e.startswith(".")]
    if classes:
        missing = [c for c in classes if c not in folders]
        if missing:
            raise ValueError(f"{caller}: {name} did not match the sub-folders of '{directory}': "
                             f"classes {missing} have no sub-folder (found sub-folders: {folders})")
        return list(classes)
    if not entries:
        raise ValueError(f"{caller}: the folder '{directory}' is empty; expected one sub-folder "
                         "per class")
    if not folders:
        raise ValueError(f"{caller}: the folder '{directory}' has no class sub-folders (it holds "
                         f"{len(entries)} files directly); expected one sub-folder per class, "
                         "e.g. 'cats/' and 'dogs/'")
    return folders


def list_files(folder, formats, follow_links=False):
    """Paths, relative to `folder`, of the files under it (recursively) whose names end in
    one of `formats` (any case), sorted."""
    found = []
    for root, _, files in sorted(os.walk(folder, followlinks=follow_links)):
        found += [os.path.relpath(os.path.join(root, name), folder) for name in sorted(files)
                  if name.lower().endswith(formats)]
    return found


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None,
                    follow_links=False, verbose=True, *, caller, kind):
    """(file paths, int32 labels or None, class names or None) of the files in `directory`.

    labels='inferred': one class per sub-folder, sorted by name or in the order of
    `class_names`, with the files under each found recursively. A list: one label per file
    under `directory` in sorted path order; the class names are the distinct labels as
    strings. None: every file under `directory`, without labels. Only names ending in one
    of `formats` count. With `shuffle`, files and labels are permuted together by
    np.random.RandomState(seed), as Keras does. kind: what a file holds ('picture',
    'text'), for the messages.
    """
    directory = os.fsdecode(directory)
    if isinstance(labels, str):                                    # 'inferred'
        class_names = class_folders(directory, class_names, caller, "class_names")
        per_class = [list_files(os.path.join(directory, name), formats, follow_links)
                     for name in class_names]
        paths = [os.path.join(directory, name, f)
                 for name, files in zip(class_names, per_class) for f in files]
        found = np.repeat(np.arange(len(class_names), dtype="int32"), [len(f) for f in per_class])
    else:
        require_folder(directory, caller)
        paths = [os.path.join(directory, f) for f in list_files(directory, formats, follow_links)]
        found = None if labels is None else _given_labels(labels, len(paths), directory, caller,
                                                          kind)
        class_names = None if labels is None else [str(v) for v in np.unique(found)]
    if verbose:
        print_msg(f"Found {len(paths)} files" +
              ("." if class_names is None else f" belonging to {len(class_names)} classes."))
    if shuffle:
        order = np.random.RandomState(seed).permutation(len(paths))
        paths = [paths[i] for i in order]
        found = None if found is None else found[order]
    return paths, found, class_names


def _given_labels(labels, count, directory, caller, kind):
    """The labels of a list as an int32 array, one per file."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or (labels.size and labels.dtype.kind not in "iu"):
        raise ValueError(f"{caller}: labels must be 'inferred', None or a list of ints, received "
                         f"an array of shape {labels.shape} and dtype {labels.dtype}")
    if len(labels) != count:
        raise ValueError(f"{caller}: labels must match the number of files, one label per {kind} "
                         f"file: received {len(labels)} labels for {count} files in '{directory}'")
    return labels.astype("int32")


# --- labels and subsets --------------------------------------------------------------------------
def encode_labels(labels, label_mode, class_names, caller):
    """Labels as batches carry them: 'int' int32 (n,), 'categorical' one-hot float32
    (n, classes), 'binary' float32 0/1 of shape (n, 1), for exactly 2 classes."""
    num_classes = len(class_names)
    if label_mode == "binary" and num_classes != 2:
        raise ValueError(f"{caller}: label_mode='binary' needs exactly 2 classes, found "
                         f"{num_classes}: {class_names}")
    if label_mode == "int":
        return labels
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"{caller}: label_mode={label_mode!r} needs labels in "
                         f"[0, {num_classes - 1}], received labels in "
                         f"[{labels.min()}, {labels.max()}]")
    if label_mode == "categorical":
        return np.eye(num_classes, dtype="float32")[labels]
    return labels.astype("float32")[:, None]


def get_training_or_validation_split(samples, labels, validation_split, subset, verbose=True):
    """The first (training) or last (validation) part of `samples` and `labels` (None
    allowed): int(validation_split * len(samples)) samples go to validation."""
    if not validation_split:
        return samples, labels
    cut = len(samples) - int(validation_split * len(samples))
    part = slice(0, cut) if subset == "training" else slice(cut, len(samples))
    if verbose:
        print_msg(f"Using {part.stop - part.start} files for {subset}.")
    return samples[part], None if labels is None else labels[part]


def datasets_from_directory(make, directory, labels, label_mode, class_names, shuffle, seed,
                            validation_split, subset, follow_links, verbose, *, formats, caller,
                            file_kind, samples):
    """The dataset of `subset` of the files in `directory`, or the list [training,
    validation] for subset='both' (as Keras; the validation part keeps its order):
    `index_directory`, then `encode_labels` and `get_training_or_validation_split`.
    make(paths, labels, class_names, shuffle=...) builds one dataset. file_kind ('picture')
    and samples ('images') word the errors.
    """
    file_paths, found, class_names = index_directory(
        directory, labels, formats, class_names, shuffle, seed, follow_links, verbose,
        caller=caller, kind=file_kind)
    encoded = None if label_mode is None else encode_labels(found, label_mode, class_names, caller)

    def one(part, shuffled):
        paths, part_labels = get_training_or_validation_split(file_paths, encoded,
                                                              validation_split, part, verbose)
        if not paths:
            raise ValueError(f"{caller}: no {part + ' ' if part else ''}{samples} found in "
                             f"'{os.fsdecode(directory)}' (allowed extensions: "
                             f"{', '.join(formats)})")
        return make(paths, part_labels, class_names, shuffle=shuffled)

    if subset == "both":
        return [one("training", shuffle), one("validation", False)]
    return one(subset, shuffle)


# --- batches -------------------------------------------------------------------------------------
class FileDataset(IndexedDataset):
    """Batches `(samples, labels)` read from files when asked for: `load(paths)` gives the
    samples of a list of files as one array; without labels a batch is the samples alone.

    An IndexedDataset over the files (`map`, `shuffle`, `cache`, `prefetch`, `take`, ...
    chain on it; `len` and `dataset[i]` as a Sequence); batch_size None yields single
    samples. With `shuffle`, the passes visit the files in the orders `_pass_orders(seed)`
    gives, one order per pass.

    Attributes: file_paths (in the dataset's file order), class_names (None without
    labels), batch_size, shuffle.
    """

    def __init__(self, file_paths, labels, class_names, batch_size, shuffle, seed, load):
        self.file_paths = file_paths
        self.class_names = class_names
        self._labels = labels
        self._load = load
        super().__init__(len(file_paths), batch_size, shuffle, seed)

    def _gather(self, positions):
        samples = self._load([self.file_paths[i] for i in positions])
        return samples if self._labels is None else (samples, self._labels[positions])

    def __repr__(self):
        classes = "no labels" if self.class_names is None else f"{len(self.class_names)} classes"
        return (f"<{type(self).__name__}: {len(self.file_paths)} files, {len(self)} batches of "
                f"{self.batch_size}, {classes}>")

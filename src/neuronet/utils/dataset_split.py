"""`split_dataset`: cut a data set in two (e.g. training and test), as keras.utils.split_dataset.

    train, test = split_dataset((x, y), left_size=0.8, shuffle=True, seed=1)
    model.fit(train.batch(32), validation_data=test.batch(32))
"""
import numbers
import random

import numpy as np

from .. import backend
from ..preprocessing.array_dataset import ArrayDataset
from ..preprocessing.dataset import (INFINITE_CARDINALITY, Dataset, _leaves, _map_structure,
                                     _stack)

_CALLER = "split_dataset"


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """The (left, right) parts of `dataset`: its first `left_size` samples and its last
    `right_size` samples (after a shuffle, when `shuffle`).

    Args:
        dataset: a NumPy array (its samples are its rows), a tuple, list or dict of arrays
            with the same first dimension (sample i is the tuple or dict of their rows i;
            a list gives tuples), or a neuronet Dataset (one pass is read; when it has a
            `batch_size`, as the *_dataset_from_* functions' datasets do, its batches are
            cut into samples, and both parts are batched again by that size; otherwise
            each element is a sample).
        left_size: a float in (0, 1), the fraction of the samples that goes left
            (rounded to the nearest count), or an int in [1, n), a number of samples;
            None: the samples `right_size` leaves.
        right_size: the same for the right part; None: the samples `left_size` leaves.
            When both are given and leave samples over, those in the middle are dropped.
        shuffle: shuffle the samples before cutting (the permutation Python's
            random.Random(seed).shuffle makes, so a seed splits as in Keras).
        seed: seed of the shuffle (drawn from the framework's generator when None).

    Returns:
        Two ArrayDatasets of the samples, unbatched (as tf.data's from_tensor_slices) unless
        `dataset` was batched: `left.batch(32)` gives batches for `model.fit`. Keras takes
        no dicts; here a dict of arrays gives dict samples.
    """
    arrays, batch_size = _as_arrays(dataset)
    total = len(_leaves(arrays)[0])
    if total == 0:
        raise ValueError(f"{_CALLER}: received an empty dataset (0 samples); expected at least 2")
    left, right = _split_sizes(left_size, right_size, total)
    if shuffle:
        if seed is None:
            seed = int(backend.rng().integers(10**6))
        order = list(range(total))
        random.Random(seed).shuffle(order)
        order = np.array(order)
        parts = order[:left], order[total - right:]
    else:
        parts = slice(0, left), slice(total - right, total)
    return tuple(ArrayDataset(_map_structure(lambda array: array[part], arrays), batch_size)
                 for part in parts)


def _as_arrays(dataset):
    """(the samples of `dataset` as an array, tuple or dict of arrays, the batch size to
    batch the parts by or None)."""
    if isinstance(dataset, np.ndarray):
        if dataset.ndim == 0:
            raise ValueError(f"{_CALLER}: dataset must have at least one dimension (the "
                             f"samples), received a 0-D array {dataset!r}")
        return dataset, None
    if isinstance(dataset, (list, tuple, dict)):
        arrays = dict(dataset) if isinstance(dataset, dict) else dict(enumerate(dataset))
        if not arrays:
            raise ValueError(f"{_CALLER}: received an empty {type(dataset).__name__}; expected "
                             "NumPy arrays with the same first dimension")
        for key, value in arrays.items():
            if not isinstance(value, np.ndarray) or value.ndim == 0:
                raise ValueError(f"{_CALLER}: a {type(dataset).__name__} dataset must hold NumPy "
                                 f"arrays with a first dimension, received {value!r} at "
                                 f"{key!r}; convert it with np.asarray")
        lengths = {key: len(value) for key, value in arrays.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(f"{_CALLER}: the arrays must have the same first dimension (one row "
                             f"per sample), received lengths {lengths}")
        return (dataset if isinstance(dataset, dict) else tuple(dataset)), None
    if isinstance(dataset, Dataset):
        return _read_dataset(dataset)
    raise TypeError(f"{_CALLER}: dataset must be a NumPy array, a tuple, list or dict of arrays, "
                    f"or a Dataset, received a {type(dataset).__name__}")


def _read_dataset(dataset):
    """One pass of a Dataset as arrays: its batches joined when it has a batch_size, else
    its elements stacked as samples."""
    if dataset.cardinality() == INFINITE_CARDINALITY:
        raise ValueError(f"{_CALLER}: cannot split an infinite dataset (one repeated forever); "
                         "take a finite part of it first, e.g. dataset.take(n)")
    batch_size = getattr(dataset, "batch_size", None)
    elements = list(dataset)
    if not elements:
        raise ValueError(f"{_CALLER}: received an empty dataset (no elements)")
    join = (lambda *batches: np.concatenate(batches)) if batch_size else _stack
    try:
        return _map_structure(join, *elements), batch_size
    except ValueError as error:
        what = "batches" if batch_size else "samples"
        raise ValueError(f"{_CALLER}: all the dataset's {what} must have the same structure "
                         f"and shapes ({error})") from None


def _split_sizes(left_size, right_size, total):
    """(left, right) sample counts, with Keras' rules (see split_dataset)."""
    if left_size is None and right_size is None:
        raise ValueError(f"{_CALLER}: at least one of left_size and right_size must be given, "
                         "received left_size=None and right_size=None")
    sizes = {"left_size": left_size, "right_size": right_size}
    for name, size in sizes.items():
        if size is None:
            continue
        if isinstance(size, bool) or not isinstance(size, numbers.Real):
            raise TypeError(f"{_CALLER}: {name} must be an int, a float or None, received "
                            f"{name}={size!r} (a {type(size).__name__})")
        if isinstance(size, numbers.Integral):
            valid = 0 < size < total
        else:
            valid = 0 < size < 1
        if not valid:
            raise ValueError(f"{_CALLER}: {name} must be an int in [1, {total - 1}] (a number "
                             f"of samples) or a float in (0, 1) (a fraction of the {total} "
                             f"samples), received {name}={size!r}")
    fractions = [size for size in sizes.values() if isinstance(size, numbers.Real)
                 and not isinstance(size, numbers.Integral)]
    if len(fractions) == 2 and sum(fractions) > 1:
        raise ValueError(f"{_CALLER}: left_size + right_size must be at most 1, received "
                         f"left_size={left_size!r}, right_size={right_size!r}")
    counts = {name: None if size is None else
              int(size) if isinstance(size, numbers.Integral) else int(round(size * total))
              for name, size in sizes.items()}
    left = total - counts["right_size"] if counts["left_size"] is None else counts["left_size"]
    right = total - left if counts["right_size"] is None else counts["right_size"]
    if left + right > total:
        raise ValueError(f"{_CALLER}: left_size and right_size add up to {left + right} samples, "
                         f"more than the dataset's {total} (left_size={left_size!r}, "
                         f"right_size={right_size!r})")
    for side, count in (("left", left), ("right", right)):
        if count == 0:
            raise ValueError(f"{_CALLER}: the {side} part would be empty: left_size={left_size!r} "
                             f"and right_size={right_size!r} give {left} and {right} of the "
                             f"{total} samples")
    return left, right

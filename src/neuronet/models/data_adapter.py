"""Turn what `fit`, `evaluate` and `predict` receive into batches of NumPy arrays.

Arrays (or lists/dicts of arrays) are sliced into mini-batches, shuffled per epoch;
Python generators and Sequence-like objects (`__len__` / `__getitem__`) are read as
they are. Every batch is a tuple (x, y, sample_weight), with y / sample_weight None
when absent.
"""
import math

import numpy as np

from .. import backend


def _flatten(data):
    if data is None:
        return []
    if isinstance(data, dict):
        return [np.asarray(v) for v in data.values()]
    if isinstance(data, (list, tuple)):
        return [np.asarray(v) for v in data]
    return [np.asarray(data)]


def map_structure(fn, data):
    """Apply `fn` to every array of an array, list/tuple or dict of arrays."""
    if data is None:
        return None
    if isinstance(data, dict):
        return {k: fn(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [fn(v) for v in data]
    return fn(data)


def is_array_data(x):
    return isinstance(x, (np.ndarray, list, tuple, dict)) or hasattr(x, "__array__")


def to_arrays(data, float_dtype):
    """Arrays of `data`; float arrays cast once to the model's float type."""
    def convert(value):
        array = np.asarray(value)
        if backend.is_float_dtype(array.dtype) and array.dtype != float_dtype:
            array = array.astype(float_dtype)
        return array
    return map_structure(convert, data)


def check_cardinality(x, y=None, sample_weight=None):
    """The common number of samples, or a ValueError naming every size."""
    sizes = {name: [len(a) for a in _flatten(d)] for name, d in
             (("x", x), ("y", y), ("sample_weight", sample_weight)) if d is not None}
    distinct = {n for ns in sizes.values() for n in ns}
    if len(distinct) > 1:
        described = " ".join(f"'{k}' sizes: {', '.join(map(str, v))}" for k, v in sizes.items())
        raise ValueError("Data cardinality is ambiguous. Make sure all arrays contain the same "
                         f"number of samples. {described}")
    if not distinct:
        raise ValueError("fit: received no input data (x is empty)")
    return distinct.pop()


def _all_finite(array):
    """Whether every value is finite: one summation pass (an inf or a NaN makes the sum
    non-finite), then the element-wise check only if the sum is not finite (it may also
    have overflowed)."""
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.add.reduce(array, axis=None)
    return bool(np.isfinite(total) or np.isfinite(array).all())


def check_finite(data, name):
    for array in _flatten(data):
        if backend.is_float_dtype(array.dtype) and not _all_finite(array):
            raise ValueError(f"Argument '{name}' contains NaN or inf values "
                             f"(array of shape {array.shape})")


def take(data, index):
    if isinstance(data, np.ndarray):                   # the usual case, without the mapping
        return data[index]
    return map_structure(lambda a: a[index], data)


class ArrayBatches:
    """Mini-batches of in-memory arrays; the last, partial batch is kept."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=32, shuffle=False):
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.num_samples = check_cardinality(x, y, sample_weight)
        self.batch_size = batch_size
        self.shuffle = shuffle

    def __len__(self):
        return math.ceil(self.num_samples / self.batch_size)

    def epoch(self):
        order = backend.rng().permutation(self.num_samples) if self.shuffle else None
        for start in range(0, self.num_samples, self.batch_size):
            index = (slice(start, start + self.batch_size) if order is None
                     else order[start:start + self.batch_size])
            yield (take(self.x, index), take(self.y, index), take(self.sample_weight, index))


class SequenceBatches:
    """Batches from a Sequence-like object (`__len__`, `__getitem__`, `on_epoch_end`)."""

    def __init__(self, sequence, shuffle=False, steps=None):
        self.sequence = sequence
        self.shuffle = shuffle
        self.steps = steps

    def __len__(self):
        return len(self.sequence) if self.steps is None else min(self.steps, len(self.sequence))

    def epoch(self):
        count = len(self.sequence)
        order = backend.rng().permutation(count) if self.shuffle else range(count)
        order = order[:len(self)]
        for index in order:
            yield unpack_batch(self.sequence[int(index)], f"{type(self.sequence).__name__}[{index}]")
        if hasattr(self.sequence, "on_epoch_end"):
            self.sequence.on_epoch_end()


class GeneratorBatches:
    """Batches from a Python generator/iterator, `steps` of them per epoch (or until it ends)."""

    def __init__(self, generator, steps=None):
        self.iterator = iter(generator)
        self.steps = steps
        self.exhausted = False

    def __len__(self):
        return self.steps

    def epoch(self):
        produced = 0
        while self.steps is None or produced < self.steps:
            try:
                batch = next(self.iterator)
            except StopIteration:
                self.exhausted = True
                return
            produced += 1
            yield unpack_batch(batch, f"the generator's batch {produced}")


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """`x` alone when there is no `y` (a tuple `(x,)` when `x` is itself a list or tuple),
    else `(x, y)` or `(x, y, sample_weight)`: the batch a `train_step` receives."""
    if y is None:
        return (x,) if isinstance(x, (list, tuple)) else x
    return (x, y) if sample_weight is None else (x, y, sample_weight)


def unpack_x_y_sample_weight(data):
    """`(x, y, sample_weight)` from a batch `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`
    (missing parts are None)."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if not 1 <= len(data) <= 3:
        raise ValueError("Data is expected to be in format `x`, `(x,)`, `(x, y)`, or "
                         f"`(x, y, sample_weight)`, found a tuple of length {len(data)}")
    return data + (None,) * (3 - len(data))


def unpack_batch(batch, where):
    """A batch read from a generator or Sequence as (x, y, sample_weight), or a clear error."""
    if isinstance(batch, np.ndarray) or (isinstance(batch, tuple) and 1 <= len(batch) <= 3) or (
            isinstance(batch, list) and len(batch) in (2, 3)):
        return unpack_x_y_sample_weight(batch)
    described = f"a {type(batch).__name__}" + (f" of length {len(batch)}" if hasattr(batch, "__len__") else "")
    raise ValueError(f"Invalid batch from {where}: expected a tuple (x, y) or "
                     f"(x, y, sample_weight), received {described}")


def make_batches(x, y=None, sample_weight=None, batch_size=32, shuffle=False, steps=None):
    """The batch source for `x`: arrays, a Sequence-like object or a generator."""
    if hasattr(x, "__getitem__") and hasattr(x, "__len__") and not is_array_data(x):
        return SequenceBatches(x, shuffle, steps)
    if hasattr(x, "__next__") or (hasattr(x, "__iter__") and not is_array_data(x)):
        return GeneratorBatches(x, steps)
    return ArrayBatches(x, y, sample_weight, batch_size or 32, shuffle)


def split_validation(x, y, sample_weight, validation_split):
    """Keras' rule: the last `validation_split` fraction, taken before any shuffling."""
    if not 0.0 < validation_split < 1.0:
        raise ValueError(f"fit: validation_split must be in (0, 1), received {validation_split}")
    if not is_array_data(x):
        raise ValueError("fit: validation_split is only supported for array inputs, "
                         f"received x of type {type(x).__name__}")
    n = check_cardinality(x, y, sample_weight)
    cut = int(n * (1.0 - validation_split))
    if cut == 0 or cut == n:
        raise ValueError(f"fit: validation_split={validation_split} leaves an empty training or "
                         f"validation set for {n} samples")
    head, tail = slice(0, cut), slice(cut, n)
    return ((take(x, head), take(y, head), take(sample_weight, head)),
            (take(x, tail), take(y, tail), take(sample_weight, tail)))

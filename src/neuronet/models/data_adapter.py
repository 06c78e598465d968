"""Turn what `fit`, `evaluate` and `predict` receive into batches of NumPy arrays.

Arrays (or lists/dicts of arrays) are sliced into mini-batches, shuffled per epoch;
datasets (tf.data-like: re-iterable, with `cardinality()`) give one pass per epoch; Python
generators and Sequence-like objects (a PyDataset, or `__getitem__` with
`__len__` or `num_batches`) are read as they are. Every batch is a tuple
(x, y, sample_weight), with y / sample_weight None when absent.
"""
import itertools
import math
import numbers
import warnings

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


def _python_kind(item):
    """What a list item is when it is a sample rather than an array: 'numbers', 'strings' or
    'Python lists' / 'Python tuples'; None for an array."""
    if isinstance(item, (list, tuple)):
        return f"Python {type(item).__name__}s"
    if isinstance(item, (str, bytes)):
        return "strings"
    if isinstance(item, (numbers.Number, np.generic)):
        return "numbers"
    return None


def check_not_python_lists(data, name, method):
    """Refuse a list/tuple of Python values: one array per model input is what a list means.

    `[[0.1, 0.2], [0.3, 0.4]]` or `[0, 1, 1]` would be taken as inputs, one per item; Keras
    refuses such lists too, and asks for an array.
    """
    if not isinstance(data, (list, tuple)):
        return
    kinds = {_python_kind(item) for item in data}
    if kinds <= {None}:
        return                                     # arrays (or nothing)
    named = sorted(kind or "arrays" for kind in kinds)
    what = named[0] if len(named) == 1 else f"items ({' and '.join(named)})"
    raise ValueError(f"{method}: argument '{name}' is a {type(data).__name__} of {len(data)} "
                     f"{what}; expected a NumPy array (a list or tuple holds one array per "
                     f"model input or output). Convert it with np.asarray({name}).")


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


class Batches:
    """A source of batches: `epoch()` yields an epoch's batches as (x, y, sample_weight);
    `num_batches` is their number per epoch, None when unknown."""

    num_batches = None

    def on_epoch_begin(self):
        """Called before each epoch's batches (and before an evaluate or predict pass)."""

    def on_epoch_end(self):
        """Called after each epoch's batches (and after an evaluate or predict pass)."""

    def ran_out(self, more_epochs):
        """Whether the data ended too soon for the epochs asked (only a generator can)."""
        return False


class ArrayBatches(Batches):
    """Mini-batches of in-memory arrays; the last, partial batch is kept. Without a
    `batch_size`, batches of 32, or with `steps` as many as make `steps` batches of all
    the data (Keras' rule)."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, shuffle=False,
                 steps=None):
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.num_samples = check_cardinality(x, y, sample_weight)
        if batch_size is None:
            batch_size = max(math.ceil(self.num_samples / steps), 1) if steps else 32
        if not backend.is_int(batch_size) or batch_size < 1:
            raise ValueError(f"batch_size: expected a positive integer, received {batch_size!r}")
        self.batch_size = int(batch_size)
        self.shuffle = shuffle

    @property
    def num_batches(self):
        return math.ceil(self.num_samples / self.batch_size)

    def epoch(self):
        order = backend.rng().permutation(self.num_samples) if self.shuffle else None
        for start in range(0, self.num_samples, self.batch_size):
            index = (slice(start, start + self.batch_size) if order is None
                     else order[start:start + self.batch_size])
            yield (take(self.x, index), take(self.y, index), take(self.sample_weight, index))


class LimitedBatches(Batches):
    """At most `limit` batches of `source` per epoch (`keras.config.set_max_steps_per_epoch`)."""

    def __init__(self, source, limit):
        self.source, self.limit = source, limit

    @property
    def num_batches(self):
        count = self.source.num_batches
        return self.limit if count is None else min(count, self.limit)

    def on_epoch_begin(self):
        self.source.on_epoch_begin()

    def on_epoch_end(self):
        self.source.on_epoch_end()

    def ran_out(self, more_epochs):
        return self.source.ran_out(more_epochs)

    def epoch(self):
        return itertools.islice(self.source.epoch(), self.limit)


def _is_sequence(x):
    """A PyDataset or an object like it: batches by index, with a length or `num_batches`."""
    return hasattr(x, "__getitem__") and not is_array_data(x) and (
        hasattr(x, "__len__") or hasattr(type(x), "num_batches"))


class SequenceBatches(Batches):
    """Batches from a PyDataset or Sequence-like object: `sequence[i]` is batch i.

    Its number of batches is `num_batches` when it has one (None: endless, and the indexes
    go on from one epoch to the next, `steps` of them an epoch), else its length. With
    `shuffle`, each epoch visits the batches of a finite sequence in a new order (Keras 3
    does the same). Its `on_epoch_begin` / `on_epoch_end` are called around each epoch
    when it has them.
    """

    def __init__(self, sequence, shuffle=False, steps=None):
        self.sequence = sequence
        self.shuffle = shuffle
        self.steps = steps
        self._next_endless_index = 0

    def _count(self):
        if hasattr(type(self.sequence), "num_batches"):
            return self.sequence.num_batches
        return len(self.sequence)

    @property
    def num_batches(self):
        return self._count()

    def epoch(self):
        count = self._count()
        if count is None:       # endless: `steps` batches (or forever), going on from the last
            order = itertools.count(self._next_endless_index)
        else:
            order = backend.rng().permutation(count) if self.shuffle else range(count)
        name = type(self.sequence).__name__
        for index in itertools.islice(order, self.steps if count is None else None):
            if count is None:
                self._next_endless_index = index + 1
            yield unpack_batch(self.sequence[int(index)], f"{name}[{index}]")

    def on_epoch_begin(self):
        if hasattr(self.sequence, "on_epoch_begin"):
            self.sequence.on_epoch_begin()

    def on_epoch_end(self):
        if hasattr(self.sequence, "on_epoch_end"):
            self.sequence.on_epoch_end()


# Keras' words when the data ends before an epoch's `steps_per_epoch` batches
RAN_OUT = ("Your input ran out of data; interrupting training. Make sure that your dataset "
           "or generator can generate at least `steps_per_epoch * epochs` batches.")


class SteppedBatches(Batches):
    """`steps` batches an epoch from a finite source (`steps_per_epoch` with arrays or a
    PyDataset), Keras' rule: with `resume`, an epoch reads on from where the last one
    stopped and a new pass of the source (reshuffled) starts once all its batches are
    used; else every epoch starts a new pass. An epoch that meets the end of a pass ends
    there, with Keras' warning."""

    def __init__(self, source, steps, resume):
        self.source, self.num_batches, self.resume = source, steps, resume
        self._pass = None                          # the batches of the pass under way
        self._used = 0                             # how many of them were read

    def on_epoch_begin(self):
        self.source.on_epoch_begin()

    def on_epoch_end(self):
        self.source.on_epoch_end()

    def epoch(self):
        if self._pass is None or not self.resume:
            self._pass, self._used = self.source.epoch(), 0
        for _ in range(self.num_batches):
            if self._used == self.source.num_batches:
                warnings.warn(RAN_OUT, stacklevel=4)
                break
            self._used += 1
            yield next(self._pass)
        if self._used == self.source.num_batches:
            self._pass = None


def _is_dataset(x):
    """A re-iterable dataset like tf.data.Dataset: `iter(x)` is a new pass, `x.cardinality()`
    its number of batches."""
    return hasattr(x, "__iter__") and callable(getattr(x, "cardinality", None)) and \
        not is_array_data(x)


class DatasetBatches(Batches):
    """Batches from a re-iterable dataset (neuronet's Dataset): one new pass per epoch, in the
    dataset's own order (`shuffle` does not apply, as in Keras)."""

    def __init__(self, dataset):
        count = int(dataset.cardinality())
        if count == -1:                            # tf.data.INFINITE_CARDINALITY
            raise ValueError("When passing an infinitely repeating dataset, please specify a "
                             "`steps_per_epoch` value (`steps` for evaluate and predict)")
        self.dataset = dataset
        self.num_batches = count if count >= 0 else None

    def epoch(self):
        name = type(self.dataset).__name__
        for index, batch in enumerate(self.dataset):
            yield unpack_batch(batch, f"the {name}'s batch {index}")


_END = object()    # what `GeneratorBatches._next` returns once the generator has ended


class GeneratorBatches(Batches):
    """Batches from a Python generator or iterator, read once: `steps` of them per epoch,
    or all of them until it ends. Its batches are not replayed: once it has ended, there is
    no data for another epoch (see `ran_out`)."""

    def __init__(self, generator, steps=None):
        self.iterator = iter(generator)
        self.steps = steps
        self.num_batches = steps
        self.ended = False
        self._read_ahead = []                      # a batch `ran_out` has read, not yet used

    def _next(self):
        if self._read_ahead:
            return self._read_ahead.pop()
        try:
            return next(self.iterator)
        except StopIteration:
            self.ended = True
            return _END

    def epoch(self):
        produced = 0
        while self.steps is None or produced < self.steps:
            batch = self._next()
            if batch is _END:
                return
            produced += 1
            yield unpack_batch(batch, f"the generator's batch {produced}")

    def ran_out(self, more_epochs):
        """Whether the generator ended before the `steps` batches of an epoch, or, when
        `more_epochs`, before the next epoch (one batch is read ahead to know it)."""
        if more_epochs and not self.ended:
            batch = self._next()
            if batch is not _END:
                self._read_ahead.append(batch)
        return self.ended and (more_epochs or self.steps is not None)


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
    length = f" of length {len(batch)}" if hasattr(batch, "__len__") else ""
    described = f"a {type(batch).__name__}{length}"
    raise ValueError(f"Invalid batch from {where}: expected a tuple (x, y) or "
                     f"(x, y, sample_weight), received {described}")


def make_batches(x, y=None, sample_weight=None, batch_size=32, shuffle=False, steps=None,
                 resume=False):
    """The batch source for `x`: arrays, a dataset, a Sequence-like object or a generator,
    capped at `backend.max_steps_per_epoch()` batches an epoch when that is set.
    With `steps`, a dataset is read as a generator: one pass, going on across epochs, and
    arrays or a finite Sequence give `steps` batches an epoch, going on from the last
    epoch's with `resume` (fit's training data), else from their first (see
    `SteppedBatches`). steps=0 means no limit, as None does (as in Keras)."""
    steps = steps or None
    source = _batch_source(x, y, sample_weight, batch_size, shuffle, steps)
    if steps is not None and isinstance(source, (ArrayBatches, SequenceBatches)) and \
            source.num_batches is not None:
        source = SteppedBatches(source, steps, resume)
    limit = backend.max_steps_per_epoch()
    if limit is None or (source.num_batches is not None and source.num_batches <= limit):
        return source
    warnings.warn(f"Limiting steps_per_epoch to {limit}", stacklevel=4)
    return LimitedBatches(source, limit)


def _batch_source(x, y, sample_weight, batch_size, shuffle, steps):
    if _is_dataset(x):
        return DatasetBatches(x) if steps is None else GeneratorBatches(x, steps)
    if _is_sequence(x):
        return SequenceBatches(x, shuffle, steps)
    if hasattr(x, "__next__") or (hasattr(x, "__iter__") and not is_array_data(x)):
        return GeneratorBatches(x, steps)
    return ArrayBatches(x, y, sample_weight, batch_size, shuffle, steps)


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

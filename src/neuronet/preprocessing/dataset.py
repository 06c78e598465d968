"""Dataset: a re-iterable stream of elements that chains like a tf.data.Dataset.

    train_ds = keras.utils.image_dataset_from_directory("photos", image_size=(180, 180))
    train_ds = train_ds.map(lambda x, y: (augment(x), y)).cache().prefetch(AUTOTUNE)
    model.fit(train_ds, epochs=10)                # one pass over train_ds per epoch

Every `for element in dataset` is a new pass. Each method returns a new Dataset that reads
the one before it lazily, element by element. An element is a NumPy array, or a tuple or
dict of them (a batch `(images, labels)`); texts are `str` in object arrays where tf.data
gives `bytes`.
"""
import itertools

import numpy as np

from .. import backend

AUTOTUNE = -1                    # tf.data.AUTOTUNE, accepted where tf.data accepts it
INFINITE_CARDINALITY = -1        # tf.data.INFINITE_CARDINALITY: a dataset that never ends
UNKNOWN_CARDINALITY = -2         # tf.data.UNKNOWN_CARDINALITY: not known before a pass


class Dataset:
    """The methods of tf.data.Dataset that Keras code chains, on NumPy elements.

    A subclass gives `__iter__` (the elements of one pass) and `cardinality()`.
    """

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__")

    def cardinality(self):
        """Elements per pass (batches, for a batched dataset), INFINITE_CARDINALITY (-1) or
        UNKNOWN_CARDINALITY (-2)."""
        raise NotImplementedError(f"{type(self).__name__} must implement cardinality()")

    def __len__(self):
        """The cardinality; a TypeError when it is infinite or unknown (as tf.data)."""
        count = self.cardinality()
        if count == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if count == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return count

    def __bool__(self):
        return True                                   # even when empty, infinite or unknown

    def __repr__(self):
        count = self.cardinality()
        described = {INFINITE_CARDINALITY: "infinite", UNKNOWN_CARDINALITY: "unknown"}.get(
            count, str(count))
        return f"<Dataset {self._description()}, cardinality {described}>"

    def _description(self):
        return type(self).__name__

    def as_numpy_iterator(self):
        """An iterator over one pass (the elements are NumPy arrays already)."""
        return iter(self)

    # --- transformations ---------------------------------------------------------------------
    def map(self, map_func, num_parallel_calls=None, deterministic=None):
        """`map_func` applied to every element: `map_func(*element)` for a tuple, else
        `map_func(element)`. Results that are tensors (neuronet layers return Tensors)
        become NumPy arrays and a returned list becomes a tuple. num_parallel_calls and
        deterministic are accepted for compatibility; the calls run one after another."""
        if not callable(map_func):
            raise TypeError(f"Dataset.map: map_func must be callable, received a "
                            f"{type(map_func).__name__}")

        def one_pass():
            for element in self:
                out = map_func(*element) if isinstance(element, tuple) else map_func(element)
                yield _as_numpy(out)
        return _Chained(self, "map()", one_pass, self.cardinality())

    def prefetch(self, buffer_size):
        """This dataset: batches are made when asked for (buffer_size, an int >= 0 or
        AUTOTUNE, is checked and not used)."""
        _check_int("prefetch", "buffer_size", buffer_size, AUTOTUNE)
        return self

    def cache(self, filename=""):
        """The same elements, kept in memory after the first complete pass and replayed by
        every later pass (so random maps and shuffles before it are frozen, as in tf.data).
        Only the in-memory cache exists: a `filename` raises a ValueError."""
        if filename:
            raise ValueError(f"Dataset.cache: only the in-memory cache is supported (filename=''), "
                             f"received filename={filename!r}")
        cached = None

        def one_pass():
            nonlocal cached
            if cached is not None:
                yield from cached
                return
            seen = []
            for element in self:
                seen.append(element)
                yield element
            cached = seen                                 # only a complete pass is kept
        return _Chained(self, "cache()", one_pass, self.cardinality())

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None):
        """The elements in a random order, drawn as tf.data draws them: each element out is a
        random one of a buffer of the next `buffer_size` elements (a buffer at least as large
        as the dataset gives a uniform permutation).

        Pass p draws from np.random.default_rng([seed, p]) (p stays 0 when
        reshuffle_each_iteration is False); without a seed, one is drawn from backend.rng().
        """
        _check_int("shuffle", "buffer_size", buffer_size, 1)
        if seed is None:
            seed = int(backend.rng().integers(2**32))
        elif not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
            raise ValueError(f"Dataset.shuffle: seed must be None or an int >= 0, received "
                             f"seed={seed!r}")
        reshuffle = reshuffle_each_iteration is None or reshuffle_each_iteration
        passes = itertools.count() if reshuffle else itertools.repeat(0)

        def one_pass():
            rng = np.random.default_rng([seed, next(passes)])
            buffer = []
            for element in self:
                if len(buffer) < buffer_size:
                    buffer.append(element)
                    continue
                index = rng.integers(buffer_size)
                yield buffer[index]
                buffer[index] = element
            for index in rng.permutation(len(buffer)):
                yield buffer[index]
        return _Chained(self, f"shuffle({buffer_size})", one_pass, self.cardinality())

    def take(self, count):
        """The first `count` elements of each pass (all of them for count=-1)."""
        _check_int("take", "count", count, -1)
        parent = self.cardinality()
        if count == -1 or parent == UNKNOWN_CARDINALITY:
            cardinality = parent
        else:
            cardinality = count if parent == INFINITE_CARDINALITY else min(count, parent)
        return _Chained(self, f"take({count})",
                        lambda: itertools.islice(self, None if count == -1 else count),
                        cardinality)

    def skip(self, count):
        """Each pass without its first `count` elements (count=-1 skips them all)."""
        _check_int("skip", "count", count, -1)
        parent = self.cardinality()
        if parent < 0:
            cardinality = parent
        else:
            cardinality = 0 if count == -1 else max(parent - count, 0)
        return _Chained(self, f"skip({count})",
                        lambda: iter(()) if count == -1 else itertools.islice(self, count, None),
                        cardinality)

    def batch(self, batch_size, drop_remainder=False):
        """Runs of `batch_size` consecutive elements stacked along a new first axis (part
        by part for tuples and dicts; strings into object arrays). The last, shorter batch
        is kept unless `drop_remainder`."""
        _check_int("batch", "batch_size", batch_size, 1)
        parent = self.cardinality()
        if parent < 0:
            cardinality = parent
        else:
            cardinality = parent // batch_size if drop_remainder else -(-parent // batch_size)

        def one_pass():
            elements = iter(self)
            while True:
                run = list(itertools.islice(elements, batch_size))
                if not run or (drop_remainder and len(run) < batch_size):
                    return
                yield _map_structure(_stack, *run)
        return _Chained(self, f"batch({batch_size})", one_pass, cardinality)

    def unbatch(self):
        """Every batch split into its samples along the first axis (the inverse of `batch`)."""
        def one_pass():
            for element in self:
                sizes = {np.shape(leaf)[:1] for leaf in _leaves(element)}
                if len(sizes) != 1 or sizes == {()}:
                    shapes = [np.shape(leaf) for leaf in _leaves(element)]
                    raise ValueError("Dataset.unbatch: every part of an element must be an "
                                     "array with the same first dimension, received parts of "
                                     f"shapes {shapes}")
                for i in range(sizes.pop()[0]):
                    yield _map_structure(lambda array: array[i], element)
        return _Chained(self, "unbatch()", one_pass, UNKNOWN_CARDINALITY)

    def repeat(self, count=None):
        """`count` passes of this dataset in a row (forever for None or -1); each repetition
        is a new pass, so shuffles reshuffle. An empty dataset repeated stays empty."""
        if count is not None:
            _check_int("repeat", "count", count, -1)
        forever = count is None or count == -1
        parent = self.cardinality()
        if forever:
            cardinality = 0 if parent == 0 else INFINITE_CARDINALITY
        else:
            cardinality = 0 if count == 0 else parent if parent < 0 else parent * count

        def one_pass():
            for _ in itertools.count() if forever else range(count):
                empty = True
                for element in self:
                    empty = False
                    yield element
                if empty:
                    return
        return _Chained(self, f"repeat({'' if forever else count})", one_pass, cardinality)


class _Chained(Dataset):
    """The dataset a method makes from `parent`: `one_pass()` gives one pass's elements."""

    def __init__(self, parent, step, one_pass, cardinality):
        self._steps = f"{parent._description()}.{step}"
        self._one_pass = one_pass
        self._cardinality = cardinality

    def __iter__(self):
        return iter(self._one_pass())

    def cardinality(self):
        return self._cardinality

    def _description(self):
        return self._steps


# --- elements ------------------------------------------------------------------------------------
def _check_int(method, name, value, minimum):
    if not backend.is_int(value) or value < minimum:
        raise ValueError(f"Dataset.{method}: {name} must be an int >= {minimum}, received "
                         f"{name}={value!r}")


def _as_numpy(value):
    """A map function's result as an element: tensors (anything with a .numpy() method)
    become arrays, lists become tuples."""
    if isinstance(value, (tuple, list)):
        return tuple(_as_numpy(part) for part in value)
    if isinstance(value, dict):
        return {key: _as_numpy(part) for key, part in value.items()}
    return value.numpy() if callable(getattr(value, "numpy", None)) else value


def _map_structure(fn, *elements):
    """fn applied to the matching arrays of elements of one structure (array, tuple, dict)."""
    first = elements[0]
    if isinstance(first, tuple):
        return tuple(_map_structure(fn, *parts) for parts in zip(*elements))
    if isinstance(first, dict):
        return {key: _map_structure(fn, *(element[key] for element in elements))
                for key in first}
    return fn(*elements)


def _leaves(element):
    """The arrays of an element, in order."""
    if isinstance(element, tuple):
        return [leaf for part in element for leaf in _leaves(part)]
    if isinstance(element, dict):
        return [leaf for part in element.values() for leaf in _leaves(part)]
    return [element]


def _stack(*values):
    """One batch from the matching parts of several elements."""
    if isinstance(values[0], (str, bytes)):
        return np.array(values, dtype=object)
    shapes = sorted({np.shape(value) for value in values})
    if len(shapes) > 1:
        raise ValueError(f"Dataset.batch: cannot stack elements of different shapes {shapes} "
                         "into one batch")
    return np.stack(values)

"""Datasets whose samples are read by position from memory, a batch at a time.

    ds = ArrayDataset((x, y))          # like tf.data.Dataset.from_tensor_slices((x, y))
    model.fit(ds.batch(32))            # a batch is x[positions], y[positions]

`IndexedDataset` is the base: it splits each pass into batches of positions (in a new
random order per pass when shuffling) and asks its subclass for the batch of those
positions; `ArrayDataset` takes rows of arrays, `TimeseriesDataset` (timeseries.py) cuts
windows out of a series.
"""
import itertools

import numpy as np

from .. import backend
from .dataset import Dataset, _check_int, _leaves, _map_structure


class IndexedDataset(Dataset):
    """Batches of the samples at positions 0 .. num_samples - 1.

    A Dataset (`map`, `shuffle`, `cache`, `take`, ... chain on it, and each iteration is
    one pass) and a Sequence (`len`, `dataset[i]`: batch i of the current pass). A
    subclass gives `_gather(positions)`: the batch of the samples at `positions` (a 1-D
    int array). batch_size None yields single samples. With `shuffle`, pass e visits the
    samples in the order of np.random.default_rng([seed, e]) (seed drawn from
    backend.rng() when None); without it, in order.
    """

    def __init__(self, num_samples, batch_size, shuffle=False, seed=None):
        self.num_samples = num_samples
        self.batch_size = batch_size
        self._shuffled = shuffle                   # not `shuffle`: Dataset.shuffle is a method
        if shuffle and seed is None:
            seed = int(backend.rng().integers(2**32))
        self._orders = self._pass_orders(seed) if shuffle else None
        self._order = self._next_order()

    def _gather(self, positions):
        """The batch of the samples at `positions`."""
        raise NotImplementedError(f"{type(self).__name__} must implement _gather(positions)")

    def _pass_orders(self, seed):
        """The sample orders of the successive passes, when shuffling: an endless iterator."""
        for epoch in itertools.count():
            yield np.random.default_rng([seed, epoch]).permutation(self.num_samples)

    def _next_order(self):
        return np.arange(self.num_samples) if self._orders is None else next(self._orders)

    def _read(self, positions):
        """The element of the samples at `positions`: their batch, or the one sample when
        batch_size is None."""
        batch = self._gather(positions)
        return batch if self.batch_size else _map_structure(lambda part: part[0], batch)

    def __len__(self):
        """Batches per pass (samples when batch_size is None)."""
        return -(-self.num_samples // (self.batch_size or 1))

    def cardinality(self):
        return len(self)

    def __getitem__(self, index):
        """Batch `index` of the current pass (one sample when batch_size is None)."""
        if not -len(self) <= index < len(self):
            raise IndexError(f"{type(self).__name__}: batch index {index} is out of range for "
                             f"{len(self)} batches")
        size = self.batch_size or 1
        start = (index % len(self)) * size
        return self._read(self._order[start:start + size])

    def __iter__(self):
        """One pass in the current order; the next pass (and indexing) gets the next order."""
        order = self._order
        self.on_epoch_end()
        size = self.batch_size or 1
        for start in range(0, len(order), size):
            yield self._read(order[start:start + size])

    def on_epoch_end(self):
        """Start a new pass: a new order of the samples when shuffling."""
        self._order = self._next_order()

    def __repr__(self):
        batches = f", {len(self)} batches of {self.batch_size}" if self.batch_size else ""
        return (f"<{type(self).__name__}: {self.num_samples} samples{batches}"
                f"{', shuffled' if self._shuffled else ''}>")


class ArrayDataset(IndexedDataset):
    """The samples of in-memory arrays: `arrays` is an array, or a tuple or dict of arrays
    with the same first dimension, and sample i is the matching structure of `part[i]`
    (tf.data.Dataset.from_tensor_slices(arrays), batched when batch_size is given).

    `batch(n)` on an unbatched ArrayDataset gives an ArrayDataset of batches of n samples
    (each taken with one index into the arrays).
    """

    def __init__(self, arrays, batch_size=None):
        shapes = [np.shape(part) for part in _leaves(arrays)]
        if len({shape[:1] for shape in shapes}) != 1 or () in shapes:
            raise ValueError("ArrayDataset: arrays must be arrays of at least one dimension with "
                             f"the same first dimension, received arrays of shapes {shapes}")
        self.arrays = arrays
        super().__init__(shapes[0][0], batch_size)

    def _gather(self, positions):
        return _map_structure(lambda part: part[positions], self.arrays)

    def batch(self, batch_size, drop_remainder=False):
        if self.batch_size is not None:
            return super().batch(batch_size, drop_remainder)
        _check_int("batch", "batch_size", batch_size, 1)
        kept = self.num_samples - self.num_samples % batch_size if drop_remainder else None
        return ArrayDataset(_map_structure(lambda part: part[:kept], self.arrays), batch_size)


"""`timeseries_dataset_from_array`: sliding windows over a series -> batches of windows and
targets.

    data = np.arange(100)
    ds = timeseries_dataset_from_array(data, None, sequence_length=10, sampling_rate=2)
    # windows [0, 2, ..., 18], [1, 3, ..., 19], ..., [81, 83, ..., 99]
"""
import numpy as np

from ..metrics.base import check_integer
from .array_dataset import IndexedDataset

_CALLER = "timeseries_dataset_from_array"


class TimeseriesDataset(IndexedDataset):
    """Batches of windows `(windows, targets)` cut out of `data` when asked for; without
    targets a batch is the windows alone.

    Window k starts at data index `starts[k]` and takes `sequence_length` steps
    `sampling_rate` apart: a batch of windows has shape (batch, sequence_length,
    *data.shape[1:]) and is read with one index into `data`; its targets are
    `targets[starts]`. See IndexedDataset for batching, shuffling and the Dataset methods.
    """

    def __init__(self, data, targets, starts, sequence_length, sampling_rate, batch_size,
                 shuffle, seed):
        self.data = data
        self.targets = targets
        self.starts = starts
        self._offsets = np.arange(sequence_length) * sampling_rate     # (sequence_length,)
        super().__init__(len(starts), batch_size, shuffle, seed)

    def _gather(self, positions):
        starts = self.starts[positions]                                 # (batch,)
        windows = self.data[starts[:, None] + self._offsets]            # (batch, length, ...)
        return windows if self.targets is None else (windows, self.targets[starts])


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1,
                                  sampling_rate=1, batch_size=128, shuffle=False, seed=None,
                                  start_index=None, end_index=None):
    """A dataset of sliding windows over `data` (axis 0 is time), with Keras 3's semantics.

    The windows start at data indices start_index, start_index + sequence_stride, ... and
    take `sequence_length` steps `sampling_rate` apart, as long as they end before
    `end_index`: the window starting at index i is data[i : i + sequence_length *
    sampling_rate : sampling_rate], and its target is targets[i].

    Args:
        data: an array of time steps (a list is converted with np.asarray).
        targets: an array, targets[i] going with the window that starts at index i (only
            windows with a target are made), or None (batches hold the windows alone).
        sequence_length: steps per window.
        sequence_stride: steps between the starts of successive windows.
        sampling_rate: steps between successive steps of a window.
        batch_size: windows per batch; None yields single windows.
        shuffle: visit the windows in a new random order at every pass (with `seed`).
        seed: seed of the shuffles (drawn from the framework's generator when None).
        start_index: first data index the windows may use (default 0).
        end_index: data index the windows end before (default len(data)); as in Keras,
            it must be lower than len(data) when given.

    Returns:
        A TimeseriesDataset: batches `(windows, targets)` (or `windows`) of the dtypes of
        `data` and `targets`, re-iterable (one pass per epoch of `model.fit`) and chaining
        like a tf.data.Dataset (`map`, `take`, `cache`, ...; see Dataset). Where Keras
        shuffles in a buffer of windows, every pass here is a uniform permutation.
    """
    data = np.asarray(data)
    if data.ndim == 0:
        raise ValueError(f"{_CALLER}: data must be an array with a time axis (axis 0), "
                         f"received a scalar {data!r}")
    targets = None if targets is None else np.asarray(targets)
    if targets is not None and targets.ndim == 0:
        raise ValueError(f"{_CALLER}: targets must be None or an array with one entry per "
                         f"window start, received a scalar {targets!r}")
    length = len(data)
    for name, value in (("sequence_length", sequence_length), ("sequence_stride", sequence_stride),
                        ("sampling_rate", sampling_rate)):
        check_integer(value, 1, _CALLER, name)
    for name, value in (("sequence_stride", sequence_stride), ("sampling_rate", sampling_rate)):
        if value >= length:
            raise ValueError(f"{_CALLER}: {name} must be lower than the length of the data "
                             f"({length}), received {name}={value}")
    if batch_size is not None:
        check_integer(batch_size, 1, _CALLER, "batch_size")
    if seed is not None:
        check_integer(seed, 0, _CALLER, "seed")
    start, end = _checked_bounds(start_index, end_index, length)

    # windows start at data indices start + p for p in range(0, count, sequence_stride)
    count = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        count = min(count, len(targets))
    starts = start + np.arange(0, max(count, 0), sequence_stride)
    if targets is not None and len(starts) and starts[-1] >= len(targets):
        raise ValueError(f"{_CALLER}: targets has {len(targets)} entries, but windows start "
                         f"up to data index {starts[-1]} (start_index={start_index}); targets[i] "
                         "goes with the window that starts at data index i")
    return TimeseriesDataset(data, targets, starts, sequence_length, sampling_rate, batch_size,
                             shuffle, seed)


def _checked_bounds(start_index, end_index, length):
    """(start, end) of the data the windows may use, with Keras' rules: 0 <= start_index <
    length, 0 < end_index < length and start_index < end_index."""
    if start_index is not None:
        check_integer(start_index, 0, _CALLER, "start_index")
        if start_index >= length:
            raise ValueError(f"{_CALLER}: start_index must be lower than the length of the data "
                             f"({length}), received start_index={start_index}")
    if end_index is not None:
        check_integer(end_index, 1, _CALLER, "end_index")
        if end_index >= length:
            raise ValueError(f"{_CALLER}: end_index must be lower than the length of the data "
                             f"({length}), received end_index={end_index}")
        if start_index is not None and end_index <= start_index:
            raise ValueError(f"{_CALLER}: end_index must be higher than start_index, received "
                             f"start_index={start_index}, end_index={end_index}")
    return (start_index or 0), (length if end_index is None else end_index)

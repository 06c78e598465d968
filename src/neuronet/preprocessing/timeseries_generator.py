"""TimeseriesGenerator: batches of windows over a time series and the step after each, as
the classic `keras.preprocessing.sequence.TimeseriesGenerator` makes them.

    gen = TimeseriesGenerator(series, series, length=10, batch_size=32)
    model.fit(gen, epochs=5)           # a Sequence: fit, evaluate and predict take it

Keras 3's function for the same task is `keras.utils.timeseries_dataset_from_array`.
"""
import numpy as np

from .. import backend


def _check_positive(argument, value):
    if not backend.is_int(value) or value < 1:
        raise ValueError(f"TimeseriesGenerator: expected a positive int for argument "
                         f"'{argument}', received {argument}={value!r}")


class TimeseriesGenerator:
    """Batches (samples, targets) of windows over `data`.

    Each window ends before a step `row`: its sample is data[row - length:row:sampling_rate]
    (ceil(length / sampling_rate) steps, oldest first) and its target is targets[row]. The
    rows run from start_index + length to end_index, every `stride`-th, batch_size rows a
    batch; the last batch may be shorter.

    Args:
        data: the series, indexable by step (an array (steps, ...) or a list).
        targets: one target per step of `data` (the same length).
        length: the steps of history before each target's step.
        sampling_rate: keep every sampling_rate-th step of a window.
        stride: the steps between the rows of two consecutive windows.
        start_index, end_index: the first step a window may start at, and the last step a
            target may come from (default len(data) - 1).
        shuffle: each batch draws its batch_size rows at random, with replacement, from
            NumPy's global generator (np.random.randint, as Keras does), instead of in order.
        reverse: give each window's steps newest first.
        batch_size: rows per batch.

    `len(gen)` is the number of batches, `gen[i]` batch i.
    """

    def __init__(self, data, targets, length, sampling_rate=1, stride=1, start_index=0,
                 end_index=None, shuffle=False, reverse=False, batch_size=128):
        if len(data) != len(targets):
            raise ValueError(f"TimeseriesGenerator: data and targets must have the same length, "
                             f"received {len(data)} and {len(targets)}")
        for argument, value in (("length", length), ("sampling_rate", sampling_rate),
                                ("stride", stride), ("batch_size", batch_size)):
            _check_positive(argument, value)
        self.data, self.targets = data, targets
        self.length, self.sampling_rate, self.stride = length, sampling_rate, stride
        self.start_index = start_index + length            # the first row (a target's step)
        self.end_index = len(data) - 1 if end_index is None else end_index
        self.shuffle, self.reverse, self.batch_size = shuffle, reverse, batch_size
        if self.start_index > self.end_index:
            raise ValueError(f"TimeseriesGenerator: start_index + length = {self.start_index} "
                             f"is past end_index = {self.end_index}: no step is left to be a "
                             "target")

    def __len__(self):
        span = self.batch_size * self.stride                # the steps one batch covers
        return (self.end_index - self.start_index + span) // span

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"TimeseriesGenerator: batch index {index} is out of range for "
                             f"{len(self)} batches")
        if self.shuffle:
            rows = np.random.randint(self.start_index, self.end_index + 1, size=self.batch_size)
        else:
            first = self.start_index + self.batch_size * self.stride * index
            rows = np.arange(first, min(first + self.batch_size * self.stride,
                                        self.end_index + 1), self.stride)
        samples = np.array([self.data[row - self.length:row:self.sampling_rate] for row in rows])
        targets = np.array([self.targets[row] for row in rows])
        return (samples[:, ::-1], targets) if self.reverse else (samples, targets)

    def __iter__(self):
        """The batches in order, once."""
        return (self[index] for index in range(len(self)))

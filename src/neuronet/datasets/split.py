"""The train/test split of the data sets that Keras shuffles and splits itself (the housing
data, Reuters): the same order and sizes as Keras for the same seed."""
import numpy as np


def shuffle_and_split(x, y, test_split, seed):
    """Shuffle with `np.random.RandomState(seed)` (as Keras does), then keep the first
    `int(n * (1 - test_split))` samples for training: `(x_train, y_train), (x_test, y_test)`."""
    order = np.random.RandomState(seed).permutation(len(x))
    x, y = x[order], y[order]
    split = int(len(x) * (1 - test_split))
    return (x[:split], y[:split]), (x[split:], y[split:])


def check_test_split(test_split, caller):
    """A ValueError naming `caller` unless test_split is in [0, 1)."""
    if not 0 <= test_split < 1:
        raise ValueError(f"{caller}: test_split must be in [0, 1); "
                         f"received test_split={test_split!r}")

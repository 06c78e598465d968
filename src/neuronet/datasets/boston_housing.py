"""Boston housing prices, downloaded and cached like `keras.datasets.boston_housing`.

Origin: https://storage.googleapis.com/tensorflow/tf-keras-datasets/boston_housing.npz
(sha256 checked), cached in `~/.keras/datasets/` (or under `$KERAS_HOME`). The data is
taken from the StatLib library maintained at Carnegie Mellon University; the 13 attributes
are described at http://lib.stat.cmu.edu/datasets/boston.

WARNING (from Keras): this dataset has an ethical problem: its authors included a variable,
"B", that may appear to assume that racial self-segregation influences house prices. Its
use is strongly discouraged, unless to illustrate ethical issues in data science and
machine learning; `california_housing` is the usual replacement.
"""
import numpy as np

from ..utils.file_utils import get_file
from .split import check_test_split, shuffle_and_split

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/boston_housing.npz"
FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Load the Boston housing data: 506 suburbs of Boston in the late 1970s.

    Args:
        path: the file name in the cache (`~/.keras/datasets/`).
        test_split: the fraction of the (shuffled) samples kept for the test set.
        seed: the seed of the shuffle.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: x are float arrays of shape (n, 13)
        (404 training and 102 test samples by default); y are float arrays of shape (n,),
        the median home values in k$ (typically 10 to 50).
    """
    check_test_split(test_split, "boston_housing.load_data")
    path = get_file(path, origin=ORIGIN, file_hash=FILE_HASH)
    with np.load(path, allow_pickle=False) as data:
        x, y = data["x"], data["y"]
    return shuffle_and_split(x, y, test_split, seed)

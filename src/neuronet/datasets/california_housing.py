"""California housing prices, downloaded and cached like `keras.datasets.california_housing`.

Origin: https://storage.googleapis.com/tensorflow/tf-keras-datasets/california_housing.npz
(sha256 checked), cached in `~/.keras/datasets/` (or under `$KERAS_HOME`). The data comes
from the StatLib repository (https://www.dcc.fc.up.pt/~ltorgo/Regression/cal_housing.html);
it was derived from the 1990 U.S. census, one row per census block group. Reference:
Pace, R. Kelley and Ronald Barry, "Sparse Spatial Autoregressions", Statistics and
Probability Letters, 33 (1997) 291-297.

The 8 features, in order: MedInc (median income), HouseAge (median house age), AveRooms
and AveBedrms (average rooms and bedrooms per household), Population, AveOccup (average
household members), Latitude, Longitude.
"""
import numpy as np

from .. import backend
from ..utils.file_utils import get_file
from .split import check_test_split, shuffle_and_split

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/california_housing.npz"
FILE_HASH = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"
VERSIONS = ("small", "large")
SMALL_SIZE = 600


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """Load the California housing data: 20,640 block groups with 8 features.

    Args:
        version: "large" (all 20,640 samples) or "small" (the first 600, a stand-in for
            `boston_housing`).
        path: the file name in the cache (`~/.keras/datasets/`).
        test_split: the fraction of the (shuffled) samples kept for the test set.
        seed: the seed of the shuffle.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: x are arrays of shape (n, 8); y are
        arrays of shape (n,), the median house values in dollars (typically 25,000 to
        500,000).
    """
    backend.check_choice("california_housing.load_data", "version", version, VERSIONS)
    check_test_split(test_split, "california_housing.load_data")
    path = get_file(path, origin=ORIGIN, file_hash=FILE_HASH)
    with np.load(path, allow_pickle=False) as data:
        x, y = data["x"], data["y"]
    if version == "small":
        x, y = x[:SMALL_SIZE], y[:SMALL_SIZE]
    return shuffle_and_split(x, y, test_split, seed)

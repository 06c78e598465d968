"""MNIST handwritten digits, downloaded and cached like `keras.datasets.mnist`.

Origin: https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz (sha256
checked), cached as `~/.keras/datasets/mnist.npz` (or under `$KERAS_HOME`).

License: Yann LeCun and Corinna Cortes hold the copyright of the MNIST dataset, which is a
derivative work from the original NIST datasets. MNIST is made available under the terms of
the Creative Commons Attribution-Share Alike 3.0 license
(https://creativecommons.org/licenses/by-sa/3.0/).
"""
import numpy as np

from ..utils.file_utils import get_file

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz"):
    """Load MNIST: 60,000 training and 10,000 test 28x28 grayscale images of the digits 0-9.

    Args:
        path: the file name in the cache (`~/.keras/datasets/`).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: x are uint8 arrays of shape (60000, 28, 28)
        and (10000, 28, 28), pixels 0..255; y are uint8 labels 0..9 of shape (60000,)
        and (10000,).
    """
    path = get_file(fname=path, origin=ORIGIN, file_hash=FILE_HASH)
    with np.load(path, allow_pickle=False) as data:
        return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])

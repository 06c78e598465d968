"""Fashion-MNIST, downloaded and cached like `keras.datasets.fashion_mnist`.

Origin: the four gzipped IDX files train-labels-idx1-ubyte.gz, train-images-idx3-ubyte.gz,
t10k-labels-idx1-ubyte.gz and t10k-images-idx3-ubyte.gz under
https://storage.googleapis.com/tensorflow/tf-keras-datasets/, cached in
`~/.keras/datasets/fashion-mnist/` (or under `$KERAS_HOME`).

License: the copyright for Fashion-MNIST is held by Zalando SE. Fashion-MNIST is licensed
under the MIT license (https://github.com/zalandoresearch/fashion-mnist/blob/master/LICENSE).
"""
import os

import numpy as np

from ..utils.file_utils import get_file

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot")
# An IDX file starts with a header: 8 bytes for a label file, 16 for an image file.
_LABEL_HEADER, _IMAGE_HEADER = 8, 16


def _read_idx(path, header):
    """The uint8 payload of a gzipped IDX file, after its header."""
    import gzip                  # here, not at the top: `import neuronet` stays quicker
    with gzip.open(path, "rb") as file:
        return np.frombuffer(file.read(), np.uint8, offset=header).copy()


def _load_split(prefix):
    """(images, labels) of the split whose files start with `prefix` ("train" or "t10k")."""
    paths = [get_file(name, origin=ORIGIN_FOLDER + name,
                      cache_subdir=os.path.join("datasets", "fashion-mnist"))
             for name in (f"{prefix}-labels-idx1-ubyte.gz", f"{prefix}-images-idx3-ubyte.gz")]
    labels = _read_idx(paths[0], _LABEL_HEADER)
    images = _read_idx(paths[1], _IMAGE_HEADER).reshape(len(labels), 28, 28)
    return images, labels


def load_data():
    """Load Fashion-MNIST: 28x28 grayscale images of 10 kinds of clothing (`CLASS_NAMES`).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: x are uint8 arrays of shape (60000, 28, 28)
        and (10000, 28, 28), pixels 0..255; y are uint8 labels 0..9 of shape (60000,)
        and (10000,).
    """
    return _load_split("train"), _load_split("t10k")

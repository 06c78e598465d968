"""CIFAR-100 small color images, downloaded and cached like `keras.datasets.cifar100`.

Origin: https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz (sha256 checked), kept as
`~/.keras/datasets/cifar-100-python-target_archive` and extracted into
`~/.keras/datasets/cifar-100-python-target/` (or under `$KERAS_HOME`). See the CIFAR
homepage, https://www.cs.toronto.edu/~kriz/cifar.html, for more information; reference:
Alex Krizhevsky, "Learning Multiple Layers of Features from Tiny Images", 2009.
"""
import os

import numpy as np

from .. import backend
from . import cifar

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
FILE_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"
LABEL_MODES = ("fine", "coarse")


def load_data(label_mode="fine"):
    """Load CIFAR-100: 50,000 training and 10,000 test 32x32 color images of 100 fine
    classes grouped into 20 coarse ones.

    Args:
        label_mode: "fine" (labels 0..99) or "coarse" (the 20 superclasses, 0..19).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: x are uint8 arrays of shape
        (50000, 32, 32, 3) and (10000, 32, 32, 3) (channels first, (n, 3, 32, 32), when
        `backend.image_data_format()` is 'channels_first'), pixels 0..255; y are int64
        labels of shape (50000, 1) and (10000, 1), as Keras returns them.
    """
    backend.check_choice("cifar100.load_data", "label_mode", label_mode, LABEL_MODES)
    folder = cifar.download("cifar-100-python-target", ORIGIN, FILE_HASH, "cifar-100-python")
    splits = []
    for name in ("train", "test"):
        images, labels = cifar.load_batch(os.path.join(folder, name), f"{label_mode}_labels")
        splits.append((cifar.to_image_data_format(images), cifar.as_column(labels, np.int64)))
    return tuple(splits)

"""CIFAR-10 small color images, downloaded and cached like `keras.datasets.cifar10`.

Origin: https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz (sha256 checked), kept as
`~/.keras/datasets/cifar-10-batches-py-target_archive` and extracted into
`~/.keras/datasets/cifar-10-batches-py-target/` (or under `$KERAS_HOME`). See the CIFAR
homepage, https://www.cs.toronto.edu/~kriz/cifar.html, for more information; reference:
Alex Krizhevsky, "Learning Multiple Layers of Features from Tiny Images", 2009.

Note: CIFAR-10 is known to have a small percentage of mislabeled samples, which may affect
training and evaluation.
"""
import os

import numpy as np

from . import cifar

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
FILE_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
CLASS_NAMES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
               "ship", "truck")


def load_data():
    """Load CIFAR-10: 50,000 training and 10,000 test 32x32 color images of 10 classes
    (`CLASS_NAMES`).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: x are uint8 arrays of shape
        (50000, 32, 32, 3) and (10000, 32, 32, 3) (channels first, (n, 3, 32, 32), when
        `backend.image_data_format()` is 'channels_first'), pixels 0..255; y are uint8
        labels 0..9 of shape (50000, 1) and (10000, 1).
    """
    folder = cifar.download("cifar-10-batches-py-target", ORIGIN, FILE_HASH,
                            "cifar-10-batches-py")
    train = [cifar.load_batch(os.path.join(folder, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([images for images, _ in train]).astype(np.uint8, copy=False)
    y_train = np.concatenate([labels for _, labels in train])
    x_test, y_test = cifar.load_batch(os.path.join(folder, "test_batch"))
    x_test = x_test.astype(np.uint8, copy=False)
    return ((cifar.to_image_data_format(x_train), cifar.as_column(y_train, np.uint8)),
            (cifar.to_image_data_format(x_test), cifar.as_column(y_test, np.uint8)))

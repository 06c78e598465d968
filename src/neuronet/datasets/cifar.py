"""What CIFAR-10 and CIFAR-100 share: the download and the pickled batch files.

Both come from the CIFAR homepage (https://www.cs.toronto.edu/~kriz/cifar.html) as a
.tar.gz of Python pickles; each batch is a dict with a b"data" array of shape (n, 3072),
the 32x32 images as 1024 red, then 1024 green, then 1024 blue bytes, and a list of labels.
Reference: Alex Krizhevsky, "Learning Multiple Layers of Features from Tiny Images", 2009.
"""
import os

import numpy as np

from .. import backend
from ..utils.file_utils import get_file, load_pickle


def download(dirname, origin, file_hash, inner_folder):
    """Fetch and extract the archive (cached as `dirname`); the path of its `inner_folder`."""
    path = get_file(fname=dirname, origin=origin, extract=True, file_hash=file_hash)
    return os.path.join(path, inner_folder)


def load_batch(fpath, label_key="labels"):
    """`(data, labels)` of one batch file: uint8 images (n, 3, 32, 32) and a list of labels."""
    with open(fpath, "rb") as file:
        batch = load_pickle(file, encoding="bytes")
    batch = {key.decode("utf8"): value for key, value in batch.items()}
    data = batch["data"]
    return data.reshape(data.shape[0], 3, 32, 32), batch[label_key]


def to_image_data_format(images):
    """(n, 3, 32, 32) images as (n, 32, 32, 3) when `backend.image_data_format()` is
    'channels_last'."""
    if backend.image_data_format() == "channels_last":
        return images.transpose(0, 2, 3, 1)
    return images


def as_column(labels, dtype):
    """Labels as an array of shape (n, 1)."""
    return np.asarray(labels, dtype=dtype).reshape(-1, 1)

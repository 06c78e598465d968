"""Data sets: `digits` ships inside the package; the others are Keras' data sets,
downloaded on first use and cached in `~/.keras/datasets/` (see `utils.get_file`)."""
from . import (boston_housing, california_housing, cifar10, cifar100, digits, fashion_mnist,
               imdb, mnist, reuters)

__all__ = ["digits", "mnist", "fashion_mnist", "cifar10", "cifar100", "imdb", "reuters",
           "boston_housing", "california_housing"]

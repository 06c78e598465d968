"""Iterators over batches of images: the Iterator base and NumpyArrayIterator.

They follow tf.keras 2's `keras.preprocessing.image` iterators: `iterator[i]` gives batch i
of the current epoch (a Sequence, so `model.fit(iterator)` works), `next(iterator)` cycles
through the epochs forever, and the order of the samples is reshuffled at each epoch.
"""
import os
import threading
import warnings

import numpy as np

from ... import backend
from ...backend import check_choice, standardize_data_format
from .utils import ITERATOR_FORMATS, array_to_img

SUBSETS = ("training", "validation")


def split_slice(count, validation_split, subset):
    """Keras' split rule: validation is the first int(count * validation_split) samples."""
    cut = int(count * validation_split)
    return slice(0, cut) if subset == "validation" else slice(cut, count)


class Iterator:
    """Batches of indices into `n` samples, shuffled per epoch; subclasses turn them into data.

    Subclasses implement `_get_batches_of_transformed_samples(index_array)`.

    Args:
        n: number of samples.
        batch_size: samples per batch (the last batch of an epoch may be smaller).
        shuffle: reshuffle the samples at the start of every epoch.
        seed: makes the shuffling and the random transforms reproducible.
    """

    white_list_formats = ITERATOR_FORMATS

    def __init__(self, n, batch_size, shuffle, seed):
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"{type(self).__name__}: batch_size must be a positive int, "
                             f"received {batch_size!r}")
        if seed is not None and (not isinstance(seed, (int, np.integer)) or seed < 0):
            raise ValueError(f"{type(self).__name__}: seed must be None or an int >= 0, "
                             f"received {seed!r}")
        self.n = n
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.seed = seed
        self.batch_index = 0
        self.total_batches_seen = 0
        self.lock = threading.Lock()
        self.index_array = None
        self.index_generator = self._flow_index()

    def _rng(self, stream):
        """The generator for one draw: derived from (seed, batches seen) when seeded."""
        if self.seed is None:
            return backend.rng()
        return np.random.default_rng([self.seed, self.total_batches_seen, stream])

    def _set_index_array(self):
        self.index_array = self._rng(0).permutation(self.n) if self.shuffle else np.arange(self.n)

    def __len__(self):
        """Batches per epoch."""
        return (self.n + self.batch_size - 1) // self.batch_size

    def __getitem__(self, idx):
        """Batch `idx` of the current epoch."""
        if not 0 <= idx < len(self):
            raise ValueError(f"Asked to retrieve element {idx}, but the Sequence has length "
                             f"{len(self)}")
        if self.index_array is None:
            self._set_index_array()
        self.total_batches_seen += 1
        start = self.batch_size * idx
        return self._get_batches_of_transformed_samples(
            self.index_array[start:start + self.batch_size])

    def on_epoch_end(self):
        """Start a new epoch: a new order of the samples when shuffling."""
        self._set_index_array()

    def reset(self):
        """Make the next `next()` start a new epoch."""
        self.batch_index = 0

    def _flow_index(self):
        """Index arrays of the successive batches, epoch after epoch, forever."""
        self.reset()
        while True:
            if self.batch_index == 0:
                self._set_index_array()
            start = self.batch_index * self.batch_size
            self.batch_index = self.batch_index + 1 if start + self.batch_size < self.n else 0
            self.total_batches_seen += 1
            yield self.index_array[start:start + self.batch_size]

    def __iter__(self):
        return self

    def __next__(self):
        return self.next()

    def next(self):
        """The next batch (the order wraps around into a new epoch)."""
        with self.lock:
            index_array = next(self.index_generator)
        return self._get_batches_of_transformed_samples(index_array)

    def _get_batches_of_transformed_samples(self, index_array):
        raise NotImplementedError(f"{type(self).__name__} must implement "
                                  "_get_batches_of_transformed_samples(index_array)")

    # --- shared by the subclasses ----------------------------------------------------------------
    def _set_processing_attrs(self, image_data_generator, data_format, dtype, save_to_dir,
                              save_prefix, save_format):
        self.image_data_generator = image_data_generator
        self.data_format = standardize_data_format(data_format, type(self).__name__)
        self.dtype = str(np.dtype(dtype or backend.floatx()))
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format

    def _validation_split(self, subset):
        """The generator's validation_split for `subset` ('training' or 'validation')."""
        name = type(self).__name__
        check_choice(name, "subset", subset, SUBSETS)
        split = getattr(self.image_data_generator, "_validation_split", 0.0) or 0.0
        if not 0.0 < split < 1.0:
            raise ValueError(f"{name}: subset={subset!r} needs an ImageDataGenerator with "
                             f"validation_split in (0, 1), received validation_split={split}")
        return split

    def _transform(self, batch_x, index_array):
        """Each sample through the generator's random transform then standardization (in
        place); the results are written to save_to_dir when it is set."""
        generator = self.image_data_generator
        if generator is not None:
            seeds = ([None] * len(batch_x) if self.seed is None
                     else self._rng(1).integers(2**31, size=len(batch_x)).tolist())
            for i, seed in enumerate(seeds):
                x = generator.random_transform(batch_x[i], seed=seed)
                batch_x[i] = generator.standardize(x)
        if self.save_to_dir:
            for x, index in zip(batch_x, index_array):
                tag = backend.rng().integers(10**7)
                name = f"{self.save_prefix}_{index}_{tag}.{self.save_format}"
                picture = array_to_img(x, self.data_format, scale=True)
                picture.save(os.path.join(self.save_to_dir, name))
        return batch_x


class NumpyArrayIterator(Iterator):
    """Batches `(x, y)` (or `(x, y, sample_weight)`, or `x` when y is None) from arrays.

    Each sample goes through `image_data_generator.random_transform` and `.standardize`.

    Args:
        x: images, rank 4; or a tuple (images, extra array or list of extra arrays), the
            extras being batched alongside without transformation.
        y: labels, or None.
        image_data_generator: the ImageDataGenerator that augments the samples, or None.
        subset: 'training' or 'validation' with the generator's validation_split: the
            validation subset is the first int(len(x) * validation_split) samples.
        ignore_class_split: allow the two subsets to have different sets of classes.
    """

    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False,
                 sample_weight=None, seed=None, data_format=None, save_to_dir=None,
                 save_prefix="", save_format="png", subset=None, ignore_class_split=False,
                 dtype=None):
        self._set_processing_attrs(image_data_generator, data_format, dtype, save_to_dir,
                                   save_prefix, save_format)
        name = type(self).__name__
        x_misc = []
        if isinstance(x, (tuple, list)):
            if len(x) != 2:
                raise ValueError(f"{name}: x given as a tuple or list must be (images, extra "
                                 f"arrays), received a {type(x).__name__} of length {len(x)}")
            x, extras = x
            x_misc = [np.asarray(e) for e in (extras if isinstance(extras, list) else [extras])]
        arrays = {"x": x, "y": y, "sample_weight": sample_weight}
        arrays.update({f"x[1][{i}]": e for i, e in enumerate(x_misc)})
        sizes = {key: len(value) for key, value in arrays.items() if value is not None}
        if len(set(sizes.values())) > 1:
            raise ValueError(f"{name}: all arrays must have the same length, received lengths "
                             + ", ".join(f"{key}={size}" for key, size in sizes.items()))
        if subset is not None:
            split = self._validation_split(subset)
            if y is not None and not ignore_class_split:
                cut = int(len(x) * split)
                if not np.array_equal(np.unique(y[:cut]), np.unique(y[cut:])):
                    raise ValueError(f"{name}: the training and validation subsets have different "
                                     "classes after the split; shuffle x and y if they are "
                                     "sorted by label, or pass ignore_class_split=True")
            part = split_slice(len(x), split, subset)
            x, y, sample_weight = (None if a is None else a[part] for a in (x, y, sample_weight))
            x_misc = [e[part] for e in x_misc]
        self.subset = subset
        self.x = np.asarray(x, dtype=self.dtype)
        if self.x.ndim != 4:
            raise ValueError(f"{name}: expected x of rank 4 (samples, height, width, channels), "
                             f"received shape {self.x.shape}")
        channels_axis = 3 if self.data_format == "channels_last" else 1
        if self.x.shape[channels_axis] not in (1, 3, 4):
            warnings.warn(f"{name}: data_format={self.data_format!r} expects 1, 3 or 4 channels "
                          f"on axis {channels_axis}, but x has shape {self.x.shape}", stacklevel=2)
        self.x_misc = x_misc
        self.y = None if y is None else np.asarray(y)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        super().__init__(len(self.x), batch_size, shuffle, seed)

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = self._transform(self.x[index_array], index_array)   # fancy indexing copies
        inputs = [batch_x] + [e[index_array] for e in self.x_misc] if self.x_misc else batch_x
        if self.y is None:
            return inputs
        if self.sample_weight is None:
            return inputs, self.y[index_array]
        return inputs, self.y[index_array], self.sample_weight[index_array]

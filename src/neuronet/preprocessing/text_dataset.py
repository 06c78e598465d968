"""`text_dataset_from_directory`: .txt files in one sub-folder per class -> batches of texts and labels.

    main_directory/
        neg/  a.txt  b.txt ...
        pos/  c.txt  d.txt ...

    train = text_dataset_from_directory("main_directory", validation_split=0.2,
                                        subset="training", seed=1)
    for texts, labels in train:   # texts: object array of str (batch,), labels: int32 (batch,)
        ...
"""
import functools

import numpy as np

from .dataset_utils import FileDataset, check_count, check_dataset_args, datasets_from_directory

_CALLER = "text_dataset_from_directory"


class TextDataset(FileDataset):
    """Batches `(texts, labels)` read from text files when asked for.

    Texts are an object array of str (batch,), where Keras' tf.data batches hold bytes;
    without labels a batch is the texts alone. When shuffling, the first pass keeps the
    file order and each later pass takes a new permutation from one stream seeded by
    (seed, 1). See FileDataset for the rest.
    """

    def _pass_orders(self, seed):
        stream = np.random.default_rng(None if seed is None else (seed, 1))
        yield np.arange(len(self.file_paths))
        while True:
            yield stream.permutation(len(self.file_paths))


def read_texts(paths, max_length=None):
    """The UTF-8 texts of `paths` as an object array of str, each cut to `max_length` characters."""
    texts = np.empty(len(paths), dtype=object)
    for i, path in enumerate(paths):
        with open(path, "rb") as handle:
            raw = handle.read()
        try:
            texts[i] = raw.decode("utf-8")[:max_length]
        except UnicodeDecodeError as error:
            raise ValueError(f"TextDataset: {path} is not valid UTF-8 text ({error})") from None
    return texts


def text_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None,
                                batch_size=32, max_length=None, shuffle=True, seed=None,
                                validation_split=None, subset=None, follow_links=False,
                                verbose=True):
    """A re-iterable `TextDataset` of (texts, labels) batches read from `directory`.

    Args:
        directory: with labels='inferred', one sub-folder per class holding .txt files
            (searched recursively; files directly in `directory` are ignored); otherwise
            every .txt file below `directory`.
        labels: 'inferred' (the sub-folder's position among `class_names`), None (texts
            only) or a list of integer labels, one per file in sorted path order.
        label_mode: 'int' (int32, shape (batch,)), 'categorical' (float32 one-hot,
            (batch, num_classes)), 'binary' (float32 0/1, (batch, 1); exactly 2 classes)
            or None (texts only).
        class_names: with labels='inferred', the sub-folders to use, in label order
            (default: every sub-folder, sorted alphanumerically).
        batch_size: texts per batch; None yields single samples.
        max_length: keep only the first `max_length` characters of each text.
        shuffle: shuffle the files once, then again at every pass; False keeps sorted order.
        seed: seed of the shuffles (drawn from the framework's generator when None);
            required with `validation_split` and shuffle so the two subsets do not overlap.
        validation_split: fraction of the files kept for validation (the last ones).
        subset: 'training', 'validation' or 'both' (a list [training, validation]);
            required with `validation_split`.
        follow_links: also enter sub-folders that are symbolic links.
        verbose: print how many files and classes were found.

    Texts are decoded as UTF-8 `str` (Keras yields bytes), in object arrays. The dataset
    chains like a tf.data.Dataset (`map`, `cache`, `prefetch`, `take`, ...: see Dataset).
    """
    labels, label_mode, seed = check_dataset_args(labels, label_mode, class_names, batch_size,
                                                  shuffle, seed, validation_split, subset, _CALLER)
    check_count(max_length, "max_length", _CALLER)
    make = functools.partial(TextDataset, batch_size=batch_size, seed=seed,
                             load=functools.partial(read_texts, max_length=max_length))
    return datasets_from_directory(make, directory, labels, label_mode, class_names, shuffle, seed,
                                   validation_split, subset, follow_links, verbose,
                                   formats=(".txt",), caller=_CALLER, file_kind="text",
                                   samples="text files")

"""IMDB movie-review sentiment, downloaded and cached like `keras.datasets.imdb`.

Origin: https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz (sha256
checked) and, for `get_word_index`, .../imdb_word_index.json (md5 checked), cached in
`~/.keras/datasets/` (or under `$KERAS_HOME`).

The data is the Large Movie Review Dataset (https://ai.stanford.edu/~amaas/data/sentiment/)
of Maas et al., "Learning Word Vectors for Sentiment Analysis", ACL 2011: 25,000 training
and 25,000 test reviews labeled positive (1) or negative (0). Each review is a list of word
indexes, words being ranked by how often they occur (1 is the most frequent word).

The encoding rules shared with `reuters`, in Keras' order: shuffle with
`np.random.RandomState(seed)`, add `index_from` to every word index, put `start_char` in
front, drop the sequences of length >= `maxlen`, then replace every index outside
`[skip_top, num_words)` by `oov_char` (or drop it when `oov_char` is None). Without
`num_words` the bound is the largest index, so (as in Keras) that one word also becomes
`oov_char`.
"""
import itertools
import json

import numpy as np

from ..utils.file_utils import get_file, load_npz

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"


def encode_sequences(sequences, start_char, oov_char, index_from, skip_top, num_words, maxlen):
    """Apply the encoding rules above to a 1-D array of sequences (already shuffled).

    Returns `(encoded, kept)`: a 1-D object array of lists of ints, and the boolean mask
    of the input sequences that `maxlen` kept.
    """
    lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))
    words = np.fromiter(itertools.chain.from_iterable(sequences), dtype=np.int64,
                        count=int(lengths.sum())) + index_from
    if start_char is not None:
        starts = np.cumsum(lengths) - lengths  # where each sequence begins in `words`
        words = np.insert(words, starts, start_char)
        lengths = lengths + 1
    kept = lengths < maxlen if maxlen else np.ones(len(lengths), dtype=bool)
    words, lengths = words[np.repeat(kept, lengths)], lengths[kept]
    if not num_words:
        num_words = words.max() if words.size else 0
    in_vocabulary = (words >= skip_top) & (words < num_words)
    if oov_char is not None:
        words = np.where(in_vocabulary, words, oov_char)
    else:
        owner = np.repeat(np.arange(len(lengths)), lengths)  # the sequence of each word
        lengths = np.bincount(owner[in_vocabulary], minlength=len(lengths))
        words = words[in_vocabulary]
    return _as_lists(words, lengths), kept


def _as_lists(words, lengths):
    """The concatenated `words` cut back into a 1-D object array of `len(lengths)` lists."""
    values, ends = words.tolist(), np.cumsum(lengths).tolist()
    starts = [0] + ends[:-1]
    return np.fromiter((values[a:b] for a, b in zip(starts, ends)), dtype=object,
                       count=len(lengths))


def check_kept(kept, maxlen):
    """Raise when `maxlen` removed every sequence of a split."""
    if not kept.any():
        raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no "
                         "sequence was kept. Increase maxlen.")


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113,
              start_char=1, oov_char=2, index_from=3):
    """Load the IMDB reviews as sequences of word indexes.

    Args:
        path: the file name in the cache (`~/.keras/datasets/`).
        num_words: keep only the `num_words` most frequent words (indexes below
            `num_words` after `index_from` is added); None keeps them all.
        skip_top: also replace the indexes below `skip_top` (the most frequent words).
        maxlen: drop the sequences whose length (with the start mark) is `maxlen` or more;
            None keeps them all.
        seed: the seed of the shuffle.
        start_char: the index put at the start of every sequence (None: none).
        oov_char: the index that replaces the words cut by `num_words` or `skip_top`
            (None: those words are dropped).
        index_from: added to every word index, leaving the smaller ones free for padding
            (0), `start_char` and `oov_char`.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: x are 1-D object arrays of lists of ints
        (25,000 each without `maxlen`; 1-D even when all the lists have the same length,
        where Keras would make a 2-D array); y are int arrays of labels, 1 positive,
        0 negative.
    """
    path = get_file(fname=path, origin=f"{ORIGIN_FOLDER}imdb.npz", file_hash=FILE_HASH)
    data = load_npz(path)
    rng = np.random.RandomState(seed)  # Keras' own shuffle, so the order matches Keras'
    train_order = rng.permutation(len(data["x_train"]))
    test_order = rng.permutation(len(data["x_test"]))
    sequences = np.concatenate([data["x_train"][train_order], data["x_test"][test_order]])
    labels = np.concatenate([data["y_train"][train_order], data["y_test"][test_order]])
    encoded, kept = encode_sequences(sequences, start_char, oov_char, index_from, skip_top,
                                     num_words, maxlen)
    n_train = len(train_order)
    check_kept(kept[:n_train], maxlen)
    check_kept(kept[n_train:], maxlen)
    labels = labels[kept]
    split = int(kept[:n_train].sum())
    return (encoded[:split], labels[:split]), (encoded[split:], labels[split:])


def get_word_index(path="imdb_word_index.json"):
    """The dict mapping each word to its rank (1 for the most frequent); the index in the
    sequences of `load_data` is that rank plus `index_from` (3 by default)."""
    path = get_file(fname=path, origin=f"{ORIGIN_FOLDER}imdb_word_index.json",
                    file_hash=WORD_INDEX_HASH)
    with open(path) as file:
        return json.load(file)

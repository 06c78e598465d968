"""Reuters newswire topics, downloaded and cached like `keras.datasets.reuters`.

Origin: https://storage.googleapis.com/tensorflow/tf-keras-datasets/reuters.npz (sha256
checked) and, for `get_word_index`, .../reuters_word_index.json (md5 checked), cached in
`~/.keras/datasets/` (or under `$KERAS_HOME`).

11,228 newswires from Reuters labeled over 46 topics (`get_label_names`), originally made by
parsing and preprocessing the classic Reuters-21578 dataset (see
https://github.com/keras-team/keras/issues/12072). Each newswire is a list of word indexes,
encoded with the same rules as `imdb` (see its module docstring).
"""
import json

import numpy as np

from ..utils.file_utils import get_file, load_npz
from .imdb import check_kept, encode_sequences
from .split import check_test_split

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FILE_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"
LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas",
    "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead")


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3):
    """Load the Reuters newswires as sequences of word indexes.

    Args:
        path: the file name in the cache (`~/.keras/datasets/`).
        num_words, skip_top, maxlen, seed, start_char, oov_char, index_from: as in
            `imdb.load_data`.
        test_split: the fraction of the (shuffled) newswires kept for the test set.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: x are 1-D object arrays of lists of ints;
        y are int arrays of topic labels 0..45. The first `int(n * (1 - test_split))` of
        the n newswires left after `maxlen` are the training set.
    """
    check_test_split(test_split, "reuters.load_data")
    path = get_file(fname=path, origin=f"{ORIGIN_FOLDER}reuters.npz", file_hash=FILE_HASH)
    data = load_npz(path)
    order = np.random.RandomState(seed).permutation(len(data["x"]))  # Keras' own shuffle
    encoded, kept = encode_sequences(data["x"][order], start_char, oov_char, index_from,
                                     skip_top, num_words, maxlen)
    check_kept(kept, maxlen)
    labels = data["y"][order][kept]
    split = int(len(encoded) * (1 - test_split))
    return (encoded[:split], labels[:split]), (encoded[split:], labels[split:])


def get_word_index(path="reuters_word_index.json"):
    """The dict mapping each word to its rank (1 for the most frequent, 'the'); the index in
    the sequences of `load_data` is that rank plus `index_from` (3 by default)."""
    path = get_file(fname=path, origin=f"{ORIGIN_FOLDER}reuters_word_index.json",
                    file_hash=WORD_INDEX_HASH)
    with open(path) as file:
        return json.load(file)


def get_label_names():
    """The 46 topic names, in the order of the labels."""
    return LABEL_NAMES

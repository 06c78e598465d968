"""Classic Keras text preprocessing (tf.keras 2.x): `Tokenizer`, `one_hot`, `hashing_trick`.

    tokenizer = Tokenizer(num_words=10000, oov_token="<OOV>")
    tokenizer.fit_on_texts(train_texts)
    sequences = tokenizer.texts_to_sequences(train_texts)   # lists of word indices
    matrix = tokenizer.texts_to_matrix(train_texts, mode="tfidf")

Index 0 is reserved (padding) and never given to a word.
"""
import functools
import hashlib
import itertools
import json
import warnings
from collections import Counter, OrderedDict, defaultdict

import numpy as np

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
MATRIX_MODES = ("binary", "count", "tfidf", "freq")


@functools.lru_cache(maxsize=32)
def _translation_table(filters, split):
    """str.translate table sending every character of `filters` to `split`."""
    return str.maketrans({character: split for character in filters})


def text_to_word_sequence(input_text, filters=DEFAULT_FILTERS, lower=True, split=" "):
    """Split a text into words: lower-case it, replace each character of `filters` by
    `split`, split on `split` and drop empty strings.

    >>> text_to_word_sequence("This is a sample sentence.")
    ['this', 'is', 'a', 'sample', 'sentence']
    """
    if not isinstance(input_text, str):
        raise TypeError("text_to_word_sequence: expected a string `input_text`, "
                        f"received {type(input_text).__name__} {input_text!r}")
    if lower:
        input_text = input_text.lower()
    input_text = input_text.translate(_translation_table("".join(filters), split))
    return [word for word in input_text.split(split) if word]


def _md5(word):
    return int(hashlib.md5(word.encode()).hexdigest(), 16)


def hashing_trick(text, n, hash_function=None, filters=DEFAULT_FILTERS, lower=True,
                  split=" ", analyzer=None):
    """Map each word of `text` to `hash_function(word) % (n - 1) + 1`, an index in [1, n - 1].

    `hash_function`: None (Python's `hash`, which changes between runs unless
    PYTHONHASHSEED is set), 'md5' (stable across runs) or any callable str -> int.
    Different words may share an index. `analyzer` (callable text -> words) replaces
    `text_to_word_sequence` when given.
    """
    if hash_function is None:
        hash_function = hash
    elif isinstance(hash_function, str) and hash_function == "md5":
        hash_function = _md5
    elif not callable(hash_function):
        raise ValueError("hashing_trick: `hash_function` must be None, 'md5' or a callable, "
                         f"received {hash_function!r}")
    if not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"hashing_trick: `n` must be an int >= 2 (the hashing space), received {n!r}")
    if analyzer is None:
        words = text_to_word_sequence(text, filters=filters, lower=lower, split=split)
    else:
        words = analyzer(text)
    return [hash_function(word) % (n - 1) + 1 for word in words]


def one_hot(input_text, n, filters=DEFAULT_FILTERS, lower=True, split=" ", analyzer=None):
    """`hashing_trick` with Python's `hash`: word indices in [1, n - 1] (collisions possible)."""
    return hashing_trick(input_text, n, hash_function=hash, filters=filters, lower=lower,
                         split=split, analyzer=analyzer)


class Tokenizer:
    """Turn texts into sequences of word indices, or into bag-of-words matrices.

    Args:
        num_words: if set, only word indices < `num_words` are kept by
            `texts_to_sequences` and the matrices (the `num_words - 1` most frequent
            words, or `num_words - 2` plus the OOV token); `word_index` keeps every word.
        filters: characters removed from the texts (replaced by `split`).
        lower: lower-case the texts.
        split: the word separator.
        char_level: every character is a token (`filters` and `split` are not applied).
        oov_token: if set, it gets index 1 and stands for unseen or cut-off words in
            `texts_to_sequences` (they are dropped otherwise).
        analyzer: callable text -> list of tokens replacing `text_to_word_sequence`
            (not saved by `to_json`).
        document_count: the number of texts seen so far (for `tokenizer_from_json`).

    After fitting:
        word_counts: OrderedDict word -> number of occurrences, in first-seen order.
        word_docs: word -> number of texts containing it.
        word_index / index_word: word <-> index, 1 for the most frequent word (2 with
            an `oov_token`); equal counts keep first-seen order (a stable sort by count).
        index_docs: index -> number of texts (or sequences) containing it.
        document_count: the number of texts and sequences fitted.

    A text that is a list is taken as a list of tokens (only lower-cased).
    """

    def __init__(self, num_words=None, filters=DEFAULT_FILTERS, lower=True, split=" ",
                 char_level=False, oov_token=None, analyzer=None, document_count=0,
                 nb_words=None):
        if nb_words is not None:                           # Keras 1's name, still accepted
            warnings.warn("Tokenizer: the `nb_words` argument has been renamed `num_words`",
                          stacklevel=2)
            num_words = nb_words
        if num_words is not None and (not isinstance(num_words, (int, np.integer)) or num_words < 0):
            raise ValueError("Tokenizer: `num_words` must be None or an int >= 0, "
                             f"received {num_words!r}")
        self.num_words = num_words
        self.filters = filters
        self.lower = lower
        self.split = split
        self.char_level = char_level
        self.oov_token = oov_token
        self.analyzer = analyzer
        self.document_count = document_count
        self.word_counts = OrderedDict()
        self.word_docs = defaultdict(int)
        self.index_docs = defaultdict(int)
        self.word_index = {}
        self.index_word = {}

    def _tokens(self, text):
        """The tokens of one text, as both fitting and encoding see them."""
        if self.char_level or isinstance(text, list):
            if not self.lower:
                return text
            return [token.lower() for token in text] if isinstance(text, list) else text.lower()
        if self.analyzer is not None:
            return list(self.analyzer(text))
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def fit_on_texts(self, texts):
        """Count the words of `texts` (strings, or lists of tokens) and rebuild the index."""
        counts, docs = Counter(), Counter()  # Counters keep keys in first-seen order
        for text in texts:
            self.document_count += 1
            tokens = self._tokens(text)
            counts.update(tokens)
            docs.update(set(tokens))
        for word, count in counts.items():
            self.word_counts[word] = self.word_counts.get(word, 0) + count
        for word, count in docs.items():
            self.word_docs[word] = self.word_docs.get(word, 0) + count
        # sorted() is stable: words with equal counts keep their first-seen order.
        ranked = sorted(self.word_counts.items(), key=lambda item: item[1], reverse=True)
        vocabulary = [] if self.oov_token is None else [self.oov_token]
        vocabulary += [word for word, _ in ranked]
        self.word_index = dict(zip(vocabulary, range(1, len(vocabulary) + 1)))
        self.index_word = {index: word for word, index in self.word_index.items()}
        for word, count in self.word_docs.items():
            self.index_docs[self.word_index[word]] = count

    def fit_on_sequences(self, sequences):
        """Count in how many `sequences` (lists of word indices) each index occurs (for tf-idf)."""
        sequences = list(sequences)
        self.document_count += len(sequences)
        for sequence in sequences:
            for index in set(sequence):
                self.index_docs[int(index)] += 1

    def _encode(self, tokens, oov_index):
        """Word indices of `tokens`; unknown or cut-off words become `oov_index` or are dropped."""
        indices = [self.word_index.get(token, oov_index) for token in tokens]
        if self.num_words:
            indices = [oov_index if i is not None and i >= self.num_words else i for i in indices]
        return [i for i in indices if i is not None]

    def texts_to_sequences_generator(self, texts):
        """Yield the list of word indices of each text (see `texts_to_sequences`)."""
        oov_index = self.word_index.get(self.oov_token)
        for text in texts:
            yield self._encode(self._tokens(text), oov_index)

    def texts_to_sequences(self, texts):
        """Lists of word indices, one per text. Words never seen, or with index >=
        `num_words`, map to the OOV index when `oov_token` is set and are dropped otherwise."""
        return list(self.texts_to_sequences_generator(texts))

    def sequences_to_texts_generator(self, sequences):
        """Yield the text of each sequence (see `sequences_to_texts`)."""
        oov_index = self.word_index.get(self.oov_token)
        oov_word = self.index_word.get(oov_index)
        for sequence in sequences:
            words = []
            for index in sequence:
                word = self.index_word.get(index)
                if word is None or (self.num_words and index >= self.num_words):
                    word = oov_word
                if word is not None:
                    words.append(word)
            yield " ".join(words)

    def sequences_to_texts(self, sequences):
        """Space-joined words, one string per sequence. Unknown indices (0 included) and
        indices >= `num_words` become the OOV token when set and are dropped otherwise."""
        return list(self.sequences_to_texts_generator(sequences))

    def texts_to_matrix(self, texts, mode="binary"):
        """`sequences_to_matrix(texts_to_sequences(texts), mode)`: shape (len(texts), num_words)."""
        _check_mode(mode)
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode="binary"):
        """A float64 matrix (len(sequences), num_words), one row per sequence.

        Width: `num_words`, or len(word_index) + 1 when `num_words` is None. Indices
        >= the width are skipped. For index j occurring c times in a sequence of n
        entries, the row holds, by `mode`:
            'binary': 1;   'count': c;   'freq': c / n (n counts skipped entries too);
            'tfidf':  (1 + log c) * log(1 + document_count / (1 + index_docs[j])).
        """
        _check_mode(mode)
        if self.num_words:
            width = self.num_words
        elif self.word_index:
            width = len(self.word_index) + 1
        else:
            raise ValueError("sequences_to_matrix: specify a dimension (the `num_words` argument "
                             "of Tokenizer), or fit on some text data first")
        if mode == "tfidf" and not self.document_count:
            raise ValueError("sequences_to_matrix: fit the Tokenizer on some data before using "
                             "mode='tfidf' (document_count is 0)")
        sequences = list(sequences)
        lengths = np.fromiter((len(s) for s in sequences), dtype=np.int64, count=len(sequences))
        indices = np.fromiter(itertools.chain.from_iterable(sequences), dtype=np.int64,
                              count=int(lengths.sum()))
        rows = np.repeat(np.arange(len(sequences)), lengths)
        if indices.size and indices.min() < 0:
            raise ValueError(f"sequences_to_matrix: word indices must be >= 0, received {indices.min()}")
        kept = indices < width
        keys = rows[kept] * width + indices[kept]  # each entry's position in the flat matrix

        matrix = np.zeros((len(sequences), width))
        flat = matrix.reshape(-1)  # a view: writing to it fills the matrix
        if mode == "binary":
            flat[keys] = 1.0
            return matrix
        keys, counts = np.unique(keys, return_counts=True)  # c for each (row, index) pair
        rows, indices = np.divmod(keys, width)
        if mode == "count":
            values = counts
        elif mode == "freq":
            values = counts / lengths[rows]
        else:  # tfidf
            docs = np.zeros(width)
            known = {int(j): c for j, c in self.index_docs.items() if 0 <= int(j) < width}
            docs[list(known)] = list(known.values())
            idf = np.log(1.0 + self.document_count / (1.0 + docs))
            values = (1.0 + np.log(counts)) * idf[indices]
        flat[keys] = values
        return matrix

    def get_config(self):
        """Constructor arguments plus the counts and indices, the dicts as JSON strings
        (as Keras writes them; integer keys become strings)."""
        return {
            "num_words": self.num_words,
            "filters": self.filters,
            "lower": self.lower,
            "split": self.split,
            "char_level": self.char_level,
            "oov_token": self.oov_token,
            "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts),
            "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs),
            "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }

    def to_json(self, **kwargs):
        """{'class_name': 'Tokenizer', 'config': get_config()} as a JSON string; `kwargs`
        go to `json.dumps`. Read it back with `tokenizer_from_json`."""
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()}, **kwargs)


def _check_mode(mode):
    if mode not in MATRIX_MODES:
        raise ValueError(f"Tokenizer: unknown vectorization mode {mode!r}; "
                         f"expected one of {MATRIX_MODES}")


def tokenizer_from_json(json_string):
    """The Tokenizer saved by `Tokenizer.to_json`, ready to encode and to keep fitting."""
    config = dict(json.loads(json_string)["config"])
    word_counts = json.loads(config.pop("word_counts"), object_pairs_hook=OrderedDict)
    word_docs = json.loads(config.pop("word_docs"))
    index_docs = json.loads(config.pop("index_docs"))
    index_word = json.loads(config.pop("index_word"))
    word_index = json.loads(config.pop("word_index"))

    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = word_counts
    tokenizer.word_docs = defaultdict(int, word_docs)
    tokenizer.index_docs = defaultdict(int, {int(k): v for k, v in index_docs.items()})
    tokenizer.index_word = {int(k): v for k, v in index_word.items()}
    tokenizer.word_index = word_index
    return tokenizer

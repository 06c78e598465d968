"""TextVectorization: raw texts -> token indices or bag-of-words vectors (Keras 3 semantics).

    vectorize = keras.layers.TextVectorization(max_tokens=20000, output_sequence_length=200)
    vectorize.adapt(train_texts)                  # learns the vocabulary
    vectorize(["The cat sat.", "A dog!"])         # int64 (2, 200): indices, padded with 0

Each text goes through standardize (lower-casing, punctuation stripping), split (into
words), ngrams, then a StringLookup whose mask token is the empty string: index 0 pads,
index 1 is the OOV token '[UNK]', the vocabulary starts at 2.
"""
import itertools
import numbers
import re

import numpy as np

from ..autograd import Tensor
from .index_lookup import (TokenLayer, batches_of, check_choice, check_not_set,
                           check_output_mode)
from .string_lookup import StringLookup

STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
SPLIT = ("whitespace", "character")

# The punctuation Keras strips: the ASCII punctuation characters (its exact pattern).
PUNCTUATION = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
# Keras lower-cases ASCII letters only and splits on ASCII whitespace only (as TensorFlow's
# strings.lower and strings.split do): 'Ä' stays, a no-break space joins.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_WORD = re.compile(r"[^ \t\n\v\f\r]+")


def _lower(text):
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)


def _strip_punctuation(text):
    return PUNCTUATION.sub("", text)


class TextVectorization(TokenLayer):
    """A preprocessing layer that turns texts into sequences of token indices or into
    bag-of-words vectors, with a vocabulary given or learned by `adapt`.

    Args:
        max_tokens: the most indices, the padding (0) and OOV (1) indices included in
            'int' mode, the OOV index included in the others (None: no limit).
        standardize: None, 'lower' (ASCII letters), 'strip_punctuation' (ASCII
            punctuation), 'lower_and_strip_punctuation', or a callable taking a NumPy str
            array (the input's shape) and returning the standardized texts.
        split: None (each text is one token), 'whitespace' (runs of ASCII whitespace),
            'character' (one token per character), or a callable taking a 1-D NumPy str
            array and returning one sequence of tokens per text.
        ngrams: None, an int n (the 1- to n-grams), or a tuple of widths: the n-grams of
            each width in turn, words joined by a space, replace the tokens.
        output_mode: 'int', 'one_hot', 'multi_hot', 'count' or 'tf_idf' (see StringLookup).
        output_sequence_length: in 'int' mode, the length of every output sequence:
            longer ones are cut at the end, shorter ones padded with 0. None: the longest
            sequence of the batch.
        pad_to_max_tokens: in the encoding modes, make the output max_tokens wide.
        vocabulary: the tokens (list, array, or the path of a text file, one a line).
        idf_weights: with output_mode='tf_idf' and a vocabulary: one weight per token.
        sparse, ragged: must be False (neuronet has no sparse or ragged tensors).
        encoding: the encoding of bytes inputs.

    Input: texts of shape (batch,) or (batch, 1) (any shape without split), as a list, a
    NumPy str/object array or a Tensor of one.
    Output: 'int': int64 (batch, sequence length); 'multi_hot', 'count', 'tf_idf':
    float (batch, depth); 'one_hot': float (batch, sequence length, depth), padding
    positions all zero (without split: as StringLookup's one_hot). depth is the
    vocabulary size, or max_tokens with pad_to_max_tokens.
    """

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation",
                 split="whitespace", ngrams=None, output_mode="int", output_sequence_length=None,
                 pad_to_max_tokens=False, vocabulary=None, idf_weights=None, sparse=False,
                 ragged=False, encoding="utf-8", name=None, *, vocabulary_size=None,
                 has_input_vocabulary=None, **kwargs):
        super().__init__(name=name, **kwargs)
        caller = f"TextVectorization '{self.name}'"
        if standardize is not None and not callable(standardize):
            check_choice(caller, "standardize", standardize, STANDARDIZE)
        if split is not None and not callable(split):
            check_choice(caller, "split", split, SPLIT)
        output_mode = check_output_mode(caller, output_mode)
        self._ngrams = _ngram_widths(caller, ngrams)
        if output_sequence_length is not None:
            if output_mode != "int":
                raise ValueError(f"{caller}: 'output_sequence_length' applies to "
                                 f"output_mode='int' only, received output_mode={output_mode!r}")
            if (isinstance(output_sequence_length, bool) or not isinstance(
                    output_sequence_length, numbers.Integral) or output_sequence_length < 1):
                raise ValueError(f"{caller}: expected None or a positive integer for argument "
                                 "'output_sequence_length', received "
                                 f"output_sequence_length={output_sequence_length!r}")
        check_not_set(caller, "ragged", ragged, "ragged outputs are not supported (neuronet has "
                      "no ragged tensors); use output_sequence_length or the batch's padding")
        self.standardize, self.split, self.ngrams = standardize, split, ngrams
        self.output_mode = output_mode
        self.output_sequence_length = output_sequence_length
        self.encoding = encoding
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, mask_token="", vocabulary=vocabulary, idf_weights=idf_weights,
            output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens, sparse=sparse,
            encoding=encoding, name=f"{self.name}_lookup", vocabulary_size=vocabulary_size,
            has_input_vocabulary=has_input_vocabulary)

    # --- vocabulary (held by the StringLookup) -----------------------------------------------
    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary as a list; with the special tokens ('' and '[UNK]' in 'int' mode), a
        token's position is its index."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        """The number of indices, the padding and OOV indices included."""
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Set the vocabulary (and, in 'tf_idf' mode, the idf weights): see
        StringLookup.set_vocabulary."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights)

    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary from texts: an array or list of them (shape (n,) or (n, 1)),
        or an iterable of batches of texts such as a Dataset (its first `steps` batches when
        given; for (texts, labels) batches pass `dataset.map(lambda x, y: x)`). Tokens are
        ordered by frequency, ties broken by the token (highest first); each text is one
        document for the idf weights. batch_size is accepted for Keras compatibility (Keras
        does not use it either)."""
        self.reset_state()
        for batch in batches_of("TextVectorization", data, steps):
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data):
        """Count the tokens of one batch of texts (see `adapt`)."""
        tokens, lengths, _ = self._tokenize(data)
        rows = np.repeat(np.arange(len(lengths)), lengths)
        self._lookup_layer._count_tokens(tokens, rows, len(lengths))

    def finalize_state(self):
        self._lookup_layer.finalize_state()

    def reset_state(self):
        self._lookup_layer.reset_state()

    # --- texts -> tokens ---------------------------------------------------------------------
    def _texts(self, values):
        """The standardized texts, an object array of str of the input's shape."""
        texts = self._lookup_layer._tokens_of(values)
        if self.standardize in ("lower", "lower_and_strip_punctuation"):
            texts = _apply(_lower, texts)
        if self.standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
            texts = _apply(_strip_punctuation, texts)
        if callable(self.standardize):
            texts = self._lookup_layer._tokens_of(self.standardize(texts.astype(str)))
        return texts

    def _tokenize(self, values):
        """(tokens, lengths, lead_shape): the tokens of every row, one after the other (a
        1-D object array), the number of tokens of each row, and the shape of the rows.
        With split, a row is a text (the input has shape lead_shape or lead_shape + (1,));
        without, a row is the last axis of the input."""
        texts = self._texts(values)
        if self.split is None:
            texts = texts.reshape(1) if texts.ndim == 0 else texts
            lead_shape, width = texts.shape[:-1], texts.shape[-1]
            rows = texts.reshape(-1, width)
            if not self._ngrams:
                return rows.ravel(), np.full(len(rows), width), lead_shape
            rows = rows.tolist()
        else:
            if texts.ndim > 1:
                if texts.shape[-1] != 1:
                    raise ValueError(f"TextVectorization '{self.name}': to split texts, the "
                                     "input must have shape (batch,) or (batch, 1), received "
                                     f"shape {texts.shape}")
                texts = texts[..., 0]
            lead_shape = texts.shape
            rows = self._split(texts.reshape(-1))
        if self._ngrams:
            rows = [_ngrams(row, self._ngrams) for row in rows]
        lengths = np.array([len(row) for row in rows], dtype=np.int64)
        tokens = np.empty(int(lengths.sum()), dtype=object)
        tokens[:] = list(itertools.chain.from_iterable(rows))
        return tokens, lengths, lead_shape

    def _split(self, texts):
        """One list of tokens per text of the 1-D array `texts`."""
        if self.split == "whitespace":
            return [_WORD.findall(text) for text in texts.tolist()]
        if self.split == "character":
            return [list(text) for text in texts.tolist()]
        rows = self.split(texts.astype(str))
        return [self._lookup_layer._tokens_of(row).tolist() for row in rows]

    # --- calling -----------------------------------------------------------------------------
    def call(self, inputs):
        lookup = self._lookup_layer
        lookup._ensure_vocabulary()
        tokens, lengths, lead_shape = self._tokenize(inputs.data)
        ids = lookup._lookup(tokens)
        if self.split is None and self.output_mode != "int":
            return Tensor(lookup._encode(ids.reshape(lead_shape + (-1,))))
        if self.output_mode in ("multi_hot", "count", "tf_idf"):
            rows = np.repeat(np.arange(len(lengths)), lengths)
            bags = lookup._bag(ids, rows, len(lengths))
            return Tensor(bags.reshape(lead_shape + bags.shape[-1:]))
        length = self.output_sequence_length
        if length is None:
            length = int(lengths.max()) if len(lengths) else 0
        padding = 0 if self.output_mode == "int" else -1        # -1: an all-zero one-hot
        sequences = _pad(ids, lengths, length, padding).reshape(lead_shape + (length,))
        return Tensor(sequences if self.output_mode == "int" else lookup._one_hot(sequences))

    def _output_dtype(self):
        return self._lookup_layer._output_dtype()

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        lookup = self._lookup_layer
        if self.split is None:
            shape = shape or (1,)
            tokens_shape = shape if not self._ngrams else shape[:-1] + (
                _ngram_count(shape[-1], self._ngrams),)
            if self.output_mode != "int":
                return lookup.compute_output_shape(tokens_shape)
        else:
            lead_shape = shape[:-1] if len(shape) > 1 else shape
            tokens_shape = lead_shape + (None,)
            if self.output_mode == "one_hot":
                return tokens_shape + (lookup._depth(),)
            if self.output_mode != "int":
                return lead_shape + (lookup._depth(),)
        length = self.output_sequence_length
        return tokens_shape[:-1] + (tokens_shape[-1] if length is None else length,)

    def save_own_variables(self, store):
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store):
        self._lookup_layer.load_own_variables(store)

    def load_assets(self, dir_path):
        self._lookup_layer.load_assets(dir_path)

    def get_config(self):
        lookup = self._lookup_layer.get_config()
        return {**super().get_config(), "max_tokens": lookup["max_tokens"],
                "standardize": self.standardize, "split": self.split, "ngrams": self.ngrams,
                "output_mode": self.output_mode,
                "output_sequence_length": self.output_sequence_length,
                "pad_to_max_tokens": lookup["pad_to_max_tokens"], "sparse": False,
                "ragged": False, "vocabulary": lookup["vocabulary"],
                "idf_weights": lookup["idf_weights"], "encoding": self.encoding,
                "vocabulary_size": lookup["vocabulary_size"],
                "has_input_vocabulary": lookup["has_input_vocabulary"]}

    @classmethod
    def from_config(cls, config):
        """The layer of `config`; a standardize or split function saved as a config is looked
        up as Keras does (by name among the registered custom objects)."""
        config = dict(config)
        for key in ("standardize", "split"):
            if isinstance(config.get(key), dict):
                from ..saving.serialization import deserialize_keras_object
                config[key] = deserialize_keras_object(config[key])
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return cls(**config)


def _apply(function, texts):
    """`function` applied to every str of the object array `texts`."""
    return np.asarray(np.frompyfunc(function, 1, 1)(texts), dtype=object)


def _ngram_widths(caller, ngrams):
    """The n-gram widths of argument `ngrams` (an int n: 1 to n), as a tuple; () for None."""
    if ngrams is None:
        return ()
    widths = tuple(range(1, ngrams + 1)) if isinstance(ngrams, numbers.Integral) else ngrams
    if (isinstance(ngrams, bool) or not isinstance(widths, tuple) or not widths
            or not all(isinstance(w, numbers.Integral) and not isinstance(w, bool) and w > 0
                       for w in widths)):
        raise ValueError(f"{caller}: expected None, a positive integer or a tuple of positive "
                         f"integers for argument 'ngrams', received ngrams={ngrams!r}")
    return tuple(int(w) for w in widths)


def _ngrams(tokens, widths):
    """The n-grams of `tokens` of each width in turn (TensorFlow's strings.ngrams)."""
    return [" ".join(tokens[i:i + width]) for width in widths
            for i in range(len(tokens) - width + 1)]


def _ngram_count(length, widths):
    return None if length is None else sum(max(length - w + 1, 0) for w in widths)


def _pad(ids, lengths, length, value):
    """(rows, length): the indices of each row (rows of `lengths` indices, one after the other
    in `ids`), cut at `length` or padded with `value` at the end."""
    starts = np.cumsum(lengths) - lengths
    rows = np.repeat(np.arange(len(lengths)), lengths)
    positions = np.arange(len(ids)) - np.repeat(starts, lengths)
    kept = positions < length
    out = np.full((len(lengths), length), value, dtype=np.int64)
    out[rows[kept], positions[kept]] = ids[kept]
    return out

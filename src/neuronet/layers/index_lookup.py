"""IndexLookup: the vocabulary lookup shared by StringLookup, IntegerLookup and TextVectorization.

The index layout (Keras 3): in 'int' output mode the mask token (if any) takes index 0,
then come `num_oov_indices` out-of-vocabulary (OOV) indices, then the vocabulary. In the
other modes the mask token has no index (it is dropped from the output):

    StringLookup(mask_token="", num_oov_indices=2, vocabulary=["a", "b"]).get_vocabulary()
    ['', '[UNK]', '[UNK]', 'a', 'b']                     # 'a' -> 3, 'b' -> 4, '' -> 0

With several OOV indices, an unknown token picks one by a hash of its text (FarmHash64 of
its UTF-8 bytes, SipHash-2-4 when a `salt` is given, as TensorFlow's hash-bucket ops); an
unknown integer by `token % num_oov_indices` (oov_method='floormod', the default).
`adapt` orders the vocabulary by frequency, ties broken by the token, highest first.
"""
import collections
import numbers
import os

import numpy as np

from .. import backend
from ..autograd import Tensor
from .base import Layer
from .string_hashing import fingerprint, text_bytes

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
_MODE_ALIASES = {"binary": "multi_hot", "tf-idf": "tf_idf"}       # Keras' older names


def check_choice(caller, argument, value, choices):
    """`value` if it is one of `choices`; else a ValueError listing them."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{caller}: unknown value for argument '{argument}': expected one of "
                         f"{', '.join(map(repr, choices))}, received {argument}={value!r}")
    return value


def check_output_mode(caller, output_mode):
    """The output mode, with Keras' old names 'binary' and 'tf-idf' accepted."""
    return check_choice(caller, "output_mode", _MODE_ALIASES.get(output_mode, output_mode),
                        OUTPUT_MODES)


def check_max_tokens(caller, max_tokens, pad_to_max_tokens):
    """`max_tokens` (None or an int > 1), checked with `pad_to_max_tokens`, which needs it."""
    if max_tokens is not None and (isinstance(max_tokens, bool) or not isinstance(
            max_tokens, numbers.Integral) or max_tokens <= 1):
        raise ValueError(f"{caller}: expected None or an integer greater than 1 for argument "
                         f"'max_tokens' (it counts the mask and OOV tokens), received "
                         f"max_tokens={max_tokens!r}")
    if pad_to_max_tokens and max_tokens is None:
        raise ValueError(f"{caller}: pad_to_max_tokens=True needs 'max_tokens' (the padded "
                         "width), received max_tokens=None")
    return None if max_tokens is None else int(max_tokens)


def check_not_set(caller, argument, value, why):
    """A ValueError unless the boolean option `argument` is off."""
    if value:
        raise ValueError(f"{caller}: argument '{argument}' must be False: {why}, received "
                         f"{argument}={value!r}")


class TokenLayer(Layer):
    """Base of the layers that take tokens or texts: a Python list is one batch (not several
    inputs), and the outputs are not differentiable. Subclasses give `_output_dtype()`."""

    def __call__(self, inputs, *args, **kwargs):
        if isinstance(inputs, (list, tuple, str, bytes, numbers.Number)):
            inputs = np.asarray(inputs)
        return super().__call__(inputs, *args, **kwargs)


def batches_of(caller, data, steps):
    """The batches `adapt` reads from `data`: an array (or list, or Tensor) is one batch, a
    1-D one made a column (one token or text per row); any other iterable (a Dataset, a
    generator) yields its batches, the first `steps` of them when `steps` is given."""
    if isinstance(data, Tensor):
        data = data.data
    if isinstance(data, (list, tuple, str, bytes, np.ndarray)):
        array = np.asarray(data)
        yield array[:, None] if array.ndim == 1 else array
        return
    if not hasattr(data, "__iter__"):
        raise TypeError(f"{caller}.adapt: expected an array, a list or an iterable of batches "
                        f"(e.g. a Dataset), received a {type(data).__name__}")
    for step, batch in enumerate(data):
        if steps is not None and step >= steps:
            return
        if isinstance(batch, (tuple, dict)):
            raise ValueError(f"{caller}.adapt: expected batches of tokens or texts, received a "
                             f"batch that is a {type(batch).__name__}; for (inputs, labels) "
                             "batches pass dataset.map(lambda x, y: x)")
        yield batch.data if isinstance(batch, Tensor) else batch


class IndexLookup(TokenLayer):
    """Maps tokens to indices of a vocabulary, and encodes them (Keras semantics; the base of
    StringLookup and IntegerLookup, see their docstrings for the arguments).

    Subclasses give `_tokens_of(values)`, the values as a NumPy array of tokens, and the
    type of a token: `_token_type` in Python (str or int), `_token_dtype` in NumPy.
    """

    _token_type = _token_dtype = None

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary_dtype,
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 sparse=False, pad_to_max_tokens=False, oov_method="floormod", salt=None,
                 name=None, *, vocabulary_size=None, has_input_vocabulary=None, **kwargs):
        super().__init__(name=name, **kwargs)
        caller = self._label
        self.max_tokens = check_max_tokens(caller, max_tokens, pad_to_max_tokens)
        if (isinstance(num_oov_indices, bool) or not isinstance(num_oov_indices, numbers.Integral)
                or num_oov_indices < 0):
            raise ValueError(f"{caller}: expected an integer >= 0 for argument "
                             f"'num_oov_indices', received num_oov_indices={num_oov_indices!r}")
        self.output_mode = check_output_mode(caller, output_mode)
        self.oov_method = check_choice(caller, "oov_method", oov_method, ("floormod", "farmhash"))
        check_not_set(caller, "sparse", sparse, "sparse outputs are not supported (neuronet has "
                      "no sparse tensors)")
        if invert and self.output_mode != "int":
            raise ValueError(f"{caller}: invert=True needs output_mode='int', received "
                             f"output_mode={output_mode!r}")
        if idf_weights is not None and self.output_mode != "tf_idf":
            raise ValueError(f"{caller}: 'idf_weights' is used only with output_mode='tf_idf', "
                             f"received output_mode={output_mode!r}")
        if idf_weights is not None and vocabulary is None:
            raise ValueError(f"{caller}: 'idf_weights' are the weights of the tokens of "
                             "'vocabulary'; received idf_weights without a vocabulary")
        if self.output_mode == "tf_idf" and vocabulary is not None and idf_weights is None:
            raise ValueError(f"{caller}: with output_mode='tf_idf', a 'vocabulary' needs its "
                             "'idf_weights' too, received idf_weights=None")
        self.num_oov_indices = int(num_oov_indices)
        self.mask_token, self.oov_token = mask_token, oov_token
        self.vocabulary_dtype = vocabulary_dtype
        self.invert = bool(invert)
        self.sparse = False
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.salt = self._check_salt(salt)
        self._has_input_vocabulary = (vocabulary is not None if has_input_vocabulary is None
                                      else bool(has_input_vocabulary))
        self._frozen_vocab_size = vocabulary_size    # the output depth, once it is known
        self._vocabulary = None                      # the tokens, without the special ones
        self._index = {}                             # token -> index
        self._inverse = None                         # index -> token, for invert=True
        self._idf_weights = None                     # (depth,) in 'tf_idf' mode
        self.reset_state()
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    @property
    def _label(self):
        return f"{type(self).__name__} '{self.name}'"

    def _check_salt(self, salt):
        if salt is None:
            return None
        if self._token_type is int and self.oov_method != "farmhash":
            raise ValueError(f"{self._label}: 'salt' needs oov_method='farmhash' (integers are "
                             f"otherwise not hashed), received oov_method={self.oov_method!r}")
        pair = [salt, salt] if isinstance(salt, numbers.Integral) else salt
        if (not isinstance(pair, (list, tuple)) or len(pair) != 2 or not all(
                isinstance(k, numbers.Integral) and not isinstance(k, bool) for k in pair)):
            raise ValueError(f"{self._label}: expected an integer or a pair of integers for "
                             f"argument 'salt', received salt={salt!r}")
        return [int(k) for k in pair]

    # --- the index layout --------------------------------------------------------------------
    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    def _special_tokens(self):
        return [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary as a list; with the special tokens, a token's position is its index."""
        tokens = list(self._vocabulary or [])
        return self._special_tokens() + tokens if include_special_tokens else tokens

    def vocabulary_size(self):
        """The number of indices: the vocabulary and the mask and OOV indices."""
        return self._token_start_index() + len(self._vocabulary or [])

    def _depth(self):
        """The width of the 'one_hot', 'multi_hot', 'count' and 'tf_idf' outputs (None while
        it is not known)."""
        return self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size

    # --- setting the vocabulary --------------------------------------------------------------
    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Set the vocabulary (and the inverse document frequencies in 'tf_idf' mode).

        vocabulary: a list, tuple, 1-D array or Tensor of tokens, or the path of a text file
        with one token a line. It may start with the special tokens (mask and OOV, in the
        layout's order); otherwise they are put in front. idf_weights: one weight per
        token of `vocabulary`, required in 'tf_idf' mode and refused otherwise.
        """
        caller = f"{self._label}.set_vocabulary"
        if (self.output_mode == "tf_idf") != (idf_weights is not None):
            raise ValueError(f"{caller}: 'idf_weights' must be given with output_mode='tf_idf' "
                             f"and only then; output_mode={self.output_mode!r}, received "
                             f"idf_weights={idf_weights!r}")
        if isinstance(vocabulary, (str, os.PathLike)):
            if self.output_mode == "tf_idf":
                raise ValueError(f"{caller}: output_mode='tf_idf' cannot read its vocabulary "
                                 f"from a file, received {vocabulary!r}")
            vocabulary = self._read_vocabulary_file(caller, vocabulary)
        given = self._tokens_of(vocabulary).ravel().tolist()
        if not given:
            raise ValueError(f"{caller}: cannot set an empty vocabulary, received {vocabulary!r}")
        special = self._special_tokens()
        with_special = given[:len(special)] == special
        tokens = given[len(special):] if with_special else given
        self._check_tokens(caller, tokens, special)
        weights = None
        if idf_weights is not None:
            weights = self._full_idf_weights(caller, idf_weights, len(given), with_special)
        self._set(tokens, weights)

    def _check_tokens(self, caller, tokens, special):
        repeated = [t for t, n in collections.Counter(tokens).items() if n > 1]
        if repeated:
            raise ValueError(f"{caller}: the vocabulary has repeated tokens {repeated}; each "
                             "token must appear once")
        reserved = [(name, token) for name, token in
                    (("mask_token", self.mask_token),
                     ("oov_token", self.oov_token if self.invert else None))
                    if token is not None and token in tokens]
        if reserved:
            name, token = reserved[0]
            raise ValueError(f"{caller}: the vocabulary holds the reserved {name} {token!r} "
                             "among its tokens; leave the special tokens out, or put them "
                             f"first in exactly this order: {special}")
        size = self._token_start_index() + len(tokens)
        if self.max_tokens is not None and size > self.max_tokens:
            raise ValueError(f"{caller}: the vocabulary has {size} indices with the special "
                             f"tokens, more than max_tokens={self.max_tokens}")

    def _full_idf_weights(self, caller, idf_weights, num_given, with_special):
        """The weight of every index: the weights given, after the average weight for each
        special index when the vocabulary came without them, and zeros up to max_tokens
        when the output is padded to it."""
        weights = np.asarray(idf_weights.data if isinstance(idf_weights, Tensor) else idf_weights,
                             dtype=np.float64)
        if weights.ndim != 1 or len(weights) != num_given:
            raise ValueError(f"{caller}: expected one idf weight per vocabulary token "
                             f"({num_given}), received idf_weights of shape {weights.shape}")
        if not with_special:
            weights = np.concatenate([np.full(self._token_start_index(), weights.mean()),
                                      weights])
        return self._padded(weights.astype(backend.floatx()))

    def _padded(self, weights):
        if self.pad_to_max_tokens:
            weights = np.pad(weights, (0, self.max_tokens - len(weights)))
        return weights

    def _read_vocabulary_file(self, caller, path):
        if not os.path.isfile(path):
            raise ValueError(f"{caller}: vocabulary file {os.fspath(path)!r} does not exist")
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        try:
            return [self._token_type(line) for line in lines]
        except ValueError:
            raise ValueError(f"{caller}: vocabulary file {os.fspath(path)!r} holds a line that "
                             f"is not a {self._token_type.__name__}") from None

    def _set(self, tokens, idf_weights):
        """Make `tokens` (without the special ones) the vocabulary."""
        start = self._token_start_index()
        self._vocabulary = list(tokens)
        self._index = {token: start + i for i, token in enumerate(tokens)}
        self._inverse = None
        if idf_weights is not None:
            self._idf_weights = idf_weights
        self._record_vocabulary_size()

    def _record_vocabulary_size(self):
        """Fix the output depth; it may not change once fixed in the encoding modes."""
        size = self.vocabulary_size()
        if (self.output_mode != "int" and not self.pad_to_max_tokens
                and self._frozen_vocab_size is not None and size != self._frozen_vocab_size):
            raise RuntimeError(f"{self._label}: with output_mode={self.output_mode!r} and "
                               "pad_to_max_tokens=False the vocabulary size (the output width) "
                               f"cannot change once set: it was {self._frozen_vocab_size}, the "
                               f"new vocabulary has {size}")
        self._frozen_vocab_size = size

    # --- adapt -------------------------------------------------------------------------------
    def adapt(self, data, steps=None):
        """Learn the vocabulary from `data`: an array or list of tokens (one batch), or an
        iterable of batches such as a Dataset (the first `steps` batches when given).

        The tokens are ordered by frequency, ties broken by the token (highest first), and
        cut to max_tokens indices. In 'tf_idf' mode each row of a batch is a document (a
        1-D array is a column: one document per token; a 1-D batch of an iterable is one
        document), and the weights are log(1 + documents / (1 + documents with the token)),
        the OOV indices getting their average.
        """
        self.reset_state()
        for batch in batches_of(type(self).__name__, data, steps):
            self.update_state(batch)
        self.finalize_state()

    def reset_state(self):
        """Forget the counts of an adapt in progress."""
        self._token_counts = collections.Counter()
        self._document_counts = collections.Counter()
        self._num_documents = 0

    def update_state(self, data):
        """Count the tokens of one batch (see `adapt`)."""
        tokens = self._tokens_of(data)
        documents = tokens.reshape(1, -1) if tokens.ndim < 2 else tokens.reshape(len(tokens), -1)
        rows = np.repeat(np.arange(len(documents)), documents.shape[1])
        self._count_tokens(documents.ravel(), rows, len(documents))

    def _count_tokens(self, tokens, documents, num_documents):
        """Add a batch of `num_documents` documents to the counts of `adapt`: `tokens` (1-D)
        and the document of each (`documents`, ints)."""
        if self._has_input_vocabulary:
            raise ValueError(f"{self._label}: cannot adapt a layer given a fixed 'vocabulary' "
                             "at construction")
        self._num_documents += num_documents
        if len(tokens) == 0:
            return
        unique, which = np.unique(tokens, return_inverse=True)
        unique, which = unique.tolist(), which.ravel()
        self._token_counts.update(dict(zip(unique, np.bincount(which).tolist())))
        if self.output_mode == "tf_idf":                # documents holding each token
            pairs = np.unique(np.asarray(documents) * len(unique) + which)
            counts = np.bincount(pairs % len(unique), minlength=len(unique))
            self._document_counts.update(dict(zip(unique, counts.tolist())))

    def finalize_state(self):
        """Make the vocabulary (and idf weights) from the counts (see `adapt`)."""
        if self._has_input_vocabulary or not self._token_counts:
            self._record_vocabulary_size()
            return
        counts = self._token_counts
        for special in (self.mask_token, self.oov_token):
            counts.pop(special, None)
        tokens = sorted(counts, key=lambda token: (counts[token], token), reverse=True)
        if self.max_tokens is not None:
            tokens = tokens[:self.max_tokens - self._token_start_index()]
        weights = None
        if self.output_mode == "tf_idf":
            in_documents = np.array([self._document_counts[t] for t in tokens], dtype=np.float64)
            idf = np.log(1 + self._num_documents / (1 + in_documents)).astype(backend.floatx())
            average = idf.mean() if len(idf) else 0
            weights = self._padded(np.concatenate(
                [np.full(self._token_start_index(), average, idf.dtype), idf]))
        self.reset_state()
        self._set(tokens, weights)

    # --- lookup ------------------------------------------------------------------------------
    def _tokens_of(self, values):
        """`values` as a NumPy array of tokens."""
        raise NotImplementedError(f"{type(self).__name__} must implement _tokens_of(values)")

    def _ensure_vocabulary(self):
        if self._vocabulary is None:
            raise RuntimeError(f"{self._label} has no vocabulary yet: pass 'vocabulary' when "
                               "creating it, or call adapt() or set_vocabulary() first")

    def _lookup(self, tokens):
        """The index of each token of the 1-D array `tokens` (int64). A mask token maps to 0
        in 'int' mode and to -1 (dropped) in the others."""
        ids = np.array([self._index.get(t, -1) for t in tokens.tolist()], dtype=np.int64)
        is_mask = (tokens == self.mask_token if self.mask_token is not None
                   else np.zeros(len(ids), bool))
        missing = (ids < 0) & ~is_mask
        if missing.any():
            if self.num_oov_indices == 0:
                unknown = sorted(set(tokens[missing].tolist()))[:10]
                raise ValueError(f"{self._label}: with num_oov_indices=0 every input must be in "
                                 f"the vocabulary; found out-of-vocabulary values {unknown}; "
                                 "consider num_oov_indices=1")
            ids[missing] = self._oov_start_index() + self._oov_buckets(tokens[missing])
        if self.mask_token is not None:
            ids[is_mask] = 0 if self.output_mode == "int" else -1
        return ids

    def _oov_buckets(self, tokens):
        """Which of the OOV indices (0 .. num_oov_indices - 1) each unknown token takes."""
        n = self.num_oov_indices
        if n == 1:
            return np.zeros(len(tokens), np.int64)
        if self._token_type is int and self.oov_method == "floormod":
            return np.mod(tokens, n)
        unique, which = np.unique(tokens, return_inverse=True)
        hashes = [fingerprint(text_bytes(token), self.salt) for token in unique.tolist()]
        return np.array([h % n for h in hashes], dtype=np.int64)[which.ravel()]

    def _inverted(self, ids):
        """The token of each index (the OOV token for indices outside the vocabulary)."""
        if not np.issubdtype(ids.dtype, np.integer):
            raise TypeError(f"{self._label}: invert=True maps integer indices back to tokens, "
                            f"received inputs of dtype {ids.dtype}")
        if self._inverse is None:
            self._inverse = np.array(self.get_vocabulary(), dtype=self._token_dtype)
        inside = (ids >= 0) & (ids < len(self._inverse))
        return np.where(inside, self._inverse[np.where(inside, ids, 0)],
                        np.array(self.oov_token, self._inverse.dtype))

    # --- encoding ----------------------------------------------------------------------------
    def _encode(self, ids):
        """The output of a mode other than 'int' for the indices `ids` (any shape), as Keras
        encodes them: 'one_hot' one vector per index (a last axis of size 1 is replaced);
        'multi_hot', 'count', 'tf_idf' one vector per row of the last axis."""
        ids = ids.reshape(1) if ids.ndim == 0 else ids
        if self.output_mode == "one_hot":
            return self._one_hot(ids[..., 0] if ids.ndim > 1 and ids.shape[-1] == 1 else ids)
        rows = ids.reshape(-1, ids.shape[-1])
        bags = self._bag(rows.ravel(), np.repeat(np.arange(len(rows)), rows.shape[1]), len(rows))
        return bags.reshape(ids.shape[:-1] + (bags.shape[-1],))

    def _one_hot(self, ids):
        """ids.shape + (depth,): a 1 at each index (none for a dropped mask, -1)."""
        return (ids[..., None] == np.arange(self._depth())).astype(backend.floatx())

    def _bag(self, ids, rows, num_rows):
        """(num_rows, depth): for each row, which indices of `ids` occur in it ('multi_hot'),
        how often ('count'), or that count times the index's idf weight ('tf_idf'). `rows`
        gives the row of each index; dropped masks (-1) do not count."""
        depth = self._depth()
        kept = ids >= 0
        cells = rows[kept] * depth + ids[kept]
        counts = np.bincount(cells, minlength=num_rows * depth).reshape(num_rows, depth)
        out = counts.astype(backend.floatx())
        if self.output_mode == "multi_hot":
            np.minimum(out, 1, out=out)
        elif self.output_mode == "tf_idf":
            out *= self._idf_weights
        return out

    # --- calling -----------------------------------------------------------------------------
    def call(self, inputs):
        self._ensure_vocabulary()
        if self.invert:
            return Tensor(self._inverted(np.asarray(inputs.data)))
        tokens = self._tokens_of(inputs.data)
        ids = self._lookup(tokens.ravel()).reshape(tokens.shape)
        return Tensor(ids if self.output_mode == "int" else self._encode(ids))

    def _output_dtype(self):
        if self.invert:
            return backend.standardize_dtype(self._token_dtype)
        return "int64" if self.output_mode == "int" else backend.floatx()

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        if self.output_mode == "int":
            return shape
        if self.output_mode == "one_hot" and not (len(shape) > 1 and shape[-1] == 1):
            return shape + (self._depth(),)
        return shape[:-1] + (self._depth(),)

    # --- saving ------------------------------------------------------------------------------
    def save_own_variables(self, store):
        """The layer's entries of a weights file, as Keras writes them: the idf weights in
        'tf_idf' mode."""
        if self.output_mode == "tf_idf" and self._idf_weights is not None:
            store["idf_weights"] = self._idf_weights

    def load_own_variables(self, store):
        """Read the entries `save_own_variables` wrote."""
        if self.output_mode == "tf_idf" and "idf_weights" in store:
            self._idf_weights = np.asarray(store["idf_weights"], dtype=backend.floatx())

    def load_assets(self, dir_path):
        """Read the vocabulary that Keras keeps beside an adapted layer in its .keras file
        (`dir_path`/vocabulary.txt, special tokens first), unless the config held one."""
        path = os.path.join(dir_path, "vocabulary.txt")
        if self._vocabulary is not None or not os.path.isfile(path):
            return
        tokens = self._read_vocabulary_file(f"{self._label}.load_assets", path)
        weights = None
        if self.output_mode == "tf_idf" and self._idf_weights is not None:
            weights = self._idf_weights[:len(tokens)]        # from load_own_variables
        self.set_vocabulary(tokens, weights)

    def get_config(self):
        """The arguments, with the vocabulary (special tokens first) and, in 'tf_idf' mode,
        the idf weights of its indices once they are set or adapted."""
        vocabulary, weights = None, None
        if self._vocabulary is not None:
            vocabulary = self.get_vocabulary()
            if self.output_mode == "tf_idf":
                weights = self._idf_weights[:len(vocabulary)].tolist()
        return {**super().get_config(), "invert": self.invert, "max_tokens": self.max_tokens,
                "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token,
                "mask_token": self.mask_token, "output_mode": self.output_mode,
                "sparse": self.sparse, "pad_to_max_tokens": self.pad_to_max_tokens,
                "vocabulary_dtype": self.vocabulary_dtype, "idf_weights": weights,
                "vocabulary": vocabulary, "vocabulary_size": self._frozen_vocab_size,
                "has_input_vocabulary": self._has_input_vocabulary,
                "oov_method": self.oov_method, "salt": self.salt}

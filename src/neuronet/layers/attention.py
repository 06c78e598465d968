"""Attention (Luong-style, dot product) and AdditiveAttention (Bahdanau-style): attention
of a query sequence over a value sequence, without learned projections."""
import numbers

import numpy as np

from ..autograd import as_array
from ..ops import math as m
from ..ops.activations import softmax, tanh
from ..ops.array import swapaxes
from ..ops.dropout import check_rate, dropout
from .base import Layer

SCORE_MODES = ("dot", "concat")


class BaseDenseAttention(Layer):
    """What Attention and AdditiveAttention share: the inputs and masks, the softmax over
    the key positions, dropout and the weighted sum of the values. Subclasses define the
    scores, `_calculate_scores(query, key)` -> (batch, Tq, Tv).

    Call on [query, value] or [query, value, key]: query (batch, Tq, dim), value
    (batch, Tv, value_dim), key (batch, Tv, dim), key defaulting to value. Output
    (batch, Tq, value_dim). mask=[query_mask, value_mask] (boolean, (batch, Tq) and
    (batch, Tv)), filled from the inputs' Keras masks: masked values get no attention
    (their scores are lowered by 1e9), masked queries get zero outputs.
    use_causal_mask=True lets query position i see value positions j <= i only.
    return_attention_scores=True returns (output, scores), scores (batch, Tq, Tv)
    after masking, softmax and dropout. Dropout (rate `dropout`) acts on the attention
    probabilities in training only.
    """

    supports_masking = True                       # the output keeps the query's mask

    def __init__(self, use_scale=False, dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        check_rate(dropout, type(self).__name__)
        self.use_scale = bool(use_scale)
        self.dropout = dropout
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    def _check_inputs_and_mask(self, inputs, mask=None):
        """A ValueError unless `inputs` (or their shapes) is a list of 2 or 3 and `mask`
        None or a list of 2 or 3."""
        name = type(self).__name__
        if not _is_list_of_2_or_3(inputs):
            raise ValueError(f"{name}: expected inputs [query, value] or [query, value, key], "
                             f"received {_describe(inputs)}")
        if mask is not None and not (isinstance(mask, (list, tuple)) and 2 <= len(mask) <= 3):
            raise ValueError(f"{name}: expected mask [query_mask, value_mask] (a list of length "
                             f"2 or 3), received mask={mask!r}")

    def build(self, input_shape):
        self._check_inputs_and_mask(input_shape)

    def call(self, inputs, mask=None, training=False, return_attention_scores=False,
             use_causal_mask=False):
        self._check_inputs_and_mask(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask, value_mask = (None, None) if mask is None else (mask[0], mask[1])
        scores = self._calculate_scores(query, key)                  # (batch, Tq, Tv)
        keep = _score_mask(scores.shape, value_mask, use_causal_mask)
        if keep is not None:
            # Keras lowers the masked scores by 1e9 (float16: by its largest value, 65504)
            lowered = m.subtract(scores, 65504.0 if scores.dtype == np.float16 else 1e9)
            scores = m.where(keep, scores, lowered)
        weights = softmax(scores, axis=-1)
        if training and self.dropout > 0:
            weights = dropout(weights, self.dropout, rng=self._rng)
        output = m.matmul(weights, value)                             # (batch, Tq, value_dim)
        if query_mask is not None:
            output = m.where(as_array(query_mask).astype(bool)[..., None], output, 0.0)
        return (output, weights) if return_attention_scores else output

    def compute_mask(self, inputs, mask=None):
        """The query's mask."""
        self._check_inputs_and_mask(inputs, mask)
        return None if mask is None else mask[0]

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale, "dropout": self.dropout,
                "seed": self.seed}


def _is_shape(items):
    return isinstance(items, (list, tuple)) and any(i is None or isinstance(i, numbers.Integral)
                                                    for i in items)


def _is_list_of_2_or_3(items):
    """Whether `items` is a list of 2 or 3 inputs or shapes (not one shape)."""
    return isinstance(items, (list, tuple)) and not _is_shape(items) and 2 <= len(items) <= 3


def _describe(items):
    if isinstance(items, (list, tuple)) and not _is_shape(items):
        return f"a list of length {len(items)}"
    return f"one input of shape {tuple(items) if _is_shape(items) else np.shape(as_array(items))}"


def _score_mask(scores_shape, value_mask, use_causal_mask):
    """Which scores count, a boolean array broadcasting to `scores_shape` (batch, Tq, Tv),
    or None when all do."""
    keep = None
    if value_mask is not None:
        keep = as_array(value_mask).astype(bool)[..., None, :]         # (batch, 1, Tv)
    if use_causal_mask:
        causal = np.tri(scores_shape[-2], scores_shape[-1], dtype=bool)  # j <= i
        keep = causal if keep is None else keep & causal
    return keep


class Attention(BaseDenseAttention):
    """Dot-product attention (Luong-style): softmax(scores) @ value over the value positions.

    score_mode 'dot': scores = query @ key^T, times a learned scalar `scale` (initially
    1) when use_scale=True. score_mode 'concat': scores = concat_score_weight *
    sum(tanh(scale * (query_i + key_j))) over the features, with learned scalars (the
    scale only with use_scale=True). See BaseDenseAttention for the inputs, masks and
    outputs.
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        if score_mode not in SCORE_MODES:
            raise ValueError(f"Attention: invalid score_mode {score_mode!r}; expected one of "
                             f"{SCORE_MODES}")
        super().__init__(use_scale, dropout, seed, **kwargs)
        self.score_mode = score_mode

    def build(self, input_shape):
        super().build(input_shape)
        self.scale = self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight((), "ones", name="scale")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight((), "ones", name="concat_score_weight")

    def _calculate_scores(self, query, key):
        if self.score_mode == "dot":
            scores = m.matmul(query, swapaxes(key, -2, -1))           # (batch, Tq, Tv)
            return scores if self.scale is None else m.multiply(scores, self.scale)
        pairs = _pair_sums(query, key)                                # (batch, Tq, Tv, dim)
        if self.scale is not None:
            pairs = m.multiply(self.scale, pairs)
        return m.multiply(self.concat_score_weight, m.sum(tanh(pairs), axis=-1))

    def get_config(self):
        return {**super().get_config(), "score_mode": self.score_mode}


def _pair_sums(query, key):
    """query_i + key_j for every pair of positions: (batch, Tq, Tv, dim)."""
    return m.add(m.expand_dims(query, -2), m.expand_dims(key, -3))


class AdditiveAttention(BaseDenseAttention):
    """Additive attention (Bahdanau-style): scores = sum(scale * tanh(query_i + key_j))
    over the features, with a learned vector `scale` (dim,) when use_scale=True (else
    scale = 1). See BaseDenseAttention for the inputs, masks and outputs.
    """

    def __init__(self, use_scale=True, dropout=0.0, seed=None, **kwargs):
        super().__init__(use_scale, dropout, seed, **kwargs)

    def build(self, input_shape):
        super().build(input_shape)
        self.scale = None
        if self.use_scale:
            self.scale = self.add_weight((input_shape[0][-1],), "glorot_uniform", name="scale")

    def _calculate_scores(self, query, key):
        tanhs = tanh(_pair_sums(query, key))                          # (batch, Tq, Tv, dim)
        return m.sum(tanhs if self.scale is None else m.multiply(self.scale, tanhs), axis=-1)

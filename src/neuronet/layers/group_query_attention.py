"""GroupQueryAttention: multi-head attention whose query heads share fewer key and value heads
("GQA", Ainslie et al., 2023), with Keras 3's weights, masks and outputs."""
import math
from functools import reduce

import numpy as np

from .. import constraints, initializers, regularizers
from ..autograd import as_array
from ..backend import snake_case, unique_name
from ..ops import math as m
from ..ops.array import repeat
from ..ops.dropout import check_rate
from ..ops.nn_functions import dot_product_attention
from .base import Layer, check_positive_int
from .dropout import Dropout
from .einsum_dense import EinsumDense
from .softmax import Softmax


class GroupQueryAttention(Layer):
    """Grouped-query attention: `num_query_heads` query heads, each group of
    num_query_heads / num_key_value_heads consecutive ones sharing a key and a value head
    (1 key/value head: multi-query attention; as many as query heads: multi-head attention).

    Call as `gqa(query, value, key=None)`; `key` defaults to `value`. query (batch, T, dim),
    value and key (batch, S, dim_v) and (batch, S, dim_k) are projected to heads of size
    `head_dim` (query: (batch, T, num_query_heads, head_dim), key and value: (batch, S,
    num_key_value_heads, head_dim)); each query head computes softmax(q k^T / sqrt(head_dim))
    v with its group's key and value, and the heads are projected back to (batch, T, dim).
    use_gate=True multiplies the heads by sigmoid(a projection of the query) first.

    Masks (boolean, True = attend), combined with AND: query_mask (batch, T), value_mask and
    key_mask (batch, S) (filled in from the Keras masks query, value and key carry),
    attention_mask (batch, T, S) or (batch, num_query_heads, T, S) (broadcast),
    use_causal_mask=True (query position i sees key positions j <= i) and sliding_window=w
    (positions less than w apart). With return_attention_scores=True the call returns
    (output, scores), scores (batch, num_query_heads, T, S) after the softmax and before
    dropout; dropout (rate `dropout`) acts on the attention probabilities in training.
    As in Keras, a query position that may attend nowhere gets all-zero attention when the
    scores are returned or dropout is set, and the mean of the values otherwise (Keras'
    fused attention). flash_attention (a GPU kernel) must be None or False.
    Weights, in Keras' order: the kernels and biases of the sublayers query (dim,
    num_query_heads, head_dim), key and value (dim_k or dim_v, num_key_value_heads,
    head_dim), gate (with use_gate; as query) and attention_output (num_query_heads,
    head_dim, dim); no biases with use_bias=False.
    """

    # Keras' Python class is GroupedQueryAttention: its default name and the weights group
    # of its files come from that
    keras_class_name = "GroupedQueryAttention"

    supports_masking = True                       # the output keeps the query's mask

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0,
                 use_bias=True, sliding_window=None, flash_attention=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None,
                 **kwargs):
        kwargs["name"] = kwargs.get("name") or unique_name(snake_case(self.keras_class_name))
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        caller = "GroupQueryAttention"
        self.head_dim = check_positive_int(caller, "head_dim", head_dim)
        self.num_query_heads = check_positive_int(caller, "num_query_heads", num_query_heads)
        self.num_key_value_heads = check_positive_int(caller, "num_key_value_heads",
                                                      num_key_value_heads)
        if self.num_query_heads % self.num_key_value_heads:
            raise ValueError(f"{caller}: num_query_heads must be a multiple of "
                             f"num_key_value_heads, received num_query_heads={num_query_heads} "
                             f"and num_key_value_heads={num_key_value_heads}")
        self.num_repeats = self.num_query_heads // self.num_key_value_heads
        check_rate(dropout, caller)
        self.dropout = dropout
        self.use_bias = bool(use_bias)
        self.use_gate = bool(use_gate)
        self.sliding_window = None if sliding_window is None else check_positive_int(
            caller, "sliding_window", sliding_window)
        if flash_attention:
            raise ValueError(f"{caller}: flash_attention=True is not supported (it needs a GPU "
                             f"kernel); use flash_attention=None or False, received "
                             f"flash_attention={flash_attention!r}")
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed

    # --- weights -----------------------------------------------------------------------------
    def _projection(self, equation, output_shape, bias_axes, name, activation=None):
        """An EinsumDense sublayer with this layer's initializers (fresh copies, as Keras
        makes them), regularizers and constraints."""
        return EinsumDense(equation, output_shape, activation=activation,
                           bias_axes=bias_axes if self.use_bias else None,
                           kernel_initializer=initializers.fresh_copy(self.kernel_initializer),
                           bias_initializer=initializers.fresh_copy(self.bias_initializer),
                           kernel_regularizer=self.kernel_regularizer,
                           bias_regularizer=self.bias_regularizer,
                           activity_regularizer=self.activity_regularizer,
                           kernel_constraint=self.kernel_constraint,
                           bias_constraint=self.bias_constraint, name=name, dtype=self.dtype)

    def build(self, query_shape, value_shape=None, key_shape=None):
        """Create the sublayers (letters: b batch, q and k query and key positions, m
        features, u query heads, v key/value heads, h head_dim); key and value are built
        on the first call when `value_shape` is not given."""
        _check_rank("query", query_shape)
        query_heads = (None, self.num_query_heads, self.head_dim)
        key_value_heads = (None, self.num_key_value_heads, self.head_dim)
        self._query_dense = self._projection("bqm,muh->bquh", query_heads, "uh", "query")
        self._key_dense = self._projection("bkm,mvh->bkvh", key_value_heads, "vh", "key")
        if self.use_gate:
            self._gate_dense = self._projection("bqm,muh->bquh", query_heads, "uh", "gate",
                                                activation="sigmoid")
            self._gate_dense._ensure_built(tuple(query_shape))
        self._value_dense = self._projection("bkm,mvh->bkvh", key_value_heads, "vh", "value")
        self._softmax = Softmax(axis=-1, dtype=self.dtype)
        self._dropout_layer = Dropout(self.dropout, seed=self.seed, dtype=self.dtype)
        self._output_dense = self._projection("bquh,uhm->bqm", (None, query_shape[-1]), "m",
                                              "attention_output")
        self._query_dense._ensure_built(tuple(query_shape))
        self._output_dense._ensure_built((None, None, self.num_query_heads, self.head_dim))
        self._build_shapes = {"query_shape": tuple(query_shape)}
        if value_shape is not None:
            self._build_value_and_key(value_shape, key_shape)
        self.built = True

    def _build_value_and_key(self, value_shape, key_shape=None):
        _check_rank("value", value_shape)
        self._value_dense._ensure_built(tuple(value_shape))
        self._key_dense._ensure_built(tuple(value_shape if key_shape is None else key_shape))
        self._build_shapes["value_shape"] = tuple(value_shape)
        if key_shape is not None:
            self._build_shapes["key_shape"] = tuple(key_shape)

    def get_build_config(self):
        """The input shapes the layer was built for, as Keras records them (None before
        the value shape is known)."""
        if not self.built or "value_shape" not in self._build_shapes:
            return None
        return {"shapes_dict": {name: list(shape) for name, shape in self._build_shapes.items()}}

    def build_from_config(self, config):
        """Build from `get_build_config()`'s output (or an {'input_shape': query shape})."""
        if not self.built:
            shapes = config.get("shapes_dict") or {"query_shape": config["input_shape"]}
            self.build(**{name: tuple(shape) for name, shape in shapes.items()})

    # --- calling -----------------------------------------------------------------------------
    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        query_mask = _keras_mask(query) if query_mask is None else query_mask
        value_mask = _keras_mask(value) if value_mask is None else value_mask
        if key is not None and key_mask is None:
            key_mask = _keras_mask(key)
        value = self._as_tensors(value)
        key = value if key is None else self._as_tensors(key)
        self._check_shapes(query.shape, value.shape, key.shape)
        if not self._value_dense.built:
            self._build_value_and_key((None,) + value.shape[1:],
                                      None if key is value else (None,) + key.shape[1:])
        mask = self._attention_mask(query.shape[0], query.shape[1], value.shape[1], query_mask,
                                    value_mask, key_mask, attention_mask, use_causal_mask)
        q = self._query_dense(query)                   # (batch, T, query heads, head_dim)
        k = self._key_dense(key)                       # (batch, S, key/value heads, head_dim)
        v = self._value_dense(value)
        scale = 1.0 / math.sqrt(self.head_dim)
        scores = None
        if return_attention_scores or self.dropout > 0:
            heads, scores = self._attend(q, k, v, mask, scale, training)
        else:                                          # Keras' fused path
            heads = dot_product_attention(q, k, v, mask=mask, scale=scale)
        if self.use_gate:
            heads = m.multiply(heads, self._gate_dense(query))
        output = self._output_dense(heads)             # (batch, T, dim)
        return (output, scores) if return_attention_scores else output

    def _attend(self, q, k, v, mask, scale, training):
        """Attention with explicit probabilities: the heads (batch, T, query heads, head_dim)
        and the probabilities (batch, query heads, T, S), before dropout."""
        k = repeat(k, self.num_repeats, axis=2)        # each key/value head serves its group
        v = repeat(v, self.num_repeats, axis=2)
        scores = m.einsum("bquh,bkuh->buqk", m.multiply(q, scale), k)
        probabilities = self._softmax(scores, mask=mask)    # masked: 0; nowhere to attend: 0
        kept = self._dropout_layer(probabilities, training=training)
        return m.einsum("buqk,bkuh->bquh", kept, v), probabilities

    def _check_shapes(self, query_shape, value_shape, key_shape):
        for name, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            _check_rank(name, shape)
        if not (query_shape[0] == value_shape[0] == key_shape[0]) \
                or key_shape[1] != value_shape[1]:
            raise ValueError(f"GroupQueryAttention: expected query, value and key of one batch "
                             f"size, and value and key of one length; received query shape "
                             f"{query_shape}, value shape {value_shape} and key shape {key_shape}")

    def _attention_mask(self, batch, t, s, query_mask, value_mask, key_mask, attention_mask,
                        use_causal_mask):
        """The combined boolean mask, broadcastable to (batch, query heads, T, S), or None
        when every query position may attend every key position."""
        masks = [_fitted(name, mask, (batch, t) if name == "query_mask" else (batch, s))[index]
                 for name, mask, index in (
                     ("query_mask", query_mask, np.s_[:, None, :, None]),
                     ("value_mask", value_mask, np.s_[:, None, None, :]),
                     ("key_mask", key_mask, np.s_[:, None, None, :])) if mask is not None]
        positions = np.arange(t)[:, None] - np.arange(s)[None, :]      # i - j
        if use_causal_mask:
            masks.append(positions >= 0)
        if self.sliding_window is not None:
            masks.append(np.abs(positions) < self.sliding_window)
        if attention_mask is not None:
            attention_mask = as_array(attention_mask).astype(bool)
            if attention_mask.ndim == 3:                # (batch, T, S): every head alike
                attention_mask = attention_mask[:, None]
            masks.append(_fitted("attention_mask", attention_mask,
                                 (batch, self.num_query_heads, t, s)))
        return reduce(np.logical_and, masks) if masks else None

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        return tuple(query_shape)

    def get_config(self):
        return {**super().get_config(), "head_dim": self.head_dim,
                "num_query_heads": self.num_query_heads,
                "num_key_value_heads": self.num_key_value_heads, "use_bias": self.use_bias,
                "use_gate": self.use_gate, "sliding_window": self.sliding_window,
                "dropout": self.dropout,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "seed": self.seed}



def _keras_mask(x):
    return getattr(x, "_keras_mask", None)


def _check_rank(name, shape):
    if len(shape) != 3:
        raise ValueError(f"GroupQueryAttention: expected a {name} of shape (batch, sequence, "
                         f"features), received {name} shape {tuple(shape)}")


def _fitted(name, mask, shape):
    """The boolean `mask` broadcast to `shape` (a ValueError naming it if it does not fit)."""
    try:
        return np.broadcast_to(as_array(mask).astype(bool), shape)
    except ValueError:
        raise ValueError(f"GroupQueryAttention: {name} of shape {np.shape(as_array(mask))} does "
                         f"not fit the inputs; expected a shape broadcastable to "
                         f"{shape}") from None

"""MultiHeadAttention: scaled dot-product attention over several learned projections
("Attention is all you need", Vaswani et al., 2017), with Keras 3's weights and masks."""
import math
from functools import reduce

import numpy as np

from .. import constraints, initializers, regularizers
from ..autograd import as_array
from ..ops import math as m
from ..ops.activations import softmax
from ..ops.dropout import check_rate, dropout
from ..ops.nn import linear
from .base import Layer, check_positive_int
from .input_spec import InputSpec
from .kernel_layer import KernelLayer


class HeadProjection(KernelLayer):
    """Keras' EinsumDense as MultiHeadAttention uses it: the last `contracted` axes of the
    input are multiplied with a kernel of shape (*those axes, *out_axes), and a bias of
    shape out_axes is added.

    Input (batch, ..., *in_axes) -> output (batch, ..., *out_axes); e.g. the query
    projection maps (batch, T, dim) to (batch, T, num_heads, key_dim) with a kernel
    (dim, num_heads, key_dim), and the output projection maps (batch, T, num_heads,
    value_dim) back to (batch, T, dim) with a kernel (num_heads, value_dim, dim).
    """

    def __init__(self, out_axes, contracted=1, **kwargs):
        super().__init__(**kwargs)
        self.out_axes = tuple(out_axes)
        self.contracted = contracted

    def build(self, input_shape):
        in_axes = tuple(input_shape[len(input_shape) - self.contracted:])
        self.add_kernel_and_bias(in_axes + self.out_axes, self.out_axes,   # Keras' fans
                                 fans=(math.prod(in_axes), math.prod(self.out_axes)))
        self.input_spec = InputSpec(min_ndim=self.contracted + 1,
                                    axes={i - self.contracted: n for i, n in enumerate(in_axes)})

    def call(self, inputs):
        # one matrix product: (..., prod(in_axes)) @ (prod(in_axes), prod(out_axes))
        lead = inputs.shape[:inputs.ndim - self.contracted]
        n_in = math.prod(self.kernel.shape[:self.contracted])
        n_out = math.prod(self.out_axes)
        bias = None if self.bias is None else m.reshape(self.bias, (n_out,))
        out = linear(m.reshape(inputs, lead + (n_in,)), m.reshape(self.kernel, (n_in, n_out)), bias)
        return m.reshape(out, lead + self.out_axes)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:len(input_shape) - self.contracted]) + self.out_axes

    def get_config(self):
        return {**super().get_config(), "out_axes": self.out_axes, "contracted": self.contracted,
                **self.kernel_bias_config()}


def _positive_int_or_none(argument, value):
    return None if value is None else check_positive_int("MultiHeadAttention", argument, value)


def _as_axes(argument, value):
    """None, or an int or a list/tuple of ints as a tuple (a ValueError otherwise)."""
    if value is None:
        return None
    items = (value,) if isinstance(value, int) else value
    if (isinstance(value, bool) or not isinstance(items, (list, tuple))
            or not all(isinstance(i, int) and not isinstance(i, bool) for i in items)):
        raise ValueError(f"MultiHeadAttention: expected an int or a tuple of ints for argument "
                         f"'{argument}', received {argument}={value!r}")
    return tuple(items)


def _mask_array(mask):
    return None if mask is None else as_array(mask).astype(bool)


class MultiHeadAttention(Layer):
    """Multi-head attention: `num_heads` scaled dot-product attentions side by side.

    Call as `mha(query, value, key=None)`; `key` defaults to `value` (self-attention:
    `mha(x, x)`). query (batch, T, dim), value (batch, S, value_dim_in) and key
    (batch, S, key_dim_in) are projected to heads: query and key to (batch, T|S,
    num_heads, key_dim), value to (batch, S, num_heads, value_dim). Each head computes
    softmax(q k^T / sqrt(key_dim)) v; the heads are joined and projected to
    `output_shape` (default: the query's last dimension). Output: (batch, T, dim).
    Inputs with more axes, (batch, T1, T2, ..., dim), attend over all the middle axes.

    Masks (boolean, True = attend): query_mask (batch, T), value_mask and key_mask
    (batch, S), attention_mask (batch, T, S) (or (batch, num_heads, T, S)) and
    use_causal_mask=True (query position i sees key positions j <= i) are combined with
    AND; the Keras masks carried by query, value and key (e.g. from
    Embedding(mask_zero=True)) fill in the first three. A query position that may
    attend nowhere gets all-zero attention. With return_attention_scores=True the call
    returns (output, scores), scores (batch, num_heads, T, S) after the softmax and
    before dropout. Dropout (rate `dropout`) acts on the attention probabilities in
    training only.
    Weights, in this order: query kernel (dim, num_heads, key_dim) and bias (num_heads,
    key_dim), the same for key, value (value_dim), then the output kernel (num_heads,
    value_dim, dim) and bias (dim,), held by the sublayers query_dense, key_dense,
    value_dense and output_dense (named query, key, value and attention_output). Only
    attention_axes=None (or the axes it means) is supported.
    """

    supports_masking = True                       # the output keeps the query's mask

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True,
                 output_shape=None, attention_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 seed=None, **kwargs):
        super().__init__(**kwargs)
        self.num_heads = check_positive_int("MultiHeadAttention", "num_heads", num_heads)
        self.key_dim = check_positive_int("MultiHeadAttention", "key_dim", key_dim)
        self.value_dim = _positive_int_or_none("value_dim", value_dim) or self.key_dim
        check_rate(dropout, "MultiHeadAttention")
        self.dropout = dropout
        self.use_bias = bool(use_bias)
        self._output_shape = _as_axes("output_shape", output_shape)
        for size in self._output_shape or ():
            check_positive_int("MultiHeadAttention", "output_shape", size)
        self.attention_axes = _as_axes("attention_axes", attention_axes)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.sublayer_activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    # --- weights -----------------------------------------------------------------------------
    def _check_attention_axes(self, query_rank):
        """A ValueError unless attention_axes is None or names the axes None means."""
        default = tuple(range(1, query_rank - 1))
        if self.attention_axes is None:
            return
        # Keras counts these axes in the projected (batch, ..., heads, key_dim) query
        given = tuple(sorted(a if a >= 0 else query_rank + a for a in self.attention_axes))
        if given != default:
            raise ValueError(f"MultiHeadAttention: only attention over all the axes between the "
                             f"batch axis and the last one is supported: attention_axes=None "
                             f"(here {default}), received attention_axes={self.attention_axes}")

    def _projection(self, out_axes, name, contracted=1):
        """A HeadProjection with this layer's initializers (fresh copies), regularizers and
        constraints."""
        return HeadProjection(out_axes, contracted, use_bias=self.use_bias,
                              kernel_initializer=initializers.fresh_copy(self.kernel_initializer),
                              bias_initializer=initializers.fresh_copy(self.bias_initializer),
                              kernel_regularizer=self.kernel_regularizer,
                              bias_regularizer=self.bias_regularizer,
                              activity_regularizer=self.sublayer_activity_regularizer,
                              kernel_constraint=self.kernel_constraint,
                              bias_constraint=self.bias_constraint, name=name, dtype=self.dtype)

    def build(self, query_shape, value_shape=None, key_shape=None):
        """Create the four projections; those of value and key wait for the first call
        when `value_shape` is not given."""
        if any(isinstance(n, (list, tuple)) for n in query_shape):
            raise ValueError(f"MultiHeadAttention: call the layer as layer(query, value) or "
                             f"layer(query, value, key), not on a list of inputs; received "
                             f"shapes {list(query_shape)}")
        if len(query_shape) < 3:
            raise ValueError(f"MultiHeadAttention: expected a query of shape (batch, sequence, "
                             f"features) or more axes, received query shape {tuple(query_shape)}")
        self._check_attention_axes(len(query_shape))
        heads_by_key = (self.num_heads, self.key_dim)
        self.query_dense = self._projection(heads_by_key, "query")
        self.key_dense = self._projection(heads_by_key, "key")
        self.value_dense = self._projection((self.num_heads, self.value_dim), "value")
        self.output_dense = self._projection(self._output_shape or (query_shape[-1],),
                                              "attention_output", contracted=2)
        self.query_dense._ensure_built(tuple(query_shape))
        self.output_dense._ensure_built(tuple(query_shape[:-1]) + (self.num_heads, self.value_dim))
        self._build_shapes = {"query_shape": tuple(query_shape)}
        if value_shape is not None:
            self._build_value_and_key(value_shape, key_shape)
        self.built = True

    def _build_value_and_key(self, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        self.value_dense._ensure_built(tuple(value_shape))
        self.key_dense._ensure_built(tuple(key_shape))
        self._build_shapes.update(value_shape=tuple(value_shape), key_shape=tuple(key_shape))

    def get_build_config(self):
        """The input shapes the layer was built for, as Keras records them (None before
        the value and key shapes are known)."""
        if not self.built or "value_shape" not in self._build_shapes:
            return None
        return {"shapes_dict": {name: list(shape) for name, shape in self._build_shapes.items()}}

    def build_from_config(self, config):
        """Build from `get_build_config()`'s output (or an {'input_shape': query shape})."""
        if self.built:
            return
        shapes = config.get("shapes_dict") or {"query_shape": config["input_shape"]}
        self.build(**{name: tuple(shape) for name, shape in shapes.items()})

    # --- calling -----------------------------------------------------------------------------
    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        own_key = key is not None and key is not value
        key = value if key is None else key
        query_mask = getattr(query, "_keras_mask", None) if query_mask is None else query_mask
        value_mask = getattr(value, "_keras_mask", None) if value_mask is None else value_mask
        if key_mask is None and own_key:
            key_mask = getattr(key, "_keras_mask", None)
        value, key = self._as_tensors(value), self._as_tensors(key)
        self._check_shapes(query.shape, value.shape, key.shape)
        if not self.value_dense.built:
            self._build_value_and_key((None,) + value.shape[1:], (None,) + key.shape[1:])
        q = self.query_dense(query)                    # (batch, *T, heads, key_dim)
        k = self.key_dense(key)                        # (batch, *S, heads, key_dim)
        v = self.value_dense(value)                    # (batch, *S, heads, value_dim)
        mask = self._attention_mask(query.shape[0], query.shape[1:-1], value.shape[1:-1],
                                    query_mask, value_mask, key_mask, attention_mask,
                                    use_causal_mask)
        heads, scores = self._attend(q, k, v, mask, training)
        output = self.output_dense(heads)
        return (output, scores) if return_attention_scores else output

    def _check_shapes(self, query_shape, value_shape, key_shape):
        if (len(value_shape) != len(query_shape) or value_shape[0] != query_shape[0]
                or key_shape[:-1] != value_shape[:-1]):
            raise ValueError(f"MultiHeadAttention: expected query, value and key of the same rank "
                             f"and batch size, with value and key equal in all axes but the "
                             f"last; received query shape {query_shape}, value shape "
                             f"{value_shape} and key shape {key_shape}")

    def _attention_mask(self, batch, t_axes, s_axes, query_mask, value_mask, key_mask,
                        attention_mask, use_causal_mask):
        """The combined boolean mask, (batch or 1, 1 or heads, T, S) with T and S the
        flattened query and key positions, or None when nothing is masked."""
        t, s = math.prod(t_axes), math.prod(s_axes)
        masks = []
        for name, mask, full, shape in (
                ("query_mask", query_mask, (batch,) + t_axes, (batch, 1, t, 1)),
                ("value_mask", value_mask, (batch,) + s_axes, (batch, 1, 1, s)),
                ("key_mask", key_mask, (batch,) + s_axes, (batch, 1, 1, s))):
            mask = _mask_array(mask)
            if mask is not None:
                masks.append(self._reshape_mask(name, mask, full, shape))
        if use_causal_mask:
            masks.append(np.tri(t, s, dtype=bool)[None, None])     # j <= i
        attention_mask = _mask_array(attention_mask)
        if attention_mask is not None:
            with_heads = attention_mask.ndim > 1 + len(t_axes) + len(s_axes)
            heads = self.num_heads if with_heads else 1
            full = (batch,) + ((heads,) if with_heads else ()) + t_axes + s_axes
            masks.append(self._reshape_mask("attention_mask", attention_mask, full,
                                            (batch, heads, t, s)))
        return reduce(np.logical_and, masks) if masks else None

    def _reshape_mask(self, name, mask, full_shape, shape):
        """`mask` broadcast to `full_shape`, then reshaped to `shape` (a ValueError if it
        does not fit)."""
        try:
            return np.broadcast_to(mask, full_shape).reshape(shape)
        except ValueError:
            raise ValueError(f"MultiHeadAttention: {name} of shape {mask.shape} does not fit "
                             f"the inputs; expected a shape broadcastable to "
                             f"{full_shape}") from None

    def _attend(self, q, k, v, mask, training):
        """Scaled dot-product attention of the projected heads: the joined heads
        (batch, *T, heads, value_dim) and the probabilities (batch, heads, *T, *S)."""
        batch, t_axes, s_axes = q.shape[0], q.shape[1:-2], k.shape[1:-2]
        t, s = math.prod(t_axes), math.prod(s_axes)
        # flatten the attention axes and put the heads first: (batch, heads, positions, dim)
        q = m.transpose(m.reshape(q, (batch, t, self.num_heads, self.key_dim)), (0, 2, 1, 3))
        k = m.transpose(m.reshape(k, (batch, s, self.num_heads, self.key_dim)), (0, 2, 3, 1))
        v = m.transpose(m.reshape(v, (batch, s, self.num_heads, self.value_dim)), (0, 2, 1, 3))
        q = m.multiply(q, 1.0 / math.sqrt(self.key_dim))     # scale the query, as Keras does
        scores = m.matmul(q, k)                                 # (batch, heads, T, S)
        if mask is not None:
            # masked positions get a large negative logit (Keras' values): exp() of it is 0
            scores = m.where(mask, scores, -3e4 if scores.dtype == np.float16 else -1e9)
        probabilities = softmax(scores, axis=-1)
        if mask is not None:                                    # a fully masked row: zeros
            probabilities = m.where(mask, probabilities, 0.0)
        kept = probabilities
        if training and self.dropout > 0:
            kept = dropout(probabilities, self.dropout, rng=self._rng)
        heads = m.matmul(kept, v)                               # (batch, heads, T, value_dim)
        heads = m.reshape(m.transpose(heads, (0, 2, 1, 3)),
                          (batch,) + t_axes + (self.num_heads, self.value_dim))
        return heads, m.reshape(probabilities, (batch, self.num_heads) + t_axes + s_axes)

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        if value_shape is None:
            raise ValueError(f"MultiHeadAttention: the output shape needs the shapes of both "
                             f"query and value; received query_shape={tuple(query_shape)} and "
                             f"value_shape=None")
        return tuple(query_shape[:-1]) + (self._output_shape or (query_shape[-1],))

    def get_config(self):
        return {**super().get_config(), "num_heads": self.num_heads, "key_dim": self.key_dim,
                "value_dim": self.value_dim, "dropout": self.dropout, "use_bias": self.use_bias,
                "output_shape": self._output_shape, "attention_axes": self.attention_axes,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.sublayer_activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "seed": self.seed}

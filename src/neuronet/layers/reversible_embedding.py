"""ReversibleEmbedding: an Embedding that also maps vectors back to logits over its indices
(the output layer of a language model whose input and output embeddings are tied)."""
import numbers

from .. import backend
from ..ops import math as m
from ..ops.activations import tanh
from .embedding import Embedding


class ReversibleEmbedding(Embedding):
    """An Embedding that can be called in reverse: `layer(hidden, reverse=True)` maps
    (batch, ..., output_dim) to logits (batch, ..., input_dim), `hidden @ embeddings^T`.

    tie_weights: True (default) reverses with the transposed `embeddings`; False gives the
    reverse its own trainable weight `reverse_embeddings` (output_dim, input_dim), drawn by
    embeddings_initializer.
    reverse_dtype: the dtype of the reverse product (default: the layer's).
    logit_soft_cap: if set, the reverse logits are soft-capped to
    `tanh(logits / logit_soft_cap) * logit_soft_cap`.
    The forward call is Embedding's (with mask_zero, its output carries the mask
    `inputs != 0`); a reverse output carries no mask.
    """

    def __init__(self, input_dim, output_dim, tie_weights=True, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 reverse_dtype=None, logit_soft_cap=None, **kwargs):
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer,
                         embeddings_constraint=embeddings_constraint, mask_zero=mask_zero,
                         **kwargs)
        self.tie_weights = bool(tie_weights)
        if reverse_dtype is not None and not backend.is_float_dtype(reverse_dtype):
            raise ValueError(f"ReversibleEmbedding: expected None or a float dtype for argument "
                             f"'reverse_dtype', received reverse_dtype={reverse_dtype!r}")
        self.reverse_dtype = None if reverse_dtype is None else backend.standardize_dtype(
            reverse_dtype)
        if logit_soft_cap is not None and (isinstance(logit_soft_cap, bool) or not isinstance(
                logit_soft_cap, numbers.Real) or not logit_soft_cap > 0):
            raise ValueError(f"ReversibleEmbedding: expected None or a positive number for "
                             f"argument 'logit_soft_cap', received "
                             f"logit_soft_cap={logit_soft_cap!r}")
        self.logit_soft_cap = logit_soft_cap

    def build(self, input_shape=None):
        initial, self._initial_weights = self._initial_weights, None
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight((self.output_dim, self.input_dim),
                                                      self.embeddings_initializer,
                                                      name="reverse_embeddings")
        if initial is not None:                          # every weight exists now
            self.set_weights(initial)

    def call(self, inputs, reverse=False):
        if not reverse:
            outputs = super().call(inputs)
            mask = super().compute_mask(inputs)
            if mask is not None:
                outputs._keras_mask = mask
            return outputs
        kernel = m.transpose(self.embeddings) if self.tie_weights else self.reverse_embeddings
        if self.reverse_dtype is not None:
            inputs, kernel = m.cast(inputs, self.reverse_dtype), m.cast(kernel, self.reverse_dtype)
        logits = m.matmul(inputs, kernel)                # (batch, ..., input_dim)
        if self.logit_soft_cap is not None:
            cap = self.logit_soft_cap
            logits = m.multiply(tanh(m.divide(logits, cap)), cap)
        return logits

    def compute_mask(self, inputs, mask=None):
        """None: the forward call attaches its mask itself (a reverse call has none)."""
        return None

    def compute_output_shape(self, input_shape, reverse=False):
        if reverse:
            return tuple(input_shape[:-1]) + (self.input_dim,)
        return super().compute_output_shape(input_shape)

    def _symbolic_outputs(self, args, kwargs):
        # from dry runs of the call: compute_output_shape and compute_mask do not see `reverse`
        return self._dry_run(args, kwargs)

    def get_config(self):
        return {**super().get_config(), "tie_weights": self.tie_weights,
                "reverse_dtype": self.reverse_dtype, "logit_soft_cap": self.logit_soft_cap}

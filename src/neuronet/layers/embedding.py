"""Embedding: turns integer indices into dense vectors, rows of a trainable table."""
import warnings

from .. import initializers, regularizers
from ..autograd.tensor import as_array
from ..ops.embedding import check_indices, embedding
from .base import Layer, check_positive_int


class Embedding(Layer):
    """Maps each index in [0, input_dim) to a row of `embeddings` (input_dim, output_dim).

    Input shape: (batch, ...) integers. Output shape: (batch, ..., output_dim).
    mask_zero: index 0 is padding; the output carries the mask `inputs != 0` for the
    layers after it (then input_dim should count the padding index).
    input_length: accepted for Keras 2 code, with a warning, and ignored.
    weights: an optional list [embeddings] to start from.
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 weights=None, input_length=None, **kwargs):
        super().__init__(**kwargs)
        self.input_dim = check_positive_int("Embedding", "input_dim", input_dim)
        self.output_dim = check_positive_int("Embedding", "output_dim", output_dim)
        if input_length is not None:
            warnings.warn("Embedding: argument 'input_length' is deprecated and ignored; "
                          "remove it", stacklevel=2)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = embeddings_constraint
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self._initial_weights = weights

    def build(self, input_shape):
        self.embeddings = self.add_weight((self.input_dim, self.output_dim),
                                          self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint, name="embeddings")
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def call(self, inputs):
        indices = check_indices(inputs, self.input_dim, f"Embedding layer '{self.name}'")
        return embedding(indices, self.embeddings)

    def compute_mask(self, inputs, mask=None):
        """`inputs != 0` with mask_zero=True, else None."""
        if not self.mask_zero:
            return None
        return as_array(inputs) != 0

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim,
                "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "embeddings_constraint": None, "mask_zero": self.mask_zero}

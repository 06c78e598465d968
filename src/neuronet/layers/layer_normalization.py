"""LayerNormalization: normalises each sample over its features (Ba et al., 2016)."""
from .base_normalization import AffineNormalization, check_axis, resolve_axes, standardize
from .input_spec import InputSpec


class LayerNormalization(AffineNormalization):
    """Layer normalization, Keras semantics: for each sample independently,

        out = gamma * (x - mean) / sqrt(var + epsilon) + beta,

    mean and the biased variance taken over the axes `axis` (the features), gamma and beta
    holding one value per feature (shape: the sizes of `axis`). Unlike BatchNormalization
    it uses no batch statistics, so training and inference compute the same.
    axis: an int or a list of ints. center / scale: whether to add beta / multiply by gamma.
    Keras' deprecated `rms_scaling` is accepted as False only (files saved by Keras hold it).
    Input shape: any. Output shape: the input's. Weights, in order: gamma, beta.
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        if kwargs.pop("rms_scaling", False):
            raise ValueError("LayerNormalization: rms_scaling=True (deprecated in Keras) is not "
                             "supported; use rms_scaling=False")
        super().__init__(epsilon, center, scale, beta_initializer, gamma_initializer,
                         beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint,
                         **kwargs)
        self.axis = check_axis("LayerNormalization", axis)

    def build(self, input_shape):
        axes = resolve_axes(self, self.axis, len(input_shape))
        shape = tuple(input_shape[a] for a in axes)
        if None in shape:
            raise ValueError(f"LayerNormalization layer '{self.name}': the size of axis "
                             f"{self.axis} must be known, received input shape {input_shape}")
        self.add_scale_and_offset(shape)
        self.input_spec = InputSpec(axes={a - len(input_shape): input_shape[a] for a in axes})

    def call(self, inputs):
        axes = resolve_axes(self, self.axis, inputs.ndim)
        normalized = standardize(inputs, axes, self.epsilon)
        broadcast = tuple(n if a in axes else 1 for a, n in enumerate(inputs.shape))
        return self.scale_and_offset(normalized, broadcast)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}

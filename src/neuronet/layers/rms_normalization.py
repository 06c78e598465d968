"""RMSNormalization: divides each sample's features by their root mean square (Zhang and
Sennrich, 2019)."""
import numbers

from ..ops.nn_functions import rms_normalization
from .base import Layer
from .base_normalization import check_axis, resolve_axes
from .input_spec import InputSpec


class RMSNormalization(Layer):
    """Root mean square normalization, Keras semantics: for each sample independently,

        out = x / sqrt(mean(x ** 2) + epsilon) * scale,

    the mean taken over the axes `axis` (the features), `scale` holding one learned value per
    feature (initialized to ones). Unlike LayerNormalization it does not subtract the mean
    and adds no offset.
    axis: an int or a list of ints. epsilon: added to the mean square (Keras' default 1e-6).
    Input shape: any. Output shape: the input's. Weights: scale (the sizes of `axis`).
    """

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = check_axis("RMSNormalization", axis)
        if isinstance(epsilon, bool) or not isinstance(epsilon, numbers.Real) or epsilon < 0:
            raise ValueError(f"RMSNormalization: expected a float >= 0 for argument 'epsilon', "
                             f"received epsilon={epsilon!r}")
        self.epsilon = float(epsilon)

    def build(self, input_shape):
        axes = resolve_axes(self, self.axis, len(input_shape))
        shape = tuple(input_shape[a] for a in axes)
        if None in shape:
            raise ValueError(f"RMSNormalization layer '{self.name}': the size of axis "
                             f"{self.axis} must be known, received input shape "
                             f"{tuple(input_shape)}")
        self.scale = self.add_weight(shape, "ones", name="scale")
        self.input_spec = InputSpec(axes={a - len(input_shape): input_shape[a] for a in axes})

    def call(self, inputs):
        axes = resolve_axes(self, self.axis, inputs.ndim)
        return rms_normalization(inputs, self.scale, axes, self.epsilon)

    def compute_output_shape(self, input_shape):
        resolve_axes(self, self.axis, len(input_shape))     # an axis out of range fails here
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}

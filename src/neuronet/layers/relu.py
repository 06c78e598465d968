"""ReLU: the rectified linear unit, with an optional cap, leak and threshold."""
from .. import activations
from .base import Layer


class ReLU(Layer):
    """Rectified linear unit.

    f(x) = max_value              if x >= max_value
         = x                      if threshold <= x < max_value
         = negative_slope * (x - threshold)   otherwise

    Input shape: any. Output shape: same as the input.
    """

    supports_masking = True                       # the mask passes through

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0:
            raise ValueError(f"ReLU: argument 'max_value' cannot be negative, "
                             f"received max_value={max_value!r}")
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"ReLU: expected a float >= 0 for argument 'negative_slope', "
                             f"received negative_slope={negative_slope!r}")
        if threshold is None:
            raise ValueError("ReLU: expected a float for argument 'threshold', received None")
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope,
                                max_value=self.max_value, threshold=self.threshold)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}

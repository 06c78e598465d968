"""ActivityRegularization: adds a penalty on its inputs to the training loss."""
from .. import regularizers
from .base import Layer


class ActivityRegularization(Layer):
    """Returns its inputs unchanged and, at each call, adds the penalty
    (l1 * sum(|x|) + l2 * sum(x^2)) / batch_size to the layer's `losses`, and so to the
    loss that `fit` minimises (the base Layer's `activity_regularizer`).
    Input shape: any. Output shape: the input's. The mask, if any, passes through.
    """

    supports_masking = True

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        try:
            penalty = regularizers.L1L2(l1=l1, l2=l2)
        except ValueError as error:
            raise ValueError(f"ActivityRegularization: {error}") from error
        super().__init__(activity_regularizer=penalty, **kwargs)
        self.l1, self.l2 = penalty.l1, penalty.l2

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {**super().get_config(), "l1": self.l1, "l2": self.l2}
        del config["activity_regularizer"]                  # made from l1 and l2
        return config

"""SpatialDropout2D: during training, drops whole feature maps (channels) at random."""
from ..ops.dropout import dropout
from ..backend import standardize_data_format
from .dropout import Dropout
from .input_spec import InputSpec


class SpatialDropout2D(Dropout):
    """Sets whole channels of each sample to 0 with probability `rate` during training, and
    scales the kept ones by 1 / (1 - rate). Neighbouring pixels of a feature map are strongly
    correlated, so dropping single pixels regularises little; dropping maps does.

    Input shape: (batch, height, width, channels) (or channels first). Output shape: the same.
    """

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = standardize_data_format(data_format, "SpatialDropout2D")
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        shape = inputs.shape                            # one draw per sample and channel
        noise_shape = ((shape[0], 1, 1, shape[3]) if self.data_format == "channels_last"
                       else (shape[0], shape[1], 1, 1))
        return dropout(inputs, self.rate, noise_shape, rng=self._rng)

    def get_config(self):
        config = {**super().get_config(), "data_format": self.data_format}
        del config["noise_shape"]
        del config["trainable"]                    # Keras' SpatialDropout2D takes no 'trainable'
        return config

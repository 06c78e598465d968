"""SpatialDropout1D: during training, drops whole features (channels) of sequences at random."""
from ..ops.dropout import check_rate
from .dropout import Dropout
from .input_spec import InputSpec


class SpatialDropout1D(Dropout):
    """Sets whole channels of each sample to 0, at every time step, with probability
    `rate` during training, and scales the kept ones by 1 / (1 - rate): neighbouring steps
    are strongly correlated, so dropping single values regularises little.
    Input shape: (batch, steps, channels). Output shape: the same.
    """

    def __init__(self, rate, seed=None, **kwargs):
        check_rate(rate, "SpatialDropout1D")
        super().__init__(rate, noise_shape=(None, 1, None), seed=seed, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def get_config(self):
        config = super().get_config()
        del config["noise_shape"]                            # always (batch, 1, channels)
        del config["trainable"]                    # Keras' SpatialDropout1D takes no 'trainable'
        return config

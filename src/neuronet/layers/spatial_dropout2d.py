"""SpatialDropout2D: during training, drops whole feature maps (channels) at random."""
from ..backend import standardize_data_format
from ..ops.dropout import check_rate, dropout
from .conv_utils import join_shape, split_shape
from .dropout import Dropout
from .input_spec import InputSpec


class SpatialDropout2D(Dropout):
    """Sets whole channels of each sample to 0 with probability `rate` during training, and
    scales the kept ones by 1 / (1 - rate). Neighbouring pixels of a feature map are strongly
    correlated, so dropping single pixels regularises little; dropping maps does.

    Input shape: (batch, height, width, channels) (or channels first). Output shape: the same.
    SpatialDropout3D runs the same code on volumes (`rank` spatial axes).
    """

    rank = 2

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        caller = type(self).__name__
        check_rate(rate, caller)
        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = standardize_data_format(data_format, caller)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        batch, _, channels = split_shape(inputs.shape, self.data_format)
        noise_shape = join_shape(batch, (1,) * self.rank, channels,   # one draw per sample and
                                 self.data_format)                    # channel
        return dropout(inputs, self.rate, noise_shape, rng=self._rng)

    def get_config(self):
        config = {**super().get_config(), "data_format": self.data_format}
        del config["noise_shape"]
        del config["trainable"]           # Keras' spatial dropouts take no 'trainable'
        return config

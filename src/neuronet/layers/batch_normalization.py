"""BatchNormalization: normalises each feature with batch statistics (training) or moving ones."""
import numbers

from .. import initializers
from ..autograd.tensor import as_array
from ..ops.normalization import batch_norm_train, batch_normalization
from .base_normalization import AffineNormalization
from .input_spec import InputSpec


class BatchNormalization(AffineNormalization):
    """Batch normalization layer (Ioffe and Szegedy, 2015), Keras semantics.

    In training (`training=True` and the layer trainable) it returns
    gamma * (x - mean(x)) / sqrt(var(x) + epsilon) + beta, the mean and the biased variance
    taken over every axis except `axis`, and updates
    moving_mean = moving_mean * momentum + mean * (1 - momentum) (the same for the variance).
    Otherwise it uses moving_mean and moving_variance instead of the batch statistics.
    axis: the feature axis (or axes), -1 for channels-last, 1 after a channels-first Conv2D.
    center / scale: whether to add beta / multiply by gamma.
    A mask (one dimension less than the inputs, e.g. from Embedding(mask_zero=True)) leaves
    the masked positions out of the batch statistics (Keras 3) and passes on unchanged.
    Input shape: any. Output shape: the input's. Weights, in order: gamma, beta (trainable),
    moving_mean, moving_variance (non-trainable), each with one value per feature.
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, synchronized=False, **kwargs):
        super().__init__(epsilon, center, scale, beta_initializer, gamma_initializer,
                         beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint,
                         **kwargs)
        axes = [axis] if isinstance(axis, numbers.Integral) else list(axis)
        if not axes or not all(isinstance(a, numbers.Integral) for a in axes):
            raise ValueError(f"BatchNormalization: expected an int (or a list of ints) for "
                             f"argument 'axis', received axis={axis!r}")
        self.axis = int(axis) if isinstance(axis, numbers.Integral) else [int(a) for a in axes]
        self.momentum = float(momentum)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.synchronized = synchronized                # one device: nothing to synchronize

    def _axes(self, ndim):
        axes = [self.axis] if isinstance(self.axis, int) else self.axis
        if any(not -ndim <= a < ndim for a in axes):
            raise ValueError(f"BatchNormalization layer '{self.name}': axis {self.axis} is out of "
                             f"range for an input of rank {ndim}")
        return tuple(sorted(a % ndim for a in axes))

    def build(self, input_shape):
        axes = self._axes(len(input_shape))
        shape = tuple(input_shape[a] for a in axes)
        if None in shape:
            raise ValueError(f"BatchNormalization layer '{self.name}': the size of axis "
                             f"{self.axis} must be known, received input shape {input_shape}")
        self.add_scale_and_offset(shape)
        self.moving_mean = self.add_weight(shape, self.moving_mean_initializer,
                                           trainable=False, name="moving_mean")
        self.moving_variance = self.add_weight(shape, self.moving_variance_initializer,
                                               trainable=False, name="moving_variance")
        given = [self.axis] if isinstance(self.axis, int) else self.axis
        self.input_spec = InputSpec(ndim=len(input_shape),
                                    axes={a: input_shape[a] for a in given})

    def call(self, inputs, training=False, mask=None):
        axes = self._axes(inputs.ndim)
        if training and self.trainable:
            weights = None
            if mask is not None:                           # masked steps leave the statistics
                mask = as_array(mask)
                if mask.ndim != inputs.ndim - 1:
                    raise ValueError(f"BatchNormalization layer '{self.name}': expected a mask "
                                     "with one dimension less than the inputs, received "
                                     f"mask.shape={mask.shape}, inputs.shape={inputs.shape}")
                weights = mask[..., None]
            outputs, mean, variance = batch_norm_train(inputs, axes, self.beta, self.gamma,
                                                       self.epsilon, weights)
            keep = self.momentum
            self.moving_mean.assign(self.moving_mean.data * keep + mean * (1 - keep))
            self.moving_variance.assign(self.moving_variance.data * keep + variance * (1 - keep))
            return outputs
        return batch_normalization(inputs, self.moving_mean, self.moving_variance, axes,
                                   self.beta, self.gamma, self.epsilon)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum,
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer":
                    initializers.serialize(self.moving_variance_initializer),
                "synchronized": self.synchronized}

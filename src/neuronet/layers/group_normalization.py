"""GroupNormalization: normalises each sample over groups of channels (Wu and He, 2018)."""
import numbers

from ..ops import math as m
from .base_normalization import AffineNormalization, check_axis, resolve_axes, standardize
from .input_spec import InputSpec


class GroupNormalization(AffineNormalization):
    """Group normalization, Keras semantics: the channels (axis `axis`) are split into
    `groups` groups of consecutive channels; for each sample and group,

        out = gamma * (x - mean) / sqrt(var + epsilon) + beta,

    mean and the biased variance taken over the group's channels and every other non-batch
    axis; gamma and beta hold one value per channel. groups=1 normalises each sample as a
    whole (close to LayerNormalization); groups=-1 gives one group per channel (instance
    normalization). The number of channels must be divisible by `groups`.
    Input shape: (batch, ..., channels) (or the channels at `axis`). Output shape: the
    input's. Weights, in order: gamma, beta, each of shape (channels,).
    """

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(epsilon, center, scale, beta_initializer, gamma_initializer,
                         beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint,
                         **kwargs)
        if (isinstance(groups, bool) or not isinstance(groups, numbers.Integral)
                or not (groups > 0 or groups == -1)):
            raise ValueError(f"GroupNormalization: expected a positive int (or -1, one group "
                             f"per channel) for argument 'groups', received groups={groups!r}")
        self.groups = int(groups)
        self.axis = check_axis("GroupNormalization", axis, allow_list=False)

    def _channel_axis(self, ndim):
        (axis,) = resolve_axes(self, self.axis, ndim)
        if axis == 0:
            raise ValueError(f"GroupNormalization layer '{self.name}': axis {self.axis} is the "
                             "batch axis; expected the channel axis")
        return axis

    def _group_count(self, channels):
        """The number of groups for `channels` channels (checked: it must divide them)."""
        groups = channels if self.groups == -1 else self.groups
        if channels % groups:
            raise ValueError(f"GroupNormalization layer '{self.name}': expected 'groups' to "
                             f"divide the number of channels ({channels}, axis {self.axis}), "
                             f"received groups={self.groups}")
        return groups

    def build(self, input_shape):
        axis = self._channel_axis(len(input_shape))
        channels = input_shape[axis]
        if channels is None:
            raise ValueError(f"GroupNormalization layer '{self.name}': the size of axis "
                             f"{self.axis} must be known, received input shape {input_shape}")
        self._group_count(channels)
        self.add_scale_and_offset((channels,))
        self.input_spec = InputSpec(ndim=len(input_shape), axes={axis: channels})

    def call(self, inputs):
        shape = inputs.shape
        axis = self._channel_axis(inputs.ndim)
        groups = self._group_count(shape[axis])
        # (batch, ..., channels, ...) -> (batch, ..., groups, channels per group, ...)
        grouped = m.reshape(inputs, shape[:axis] + (groups, shape[axis] // groups)
                            + shape[axis + 1:])
        reduced = tuple(a for a in range(1, grouped.ndim) if a != axis)  # all but batch, group
        normalized = m.reshape(standardize(grouped, reduced, self.epsilon), shape)
        broadcast = tuple(n if a == axis else 1 for a, n in enumerate(shape))
        return self.scale_and_offset(normalized, broadcast)

    def get_config(self):
        return {**super().get_config(), "groups": self.groups, "axis": self.axis}

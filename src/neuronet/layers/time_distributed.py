"""TimeDistributed: applies a layer to every time step of a sequence."""
from ..ops import math as m
from .base import _accepts
from .input_spec import InputSpec
from .wrapper import Wrapper


class TimeDistributed(Wrapper):
    """Applies `layer` to every temporal slice of the input, with the same weights.

    The time axis is folded into the batch: (batch, time, ...) becomes (batch * time, ...)
    for the wrapped layer, and its output is unfolded back to (batch, time, ...).
    Input shape: (batch, time, ...). Output shape: (batch, time) + the layer's output
    shape without its batch axis. A mask on the input passes through.
    """

    supports_masking = True

    def __init__(self, layer, **kwargs):
        super().__init__(layer, **kwargs)
        self.input_spec = InputSpec(min_ndim=3)

    @staticmethod
    def _step_shape(input_shape):
        return (input_shape[0],) + tuple(input_shape[2:])

    def build(self, input_shape):
        self.layer._ensure_built(self._step_shape(input_shape))

    def call(self, inputs, training=None, mask=None):
        batch, time = inputs.shape[:2]
        kwargs = {"training": training}
        if mask is not None and _accepts(type(self.layer).call, "mask"):
            kwargs["mask"] = mask.reshape((batch * time,) + mask.shape[2:])
        steps = m.reshape(inputs, (batch * time,) + inputs.shape[2:])
        outputs = self.layer(steps, **kwargs)
        return m.reshape(outputs, (batch, time) + outputs.shape[1:])

    def compute_output_shape(self, input_shape):
        step = self.layer.compute_output_shape(self._step_shape(input_shape))
        return (input_shape[0], input_shape[1]) + tuple(step[1:])

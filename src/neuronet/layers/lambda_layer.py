"""Lambda: wraps a function of tensors as a layer."""
import inspect

from .base import Layer


def _takes_training(function):
    try:
        return "training" in inspect.signature(function).parameters
    except (TypeError, ValueError):                  # some builtins have no signature
        return False


class Lambda(Layer):
    """Applies `function(inputs, **arguments)`; the function must be built from neuronet
    ops (Tensor arithmetic, `neuronet.ops`) for gradients to flow through it.

    output_shape: None (inferred by a dry run), a tuple (the shape without the batch axis)
    or a function of the full input shape returning the full output shape.
    mask: accepted for Keras compatibility; only None is supported.
    arguments: keyword arguments passed to `function`. A function with a `training`
    parameter receives the call's `training` flag.
    The config holds the function object itself: it round-trips in memory only.
    Input shape: any. Output shape: that of `function`'s result.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda: expected a callable for argument 'function', "
                            f"received {function!r}")
        if not (output_shape is None or callable(output_shape)
                or isinstance(output_shape, (tuple, list))):
            raise TypeError(f"Lambda: expected None, a tuple or a function for argument "
                            f"'output_shape', received {output_shape!r}")
        if mask is not None:
            raise NotImplementedError("Lambda: masking is not supported; pass mask=None")
        self.function = function
        self._output_shape = tuple(output_shape) if isinstance(output_shape, list) else output_shape
        self.arguments = dict(arguments or {})
        self._passes_training = _takes_training(function)

    def call(self, inputs, training=None):
        if self._passes_training:
            return self.function(inputs, training=training, **self.arguments)
        return self.function(inputs, **self.arguments)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch = input_shape[0][0] if isinstance(input_shape, list) else input_shape[0]
        return (batch,) + self._output_shape

    def get_config(self):
        return {**super().get_config(), "function": self.function,
                "output_shape": self._output_shape, "arguments": self.arguments}

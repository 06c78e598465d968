"""Lambda: wraps a function of tensors as a layer."""
import numpy as np

from .base import Layer, signature_parameters


class Lambda(Layer):
    """Applies `function(inputs, **arguments)`; the function must be built from neuronet
    ops (Tensor arithmetic, `neuronet.ops`) for gradients to flow through it.

    output_shape: None (inferred by a dry run), a tuple (the shape without the batch axis)
    or a function of the full input shape returning the full output shape.
    mask: the mask of the output, as in Keras: None (no mask), a function
    `mask(inputs, previous_mask)` or a fixed array.
    arguments: keyword arguments passed to `function`. A function with a `training`
    parameter receives the call's `training` flag, one with a `mask` parameter the mask of
    the inputs.
    The config holds the function objects themselves. In a saved file a function defined
    with `def` is stored by name (give it to the loading function in `custom_objects`, or
    register it), an anonymous lambda as bytecode, which loads only with `safe_mode=False`
    or after `keras.config.enable_unsafe_deserialization()`, as in Keras 3.
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
        self.function = function
        self.mask = mask
        self.supports_masking = mask is not None
        self._output_shape = tuple(output_shape) if isinstance(output_shape, list) else output_shape
        self.arguments = dict(arguments or {})
        parameters = signature_parameters(function)
        self._passes = [name for name in ("training", "mask") if name in parameters]

    def call(self, inputs, mask=None, training=None):
        given = {"training": training, "mask": mask}
        passed = {name: given[name] for name in self._passes}
        return self.function(inputs, **self.arguments, **passed)

    def compute_mask(self, inputs, mask=None):
        return self.mask(inputs, mask) if callable(self.mask) else self.mask

    def _dry_run_arguments(self, probe):
        """A function that reads the mask sees one (all True) when the output shape is
        inferred, as a mask-carrying symbolic input would give it."""
        if "mask" in self._passes and not isinstance(probe, list):
            return {"mask": np.ones(probe.shape[:-1], bool)}
        return {}

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch = input_shape[0][0] if isinstance(input_shape, list) else input_shape[0]
        return (batch,) + self._output_shape

    def get_config(self):
        return {**super().get_config(), "function": self.function,
                "output_shape": self._output_shape, "mask": self.mask,
                "arguments": self.arguments}

"""KernelLayer: what Dense and the convolutions share, `activation(f(inputs, kernel) + bias)`."""
from .. import activations, constraints, initializers, regularizers
from .base import Layer


class KernelLayer(Layer):
    """Base of the layers with a kernel and an optional bias: the activation, use_bias and
    the initializers, regularizers and constraints of both weights (Keras' arguments)."""

    def __init__(self, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def add_kernel_and_bias(self, kernel_shape, bias_shape, fans=None):
        """Create `self.kernel` and, with use_bias, `self.bias` (else None); for `build`.
        fans: (fan_in, fan_out) for the kernel initializer, when the kernel's shape does
        not tell them (see `initializers.with_fans`)."""
        initializer = (self.kernel_initializer if fans is None
                       else initializers.with_fans(self.kernel_initializer, *fans))
        self.kernel = self.add_weight(kernel_shape, initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(bias_shape, self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, name="bias")

    def kernel_bias_config(self):
        """The config entries of the arguments above; for `get_config`."""
        return {"activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}

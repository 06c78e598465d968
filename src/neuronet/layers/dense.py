"""Dense: the fully connected layer, `activation(inputs @ kernel + bias)`."""
from ..ops.activations import relu, relu_in_place
from ..ops.nn import linear
from .base import check_positive_int
from .input_spec import InputSpec
from .kernel_layer import KernelLayer


class Dense(KernelLayer):
    """Fully connected layer.

    Input shape: (batch, ..., input_dim). Output shape: (batch, ..., units).
    Weights: kernel (input_dim, units), bias (units,).
    """

    supports_masking = True                       # the mask passes through

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activation, use_bias, kernel_initializer, bias_initializer,
                         kernel_regularizer, bias_regularizer, activity_regularizer,
                         kernel_constraint, bias_constraint, **kwargs)
        self.units = check_positive_int("Dense", "units", units)
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.add_kernel_and_bias((input_dim, self.units), (self.units,))
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})

    def call(self, inputs):
        outputs = linear(inputs, self.kernel, self.bias)
        if self.activation is relu:                      # the op's own fresh output: no copy
            return relu_in_place(outputs)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {**super().get_config(), "units": self.units, **self.kernel_bias_config()}

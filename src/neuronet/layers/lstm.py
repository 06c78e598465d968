"""LSTM: the long short-term memory layer (Hochreiter and Schmidhuber, 1997)."""
import numpy as np

from ..ops.recurrent import lstm
from .rnn_base import GatedRecurrentLayer


class LSTM(GatedRecurrentLayer):
    """Long short-term memory over a sequence; gates in Keras' order i, f, c, o:

        [i, f, g, o] = x_t @ kernel + h_{t-1} @ recurrent_kernel + bias
        i, f, o = recurrent_activation(.),  g = activation(.)
        c_t = f c_{t-1} + i g,  h_t = o activation(c_t)

    Input shape: (batch, time, features). Output shape: (batch, time, units) with
    return_sequences=True, else (batch, units); return_state=True adds the final h and c.
    Weights: kernel (features, 4 units), recurrent_kernel (units, 4 units), bias (4 units,).
    unit_forget_bias: start the forget gate's bias at 1 (the other gates' from
    bias_initializer). Call with initial_state=[h0, c0] to start from given states.
    stateful=True is not supported; unroll is accepted and ignored.
    """

    gates = 4
    state_count = 2

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False,
                 use_cudnn="auto", **kwargs):
        super().__init__(
            units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
            seed=seed, return_sequences=return_sequences, return_state=return_state,
            go_backwards=go_backwards, stateful=stateful, unroll=unroll, use_cudnn=use_cudnn,
            **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)

    def bias_initial_value(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        units, initializer = self.units, self.bias_initializer

        def forget_gate_at_one(shape, dtype=None):     # i, c, o from bias_initializer; f = 1
            return np.concatenate([initializer((units,), dtype), np.ones(units, dtype),
                                   initializer((2 * units,), dtype)])
        return forget_gate_at_one

    def _run(self, sequences, options):
        return lstm(sequences, self.kernel, self.recurrent_kernel, self.bias,
                    activation=self._activation_name,
                    recurrent_activation=self._recurrent_activation_name, **options)

    def get_config(self):
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}

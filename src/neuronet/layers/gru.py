"""GRU: the gated recurrent unit layer (Cho et al., 2014)."""
from ..ops.recurrent import gru
from .rnn_base import GatedRecurrentLayer


class GRU(GatedRecurrentLayer):
    """Gated recurrent unit over a sequence; gates in Keras' order z, r, h:

        z, r = recurrent_activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)[z, r]
        reset_after=True:  hh = activation(x_t @ k_h + b_h + r (h_{t-1} @ u_h + b'_h))
        reset_after=False: hh = activation(x_t @ k_h + b_h + (r h_{t-1}) @ u_h)
        h_t = z h_{t-1} + (1 - z) hh

    Input shape: (batch, time, features). Output shape: (batch, time, units) with
    return_sequences=True, else (batch, units); return_state=True adds the final state.
    Weights: kernel (features, 3 units), recurrent_kernel (units, 3 units), bias (2, 3 units)
    (the input bias, then the recurrent bias) with reset_after=True, else (3 units,).
    stateful=True is not supported; unroll is accepted and ignored.
    """

    gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, reset_after=True,
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
        self.reset_after = bool(reset_after)

    def bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _run(self, sequences, options):
        return gru(sequences, self.kernel, self.recurrent_kernel, self.bias,
                   activation=self._activation_name,
                   recurrent_activation=self._recurrent_activation_name,
                   reset_after=self.reset_after, **options)

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after}

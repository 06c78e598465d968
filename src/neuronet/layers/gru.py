"""GRU: the gated recurrent unit layer (Cho et al., 2014)."""
from .rnn_base import GatedRecurrentLayer
from .rnn_cells import GRUCell


class GRU(GatedRecurrentLayer):
    """Gated recurrent unit over a sequence (RNN(GRUCell(...)) as one op); gates in Keras'
    order z, r, h:

        z, r = recurrent_activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)[z, r]
        reset_after=True:  hh = activation(x_t @ k_h + b_h + r (h_{t-1} @ u_h + b'_h))
        reset_after=False: hh = activation(x_t @ k_h + b_h + (r h_{t-1}) @ u_h)
        h_t = z h_{t-1} + (1 - z) hh

    Input shape: (batch, time, features). Output shape: (batch, time, units) with
    return_sequences=True, else (batch, units); return_state=True adds the final state.
    Weights: kernel (features, 3 units), recurrent_kernel (units, 3 units), bias (2, 3 units)
    (the input bias, then the recurrent bias) with reset_after=True, else (3 units,).
    stateful: see keras.layers.RNN; unroll is accepted and ignored.
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, reset_after=True,
                 use_cudnn="auto", **kwargs):
        cell = GRUCell(
            units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, reset_after=reset_after,
            seed=seed, implementation=kwargs.pop("implementation", 2),
            **self.cell_options(kwargs, "gru_cell"))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         use_cudnn=use_cudnn, activity_regularizer=activity_regularizer, **kwargs)

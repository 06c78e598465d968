"""SimpleRNN: a fully connected recurrent layer whose output is fed back as its state."""
from .rnn_base import RecurrentLayer
from .rnn_cells import SimpleRNNCell


class SimpleRNN(RecurrentLayer):
    """h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias), over a sequence
    (RNN(SimpleRNNCell(...)) as one op).

    Input shape: (batch, time, features). Output shape: (batch, time, units) with
    return_sequences=True, else (batch, units); return_state=True adds the final state.
    Weights: kernel (features, units), recurrent_kernel (units, units), bias (units,).
    activation: one of 'tanh', 'sigmoid', 'relu', 'hard_sigmoid', 'linear' (or None).
    dropout / recurrent_dropout: fractions of the inputs / of the state dropped in
    training, with one mask per sequence. stateful: see keras.layers.RNN; unroll is ignored.
    """

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False, seed=None,
                 **kwargs):
        cell = SimpleRNNCell(
            units, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
            seed=seed, **self.cell_options(kwargs, "simple_rnn_cell"))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)

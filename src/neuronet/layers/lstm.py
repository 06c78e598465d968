"""LSTM: the long short-term memory layer (Hochreiter and Schmidhuber, 1997)."""
from .rnn_base import GatedRecurrentLayer
from .rnn_cells import LSTMCell


class LSTM(GatedRecurrentLayer):
    """Long short-term memory over a sequence (RNN(LSTMCell(...)) as one op); gates in
    Keras' order i, f, c, o:

        [i, f, g, o] = x_t @ kernel + h_{t-1} @ recurrent_kernel + bias
        i, f, o = recurrent_activation(.),  g = activation(.)
        c_t = f c_{t-1} + i g,  h_t = o activation(c_t)

    Input shape: (batch, time, features). Output shape: (batch, time, units) with
    return_sequences=True, else (batch, units); return_state=True adds the final h and c.
    Weights: kernel (features, 4 units), recurrent_kernel (units, 4 units), bias (4 units,).
    unit_forget_bias: start the forget gate's bias at 1 (the other gates' from
    bias_initializer). Call with initial_state=[h0, c0] to start from given states.
    stateful: see keras.layers.RNN; unroll is accepted and ignored.
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False,
                 use_cudnn="auto", **kwargs):
        cell = LSTMCell(
            units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
            seed=seed, implementation=kwargs.pop("implementation", 2),
            **self.cell_options(kwargs, "lstm_cell"))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         use_cudnn=use_cudnn, activity_regularizer=activity_regularizer, **kwargs)

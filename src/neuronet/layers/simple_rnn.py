"""SimpleRNN: a fully connected recurrent layer whose output is fed back as its state."""
from ..ops.recurrent import simple_rnn
from .rnn_base import RecurrentLayer


class SimpleRNN(RecurrentLayer):
    """h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias).

    Input shape: (batch, time, features). Output shape: (batch, time, units) with
    return_sequences=True, else (batch, units); return_state=True adds the final state.
    Weights: kernel (features, units), recurrent_kernel (units, units), bias (units,).
    activation: one of 'tanh', 'sigmoid', 'relu', 'hard_sigmoid', 'linear' (or None).
    dropout / recurrent_dropout: fractions of the inputs / of the state dropped in
    training, with one mask per sequence. stateful=True is not supported; unroll is ignored.
    """

    def _run(self, sequences, options):
        return simple_rnn(sequences, self.kernel, self.recurrent_kernel, self.bias,
                          activation=self._activation_name, **options)

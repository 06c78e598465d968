"""RecurrentLayer: what SimpleRNN, LSTM and GRU share.

Each is an RNN over its own built-in cell made from the layer's arguments, as in Keras
(`LSTM(32)` computes what `RNN(LSTMCell(32))` computes): the cell runs the whole sequence
as one op of `neuronet.ops.recurrent`.
"""
from ..saving.serialization import layer_arguments
from .input_spec import InputSpec
from .rnn import RNN, split_states, states_join_inputs

__all__ = ["RecurrentLayer", "GatedRecurrentLayer", "split_states", "states_join_inputs"]

# The cell's arguments and weights, which the layer shows as its own (layer.units,
# layer.kernel), as Keras' recurrent layers do.
CELL_ATTRIBUTES = frozenset({
    "units", "activation", "recurrent_activation", "use_bias", "unit_forget_bias",
    "reset_after", "kernel_initializer", "recurrent_initializer", "bias_initializer",
    "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
    "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout", "seed",
    "kernel", "recurrent_kernel", "bias"})


class RecurrentLayer(RNN):
    """Base of the recurrent layers: an RNN over the cell a subclass makes from its arguments.

    Input shape: (batch, time, features). Output shape: (batch, time, units) with
    return_sequences=True, else (batch, units); with return_state=True, a list of the
    output and the final states, each (batch, units).
    The layer owns its cell's weights (`layer.weights` are the cell's): Keras files keep
    them under '<layer>/cell' while `RNN(cell)` keeps them under its sublayer, so the
    cell here is a plain attribute, not a sublayer (see saving/weights_file.py).
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, **kwargs):
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    @staticmethod
    def cell_options(kwargs, name):
        """The options of the layer's cell: the layer's dtype and trainable, Keras' name."""
        return {"dtype": kwargs.get("dtype"), "trainable": kwargs.get("trainable", True),
                "name": name}

    def _hold_cell(self, cell):
        object.__setattr__(self, "cell", cell)        # not a sublayer: see the class docstring

    def __getattr__(self, name):
        cell = self.__dict__.get("cell")
        if cell is not None and name in CELL_ATTRIBUTES:
            return getattr(cell, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def build(self, input_shape):
        super().build(input_shape)
        self._weights = self.cell._weights
        self._weight_regularizers = self.cell._weight_regularizers
        for weight in self._weights:
            weight.path = f"{self.name}/{self.cell.name}/{weight.name}"

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            del cell_config[key]
        return {**config, **cell_config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**layer_arguments(cls, config))


class GatedRecurrentLayer(RecurrentLayer):
    """A recurrent layer with gates (LSTM, GRU): adds use_cudnn, accepted for Keras code
    ('auto' or False; cuDNN is never used)."""

    def __init__(self, cell, use_cudnn="auto", **kwargs):
        if not (use_cudnn == "auto" or use_cudnn is False):
            raise ValueError(f"{type(self).__name__}: expected use_cudnn='auto' or False (cuDNN "
                             f"is not available), received use_cudnn={use_cudnn!r}")
        super().__init__(cell, **kwargs)
        self.use_cudnn = use_cudnn

    def get_config(self):
        return {**super().get_config(), "use_cudnn": self.use_cudnn}

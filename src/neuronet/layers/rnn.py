"""RNN: runs a recurrent cell over the time steps of sequences (Keras' keras.layers.RNN).

    layer = RNN(LSTMCell(32), return_sequences=True)       # the same as LSTM(32, ...)
    layer = RNN([GRUCell(32), GRUCell(16)])                # a stack of cells
    layer = RNN(MyCell(8))                                 # any object with call and state_size

The built-in cells (SimpleRNNCell, LSTMCell, GRUCell, and stacks of them) run each as one
op over the whole sequence; any other cell is called once per step with ordinary Tensor
ops, and the graph backpropagates through time by itself.
"""
import numpy as np

from ..autograd import Tensor, Variable
from ..autograd.tensor import as_array
from ..ops import math as m
from ..saving.serialization import (deserialize_keras_object, layer_arguments,
                                    serialize_keras_object)
from .base import Layer
from .input_spec import InputSpec
from .rnn_cells import (StackedRNNCells, call_cell, cell_output_size, check_cell,
                        flat_state_sizes, fused_cells, initial_states)
from .symbolic import SymbolicTensor


def states_join_inputs(inputs, kwargs):
    """Move `initial_state` from `kwargs` into the inputs, as [inputs, *states], when the
    states are graph tensors (functional API): the model's graph then records that the
    call depends on them. Returns the inputs to call the layer with."""
    states = kwargs.get("initial_state")
    if states is None:
        return inputs
    states = list(states) if isinstance(states, (list, tuple)) else [states]
    if not any(isinstance(state, SymbolicTensor) for state in states):
        return inputs
    del kwargs["initial_state"]
    return [inputs] + states


def split_states(sequences, initial_state):
    """(sequences, initial_state) from a call's inputs, which may be [sequences, *states]."""
    if isinstance(sequences, (list, tuple)):
        return sequences[0], list(sequences[1:])
    return sequences, initial_state


def flatten_states(states):
    """The states of a (possibly nested) list, flat: [[h1, c1], h2] -> [h1, c1, h2]."""
    if isinstance(states, (list, tuple)):
        return [state for item in states for state in flatten_states(item)]
    return [states]


def pack_states(structure, flat):
    """The `flat` states nested as the state size `structure` is ([[4, 4], 2] takes
    [h1, c1, h2] to [[h1, c1], h2])."""
    items = iter(flat)

    def pack(size):
        return [pack(s) for s in size] if isinstance(size, (list, tuple)) else next(items)
    return pack(structure)


def _sequences_shape(input_shape):
    """The shape of the sequences from a call's input shape ([sequences, *states] or one)."""
    if input_shape and isinstance(input_shape[0], (list, tuple)):
        return tuple(input_shape[0])
    return tuple(input_shape)


class RNN(Layer):
    """Runs `cell` over the time steps of sequences.

    cell: an object with `call(inputs_t, states) -> (output_t, new_states)` and a
    `state_size` (an int, or a list of ints, one per state), and optionally `output_size`
    and `get_initial_state(batch_size)`; a list of cells is stacked (StackedRNNCells).
    Input shape: (batch, time, features). Output shape: (batch, time, output_size) with
    return_sequences=True, else (batch, output_size); with return_state=True, a list of the
    output and the final states (for a stack, one entry per cell).
    go_backwards: read the steps from the last to the first (outputs come in that order).
    stateful: the final states of a batch are the initial states of the next one (sample i
    continues sample i), which needs a fixed batch size: keras.Input(batch_shape=...), or
    batch_size= / batch_input_shape= on the first layer. `reset_state()` (or
    `reset_states()`) sets them back to zeros; no gradient flows from a batch into the one
    before. unroll: accepted for Keras code; the steps are always looped.
    zero_output_for_mask: zeros as the output of masked steps, instead of the carried state.
    Call arguments: initial_state (a state or a list of states, nested per cell for a
    stack, or flat), mask ((batch, time) booleans, False for steps to skip: the states
    carry over), training (passed to the cell: dropout is on only when training is True).
    """

    supports_masking = True

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        check_cell(type(self).__name__, cell)
        super().__init__(**kwargs)
        self._hold_cell(cell)
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self._states = None
        self.input_spec = InputSpec(min_ndim=3)

    def _hold_cell(self, cell):
        self.cell = cell                    # a sublayer: its weights are this layer's weights

    @property
    def state_size(self):
        """The cell's state sizes as a list (one entry per state, or per cell of a stack)."""
        size = self.cell.state_size
        return list(size) if isinstance(size, (list, tuple)) else [size]

    @property
    def state_count(self):
        """How many entries return_state adds after the output."""
        return len(self.state_size)

    @property
    def states(self):
        """The state Variables of a stateful layer (flat: one per state of every cell), or
        None before its first call."""
        return self._states

    def build(self, input_shape):
        shape = _sequences_shape(input_shape)
        if shape[-1] is None:
            raise ValueError(f"{type(self).__name__} '{self.name}': the last axis (features) of "
                             f"the input must be known, received input shape {shape}")
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build((shape[0],) + shape[2:])             # one step: (batch, features)
            self.cell.built = True
        self.input_spec = InputSpec(ndim=self.input_spec.ndim, min_ndim=self.input_spec.min_ndim,
                                    axes={-1: shape[-1]})
        self.built = True

    def get_initial_state(self, batch_size):
        """The states at the first step when none are given: the cell's, else zeros (a list,
        one entry per state, or per cell of a stack)."""
        states = initial_states(self.cell, batch_size, self.dtype)
        return list(states) if isinstance(states, (list, tuple)) else [states]

    # --- stateful layers -----------------------------------------------------------------------
    def _ensure_states(self, shape):
        """Create the state Variables of a stateful layer for the batch of inputs of `shape`,
        or check that the batch is as large as the one they were made for."""
        batch = shape[0]
        who = f"{type(self).__name__} '{self.name}'"
        if batch is None:
            raise ValueError(f"{who}: stateful=True needs a fixed batch size (the states of "
                             f"sample i carry over to sample i of the next batch), received "
                             f"inputs of shape {tuple(shape)}. Give the model one: "
                             "keras.Input(batch_shape=(batch, time, features)), or "
                             "batch_size= / batch_input_shape= on its first layer")
        if self._states is None:
            self._states = [self._state_variable(np.zeros((batch, n), self.dtype))
                            for n in flat_state_sizes(self.state_size)]
        expected = self._states[0].shape[0]
        if batch != expected:
            raise ValueError(f"{who}: a stateful layer needs the batch size of its states: "
                             f"expected batch size {expected}, received batch size {batch} "
                             f"(inputs of shape {tuple(shape)}); every batch must have "
                             f"{expected} sequences")

    def _state_variable(self, value):
        variable = Variable(value, trainable=False, name="rnn_state")
        variable.path = f"{self.name}/rnn_state"
        return variable

    def reset_state(self, states=None):
        """Set the states of a stateful layer to zeros, or to `states` (arrays (batch, size),
        one per state, flat or nested per cell). A layer that is not stateful has none."""
        if states is None:
            for variable in self._states or []:
                variable.assign(np.zeros_like(variable.data))
            return
        who = f"{type(self).__name__} '{self.name}'"
        if not self.stateful:
            raise ValueError(f"{who}: reset_state(states=...) needs a stateful layer "
                             "(stateful=True); pass initial_state= to the call instead")
        values = [as_array(s, self.dtype) for s in flatten_states(states)]
        if self._states is None:
            batch = values[0].shape[0] if values and values[0].ndim == 2 else None
            expected = [(batch, n) for n in flat_state_sizes(self.state_size)]
        else:
            expected = [variable.shape for variable in self._states]
        if [v.shape for v in values] != expected:
            raise ValueError(f"{who}: reset_state expected {len(expected)} state(s) of shapes "
                             f"{expected}, received shapes {[v.shape for v in values]}")
        if self._states is None:
            self._states = [self._state_variable(value) for value in values]
        for variable, value in zip(self._states, values):
            variable.assign(value)

    reset_states = reset_state                  # Keras 2's name, which Keras 3 keeps

    # --- calling -------------------------------------------------------------------------------
    def __call__(self, inputs, *args, **kwargs):
        if kwargs.get("initial_state") is not None:
            kwargs["initial_state"] = flatten_states(kwargs["initial_state"])
        inputs = states_join_inputs(inputs, kwargs)
        if self.stateful:
            sequences = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
            self._ensure_states(tuple(getattr(sequences, "shape", None) or np.shape(sequences)))
        return super().__call__(inputs, *args, **kwargs)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        sequences, initial_state = split_states(sequences, initial_state)
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if initial_state is not None:
            initial_state = flatten_states(initial_state)
            count = len(flat_state_sizes(self.state_size))
            if len(initial_state) != count:
                raise ValueError(f"{type(self).__name__} '{self.name}': expected {count} initial "
                                 f"state(s) of sizes {flat_state_sizes(self.state_size)}, "
                                 f"received {len(initial_state)}")
        elif self.stateful:              # copies: the variables change after this call
            initial_state = [Tensor(np.array(variable.data)) for variable in self._states]
        output, finals = self._run(sequences, initial_state, mask, training)
        if self.stateful:
            for variable, state in zip(self._states, finals):
                variable.assign(state.data)
        if self.return_state:
            return [output] + pack_states(self.state_size, finals)
        return output

    def _run(self, sequences, initial_state, mask, training):
        """(output, final states, flat) of the cell over the sequences."""
        cells = fused_cells(self.cell)
        if cells is not None:
            return self._run_fused(cells, sequences, initial_state, mask, training)
        return self._run_steps(sequences, initial_state, mask, training)

    def _run_fused(self, cells, sequences, initial_state, mask, training):
        """Each built-in cell over the whole sequence as one op, the outputs of a cell being
        the inputs of the next: the same as stepping through the stack, since a step of a
        cell needs only that step of the cell below."""
        finals = []
        for k, cell in enumerate(cells):
            last = k == len(cells) - 1
            states = None
            if initial_state is not None:
                states, initial_state = (initial_state[:cell.state_count],
                                         initial_state[cell.state_count:])
            sequences, *cell_finals = cell.run_sequence(
                sequences, states, mask, go_backwards=self.go_backwards and k == 0,
                return_sequences=self.return_sequences or not last,
                zero_output_for_mask=self.zero_output_for_mask and last, training=training)
            if self.go_backwards and k == 0 and mask is not None:
                mask = as_array(mask)[:, ::-1]      # the next cells read the reversed outputs
            finals += cell_finals
        return sequences, finals

    def _run_steps(self, sequences, initial_state, mask, training):
        """The cell called once per step. At a masked step the states carry over and the
        output is the first state of the (last) cell, or zeros with zero_output_for_mask."""
        batch, time = sequences.shape[0], sequences.shape[1]
        if time == 0:
            raise ValueError(f"{type(self).__name__} '{self.name}': expected sequences with at "
                             f"least one time step, received shape {sequences.shape}")
        if initial_state is None:
            initial_state = flatten_states(self.get_initial_state(batch))
        states = [self._as_tensors(state) for state in initial_state]
        carried = 0                                 # the state that masked steps output
        if isinstance(self.cell, StackedRNNCells):
            carried = len(states) - len(flat_state_sizes(self.cell.cells[-1].state_size))
        keep = None if mask is None else as_array(mask).astype(bool)
        outputs = []
        for t in (reversed(range(time)) if self.go_backwards else range(time)):
            output, new_states = call_cell(self.cell, sequences[:, t],
                                           pack_states(self.state_size, states), training)
            new_states = flatten_states(new_states)
            if len(new_states) != len(states):
                raise ValueError(f"{type(self).__name__} '{self.name}': the cell returned "
                                 f"{len(new_states)} state(s), its state_size "
                                 f"{self.cell.state_size} has {len(states)}")
            if keep is not None and not keep[:, t].all():
                step = keep[:, t, None]
                skipped = 0.0 if self.zero_output_for_mask else states[carried]
                output = m.where(step, output, skipped)
                new_states = [m.where(step, new, old) for new, old in zip(new_states, states)]
            outputs.append(output)
            states = new_states
        _reset_dropout_masks(self.cell)
        return (m.stack(outputs, axis=1) if self.return_sequences else outputs[-1]), states

    def compute_output_shape(self, input_shape):
        shape = _sequences_shape(input_shape)
        batch, size = shape[0], cell_output_size(self.cell)
        output = (batch, shape[1], size) if self.return_sequences else (batch, size)
        if self.return_state:
            states = [(batch, n) for n in flat_state_sizes(self.state_size)]
            return [output] + pack_states(self.state_size, states)
        return output

    def compute_mask(self, inputs, mask=None):
        """The input mask for a returned sequence, no mask for a last output or a state."""
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:                      # one entry per output, as in Keras
            return [output_mask] + [None] * self.state_count
        return output_mask

    def get_config(self):
        return {**super().get_config(), "return_sequences": self.return_sequences,
                "return_state": self.return_state, "go_backwards": self.go_backwards,
                "stateful": self.stateful, "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask,
                "cell": serialize_keras_object(self.cell)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cell = deserialize_keras_object(config.pop("cell"), custom_objects)
        return cls(cell, **layer_arguments(cls, config))


def _reset_dropout_masks(cell):
    """Let the cell(s) draw new dropout factors for the next sequence."""
    for one in (cell.cells if isinstance(cell, StackedRNNCells) else [cell]):
        for reset in ("reset_dropout_mask", "reset_recurrent_dropout_mask"):
            if hasattr(one, reset):
                getattr(one, reset)()

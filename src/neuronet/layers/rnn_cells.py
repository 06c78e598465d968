"""Recurrent cells: one time step of a recurrent network (Keras' cell API).

    output, new_states = cell(inputs_t, states)     # inputs_t (batch, features)

`keras.layers.RNN(cell)` runs a cell over a sequence. SimpleRNNCell, LSTMCell and GRUCell
also know how to run a whole sequence at once (`run_sequence`, one fused op of
`neuronet.ops.recurrent` with hand-written backpropagation through time) when the op
computes their activations; RNN uses that for them, and calls any other cell once per
step. StackedRNNCells makes one cell of several: each step of the first feeds the same
step of the next.
"""
import numpy as np

from .. import activations, backend, constraints, initializers, regularizers
from ..ops.dropout import check_rate, dropout as dropout_op
from ..ops.math import matmul, tensor
from ..ops.nn import linear
from ..ops.recurrent import ACTIVATIONS, gru, lstm, simple_rnn
from ..saving.serialization import (deserialize_keras_object, layer_arguments,
                                    serialize_keras_object)
from .base import Layer, check_positive_int, signature_parameters


def fused_activation_name(activation):
    """The name under which the recurrent ops compute `activation` (a function from
    `activations.get`), or None when they do not (the layer then steps through the cell)."""
    name = getattr(activation, "__name__", None)
    return name if name in ACTIVATIONS and activations.get(name) is activation else None


def lstm_bias_initializer(initializer, units, unit_forget_bias):
    """The initializer of an LSTM bias (4 units: gates i, f, c, o): `initializer`, or with
    unit_forget_bias the same with the forget gate's block set to ones (Keras' rule)."""
    if not unit_forget_bias:
        return initializer

    def forget_gate_at_one(shape, dtype=None):         # i, c, o from initializer; f = 1
        return np.concatenate([initializer((units,), dtype), np.ones(units, dtype),
                               initializer((2 * units,), dtype)])
    return forget_gate_at_one


def dropout_factors(rng, shape, rate, dtype):
    """Inverted-dropout factors of `shape`: 0 with probability `rate`, else 1 / (1 - rate)."""
    keep = 1.0 - rate
    if keep == 0:
        return np.zeros(shape, dtype)
    kept = rng.random(shape, dtype=np.float32) < keep
    return (kept / keep).astype(dtype)


# --- what RNN and StackedRNNCells need of any cell ---------------------------------------------

def check_cell(owner, cell):
    """Raise a ValueError naming `owner` unless `cell` has a `call` method and a `state_size`
    (an int, or a list of ints, one per state)."""
    if not callable(getattr(cell, "call", None)):
        raise ValueError(f"{owner}: a cell needs a `call(inputs, states)` method, received "
                         f"cell={cell!r}")
    state_size = getattr(cell, "state_size", None)
    if not isinstance(state_size, (int, list, tuple)):
        raise ValueError(f"{owner}: a cell needs a `state_size` attribute (an int, or a list of "
                         f"ints, one per state), received state_size={state_size!r} of "
                         f"cell {cell!r}")


def flat_state_sizes(state_size):
    """The size of every state, flat: 4 -> [4]; [[4, 4], 2] -> [4, 4, 2]."""
    if isinstance(state_size, (list, tuple)):
        return [n for size in state_size for n in flat_state_sizes(size)]
    return [int(state_size)]


def cell_output_size(cell):
    """The width of the cell's output: its `output_size`, else the size of its first state."""
    size = getattr(cell, "output_size", None)
    return size if size is not None else flat_state_sizes(cell.state_size)[0]


def initial_states(cell, batch_size, dtype):
    """The cell's states at the first step: its `get_initial_state(batch_size)` if it has one,
    else zeros of its state sizes (a list for a list of sizes, as the cell expects them)."""
    get_initial_state = getattr(cell, "get_initial_state", None)
    if get_initial_state is not None:
        return get_initial_state(batch_size=batch_size)
    sizes = cell.state_size
    if isinstance(sizes, int):
        return np.zeros((batch_size, sizes), dtype)
    return [np.zeros((batch_size, n), dtype) for n in sizes]


def call_cell(cell, inputs, states, training):
    """`cell(inputs, states)` for one step, with `training` when the cell takes it."""
    if isinstance(cell, Layer):
        return cell(inputs, states, training=training)
    if "training" in signature_parameters(cell.call):
        return cell.call(inputs, states, training=training)
    return cell.call(inputs, states)


def fused_cells(cell):
    """The built-in cells that `cell` is (itself, or the cells of a StackedRNNCells) when all
    of them can run a whole sequence as one op; None when one steps through its own call."""
    cells = cell.cells if getattr(type(cell), "call", None) is StackedRNNCells.call else [cell]
    if all(isinstance(c, RecurrentCell) and type(c).call is RecurrentCell.call and c.fusable
           for c in cells):
        return cells
    return None


# --- the built-in cells ------------------------------------------------------------------------

class RecurrentCell(Layer):
    """Base of SimpleRNNCell, LSTMCell and GRUCell: the weights kernel (features, gates *
    units), recurrent_kernel (units, gates * units) and bias, their arguments, and dropout.

    dropout / recurrent_dropout: fractions of the inputs / of the state h dropped in
    training, with the same factors at every step of a sequence (RNN draws them once per
    call). Subclasses set `gates` and `state_count`, compute one step in `_step` and a whole
    sequence in `_fused`.
    """

    gates = 1                   # weight blocks per unit in kernel and recurrent_kernel
    state_count = 1

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        who = type(self).__name__
        self.units = check_positive_int(who, "units", units)
        check_rate(dropout, f"{who} (argument 'dropout')")
        check_rate(recurrent_dropout, f"{who} (argument 'recurrent_dropout')")
        self.activation = activations.get(activation)               # None: linear
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = float(dropout)
        self.recurrent_dropout = float(recurrent_dropout)
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)
        self._dropout_mask = self._recurrent_dropout_mask = None

    @property
    def state_size(self):
        return self.units if self.state_count == 1 else [self.units] * self.state_count

    @property
    def output_size(self):
        return self.units

    # --- weights -----------------------------------------------------------------------------
    def bias_shape(self):
        return (self.gates * self.units,)

    def bias_initial_value(self):
        """The bias initializer (subclasses may combine several, e.g. unit_forget_bias)."""
        return self.bias_initializer

    def build(self, input_shape):
        features = input_shape[-1]
        if features is None:
            raise ValueError(f"{type(self).__name__} '{self.name}': the last axis (features) of "
                             f"the input must be known, received input shape {tuple(input_shape)}")
        width = self.gates * self.units
        self.kernel = self.add_weight((features, width), self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.recurrent_kernel = self.add_weight((self.units, width), self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint,
                                                name="recurrent_kernel")
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(self.bias_shape(), self.bias_initial_value(),
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, name="bias")
        self.built = True

    def get_initial_state(self, batch_size=None):
        """Zero states, a list of `state_count` arrays (batch_size, units)."""
        return [np.zeros((batch_size, self.units), self.dtype) for _ in range(self.state_count)]

    # --- dropout -----------------------------------------------------------------------------
    def _generator(self):
        return backend.rng() if self._rng is None else self._rng

    def get_dropout_mask(self, step_input):
        """The input dropout factors (batch, features) of the sequence in progress, drawn at
        its first step; None without dropout."""
        if self.dropout == 0:
            return None
        shape = tuple(step_input.shape)
        if self._dropout_mask is None or self._dropout_mask.shape != shape:
            self._dropout_mask = dropout_factors(self._generator(), shape, self.dropout,
                                                 self.dtype)
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, state):
        """The dropout factors (batch, units) of the state h for the sequence in progress;
        None without recurrent dropout."""
        if self.recurrent_dropout == 0:
            return None
        shape = tuple(state.shape)
        if self._recurrent_dropout_mask is None or self._recurrent_dropout_mask.shape != shape:
            self._recurrent_dropout_mask = dropout_factors(self._generator(), shape,
                                                           self.recurrent_dropout, self.dtype)
        return self._recurrent_dropout_mask

    def reset_dropout_mask(self):
        """Forget the input dropout factors: the next sequence draws new ones."""
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        """Forget the state dropout factors: the next sequence draws new ones."""
        self._recurrent_dropout_mask = None

    @property
    def fusable(self):
        """Whether the op of `neuronet.ops.recurrent` computes this cell's activations; an RNN
        over a cell that is not steps through its `call` (one graph op per step)."""
        return fused_activation_name(self.activation) is not None

    # --- one step ----------------------------------------------------------------------------
    def call(self, inputs, states, training=False):
        """One step: (output, new_states) from inputs (batch, features) and the states, a list
        of `state_count` arrays (batch, units); a cell with one state also takes it alone
        and then returns it alone."""
        listed = isinstance(states, (list, tuple))
        states = [tensor(s, like=self.kernel) for s in (states if listed else [states])]
        if len(states) != self.state_count:
            raise ValueError(f"{type(self).__name__} '{self.name}': expected {self.state_count} "
                             f"state(s) of shape (batch, {self.units}), received {len(states)}")
        inputs = tensor(inputs, like=self.kernel)
        h = states[0]
        if training and self.dropout > 0:
            inputs = inputs * self.get_dropout_mask(inputs)
        if training and self.recurrent_dropout > 0:
            h = h * self.get_recurrent_dropout_mask(h)
        output, new_states = self._step(inputs, h, states)
        return output, (new_states if listed else new_states[0])

    def _step(self, x, h, states):
        """(output, new_states) of one step; h is states[0] as the recurrent GEMMs see it
        (after recurrent dropout)."""
        raise NotImplementedError(f"{type(self).__name__} must implement _step()")

    # --- a whole sequence --------------------------------------------------------------------
    def run_sequence(self, sequences, initial_state=None, mask=None, go_backwards=False,
                     return_sequences=False, zero_output_for_mask=False, training=False):
        """The cell over sequences (batch, time, features) as one op: (output, *final_states),
        the output (batch, time, units) with return_sequences, else (batch, units). The
        arguments mean what they mean for keras.layers.RNN; initial_state: a list of
        `state_count` states, or None for zeros."""
        recurrent_mask = None
        if training and self.dropout > 0:       # one mask per sequence, the same at every step
            batch, _, features = sequences.shape
            sequences = dropout_op(sequences, self.dropout, noise_shape=(batch, 1, features),
                                   rng=self._rng)
        if training and self.recurrent_dropout > 0:
            recurrent_mask = dropout_factors(self._generator(), (sequences.shape[0], self.units),
                                             self.recurrent_dropout, self.dtype)
        return self._fused(sequences, {
            "initial_state": initial_state, "mask": mask, "go_backwards": go_backwards,
            "return_sequences": return_sequences, "zero_output_for_mask": zero_output_for_mask,
            "recurrent_dropout_mask": recurrent_mask})

    def _fused(self, sequences, options):
        """(output, *final_states) from the cell's op of neuronet.ops.recurrent."""
        raise NotImplementedError(f"{type(self).__name__} must implement _fused()")

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout,
                "seed": self.seed}


class GatedCell(RecurrentCell):
    """A cell with gates (LSTMCell, GRUCell): adds recurrent_activation, the gates'
    activation, and accepts Keras' `implementation` (1 or 2: both compute the same)."""

    def __init__(self, units, recurrent_activation="sigmoid", implementation=2, **kwargs):
        super().__init__(units, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.implementation = implementation

    @property
    def fusable(self):
        return super().fusable and fused_activation_name(self.recurrent_activation) is not None

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation)}


class SimpleRNNCell(RecurrentCell):
    """One step of SimpleRNN: h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias).

    Weights: kernel (features, units), recurrent_kernel (units, units), bias (units,).
    state_size: units; call(inputs, states) returns (h_t, [h_t]).
    activation: any activation; with 'tanh', 'sigmoid', 'relu', 'hard_sigmoid' or 'linear'
    (None) a whole sequence runs as one op, with others the RNN steps through the cell.
    """

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(
            units, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
            seed=seed, **kwargs)

    def _step(self, x, h, states):
        output = self.activation(linear(x, self.kernel, self.bias) +
                                 matmul(h, self.recurrent_kernel))
        return output, [output]

    def _fused(self, sequences, options):
        return simple_rnn(sequences, self.kernel, self.recurrent_kernel, self.bias,
                          activation=fused_activation_name(self.activation), **options)


class LSTMCell(GatedCell):
    """One step of LSTM; gates in Keras' order i, f, c, o:

        [i, f, g, o] = x_t @ kernel + h_{t-1} @ recurrent_kernel + bias
        i, f, o = recurrent_activation(.),  g = activation(.)
        c_t = f c_{t-1} + i g,  h_t = o activation(c_t)

    Weights: kernel (features, 4 units), recurrent_kernel (units, 4 units), bias (4 units,).
    state_size: [units, units] (h, c); call(inputs, [h, c]) returns (h_t, [h_t, c_t]).
    unit_forget_bias: start the forget gate's bias at 1 (the other gates' from
    bias_initializer).
    """

    gates = 4
    state_count = 2

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(
            units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)

    def bias_initial_value(self):
        return lstm_bias_initializer(self.bias_initializer, self.units, self.unit_forget_bias)

    def _step(self, x, h, states):
        n = self.units
        z = linear(x, self.kernel, self.bias) + matmul(h, self.recurrent_kernel)   # (batch, 4n)
        i, f, g, o = (z[:, k * n:(k + 1) * n] for k in range(4))
        gate = self.recurrent_activation
        c = gate(f) * states[1] + gate(i) * self.activation(g)
        output = gate(o) * self.activation(c)
        return output, [output, c]

    def _fused(self, sequences, options):
        return lstm(sequences, self.kernel, self.recurrent_kernel, self.bias,
                    activation=fused_activation_name(self.activation),
                    recurrent_activation=fused_activation_name(self.recurrent_activation),
                    **options)

    def get_config(self):
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}


class GRUCell(GatedCell):
    """One step of GRU; gates in Keras' order z (update), r (reset), h (candidate):

        z, r = recurrent_activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)[z, r]
        reset_after=True:  hh = activation(x_t @ k_h + b_h + r (h_{t-1} @ u_h + b'_h))
        reset_after=False: hh = activation(x_t @ k_h + b_h + (r h_{t-1}) @ u_h)
        h_t = z h_{t-1} + (1 - z) hh

    Weights: kernel (features, 3 units), recurrent_kernel (units, 3 units), bias (2, 3 units)
    (the input bias, then the recurrent bias) with reset_after=True, else (3 units,).
    state_size: units; call(inputs, states) returns (h_t, [h_t]).
    """

    gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, reset_after=True,
                 seed=None, **kwargs):
        super().__init__(
            units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.reset_after = bool(reset_after)

    def bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _step(self, x, h, states):
        n, u, gate = self.units, self.recurrent_kernel, self.recurrent_activation
        input_bias = recurrent_bias = None
        if self.bias is not None:
            input_bias, recurrent_bias = ((self.bias[0], self.bias[1]) if self.reset_after
                                          else (self.bias, None))
        projected = linear(x, self.kernel, input_bias)                     # (batch, 3n)
        if self.reset_after:
            inner = linear(h, u, recurrent_bias)                           # h_{t-1} @ u + b'
            z = gate(projected[:, :n] + inner[:, :n])
            r = gate(projected[:, n:2 * n] + inner[:, n:2 * n])
            candidate = self.activation(projected[:, 2 * n:] + r * inner[:, 2 * n:])
        else:
            inner = matmul(h, u[:, :2 * n])
            z = gate(projected[:, :n] + inner[:, :n])
            r = gate(projected[:, n:2 * n] + inner[:, n:])
            candidate = self.activation(projected[:, 2 * n:] + matmul(r * h, u[:, 2 * n:]))
        output = z * states[0] + (1 - z) * candidate
        return output, [output]

    def _fused(self, sequences, options):
        return gru(sequences, self.kernel, self.recurrent_kernel, self.bias,
                   activation=fused_activation_name(self.activation),
                   recurrent_activation=fused_activation_name(self.recurrent_activation),
                   reset_after=self.reset_after, **options)

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after}


# --- a stack of cells ----------------------------------------------------------------------------

class StackedRNNCells(Layer):
    """Several cells acting as one: at every step the first cell reads the inputs and each
    next cell reads the output of the one before.

    state_size: the list of the cells' state sizes; the states are passed and returned as
    one entry per cell (a cell's list of states, or its single state). output_size: the
    last cell's. `RNN([cell_1, cell_2])` stacks its cells with this class.
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(cells, (list, tuple)) or not cells:
            raise ValueError(f"StackedRNNCells: expected a non-empty list of cells, received "
                             f"cells={cells!r}")
        for cell in cells:
            check_cell("StackedRNNCells", cell)
        self.cells = list(cells)

    @property
    def state_size(self):
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self):
        return cell_output_size(self.cells[-1])

    def get_initial_state(self, batch_size=None):
        return [initial_states(cell, batch_size, self.dtype) for cell in self.cells]

    def build(self, input_shape):
        batch = input_shape[0]
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(input_shape)
                cell.built = True
            input_shape = (batch, cell_output_size(cell))
        self.built = True

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            listed = isinstance(cell_states, (list, tuple))
            inputs, cell_states = call_cell(cell, inputs, list(cell_states) if listed
                                            else [cell_states], training)
            if not listed and isinstance(cell_states, (list, tuple)) and len(cell_states) == 1:
                cell_states = cell_states[0]
            new_states.append(cell_states)
        return inputs, new_states

    def get_config(self):
        return {**super().get_config(),
                "cells": [serialize_keras_object(cell) for cell in self.cells]}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cells = [deserialize_keras_object(cell, custom_objects) for cell in config.pop("cells")]
        return cls(cells, **layer_arguments(cls, config))

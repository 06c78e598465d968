"""ConvLSTM: an LSTM whose input and recurrent transformations are convolutions (Shi et al.,
2015), the base of ConvLSTM1D, ConvLSTM2D and ConvLSTM3D.

    [i, f, g, o] = conv(x_t, kernel) + bias + conv_same(h_{t-1}, recurrent_kernel)
    i, f, o = recurrent_activation(.),  g = activation(.)
    c_t = f c_{t-1} + i g,  h_t = o activation(c_t)

The states h and c are images of `filters` channels. The recurrent convolution always has
stride 1 and 'same' padding (Keras' rule), so that h keeps the spatial size of the input
convolution's output. The layer convolves the inputs of all time steps at once (one
convolution over the batch * time images); each step then adds the recurrent convolution of
h and does the gate arithmetic with ordinary Tensor ops, and the graph backpropagates through
time by itself. Everything inside runs channels-last.
"""
import numpy as np

from .. import activations, backend, constraints, initializers, regularizers
from ..autograd.tensor import as_array
from ..backend import standardize_data_format
from ..ops import math as m
from ..ops.array import flip
from ..ops.conv import as_tuple, check_output_size, conv1d, conv2d, conv3d, conv_output_length
from ..ops.dropout import check_rate
from .base import Layer, check_positive_int
from .conv_utils import (from_channels_last, join_shape, normalize_padding, split_shape,
                         to_channels_last)
from .input_spec import InputSpec
from .rnn import flatten_states
from .rnn_base import RecurrentLayer
from .rnn_cells import dropout_factors, lstm_bias_initializer

__all__ = ["ConvLSTM", "ConvLSTMCell"]

CONVOLUTIONS = {1: conv1d, 2: conv2d, 3: conv3d}
GATES = 4                                           # i, f, c, o: Keras' order
# The cell's arguments, which the layer shows as its own (layer.filters, layer.padding).
CONV_ATTRIBUTES = frozenset({"filters", "kernel_size", "strides", "padding",
                             "data_format", "dilation_rate"})


class ConvLSTMCell(Layer):
    """One step of a convolutional LSTM over `rank` (1, 2 or 3) spatial axes.

    Weights: kernel (*kernel_size, channels, 4 filters), recurrent_kernel (*kernel_size,
    filters, 4 filters), bias (4 filters,); gates in the order i, f, c, o.
    call(inputs, [h, c]) returns (h_t, [h_t, c_t]); inputs (batch, *spatial, channels) and
    states (batch, *new_spatial, filters), or channels first with data_format='channels_first'.
    dropout / recurrent_dropout: in training, each gate sees its own dropped copy of the
    inputs / of h (4 masks), the same masks at every step of a sequence.
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if rank not in CONVOLUTIONS:
            raise ValueError(f"ConvLSTMCell: expected rank 1, 2 or 3, received rank={rank!r}")
        who = self.owner = f"ConvLSTM{rank}D"
        self.rank = rank
        self.filters = check_positive_int(who, "filters", filters)
        self.kernel_size = as_tuple(kernel_size, rank, "kernel_size", who)
        self.strides = as_tuple(strides, rank, "strides", who)
        self.padding = normalize_padding(padding, who)
        self.data_format = standardize_data_format(data_format, who)
        self.dilation_rate = as_tuple(dilation_rate, rank, "dilation_rate", who)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{who}: strides > 1 is not supported together with "
                             f"dilation_rate > 1 (as in Keras); received strides={self.strides} "
                             f"and dilation_rate={self.dilation_rate}")
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        check_rate(dropout, f"{who} (argument 'dropout')")
        check_rate(recurrent_dropout, f"{who} (argument 'recurrent_dropout')")
        self.dropout = float(dropout)
        self.recurrent_dropout = float(recurrent_dropout)
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)
        self._factors = {}                  # the dropout masks of the sequence in progress

    @property
    def state_size(self):
        """[filters, filters]: h and c, each with `filters` channels."""
        return [self.filters, self.filters]

    @property
    def output_size(self):
        return self.filters

    # --- shapes ------------------------------------------------------------------------------
    def state_shape(self, input_shape):
        """The shape of h and c for step inputs of `input_shape` (batch, *spatial, channels),
        or channels first; raises a ValueError when the kernel does not fit in the input."""
        batch, spatial, _ = split_shape(tuple(input_shape), self.data_format)
        out = tuple(conv_output_length(n, k, s, self.padding, d) for n, k, s, d in
                    zip(spatial, self.kernel_size, self.strides, self.dilation_rate))
        spans = tuple((k - 1) * d + 1 for k, d in zip(self.kernel_size, self.dilation_rate))
        check_output_size(self.owner, spatial, out, spans, self.padding)
        return join_shape(batch, out, self.filters, self.data_format)

    # --- weights -----------------------------------------------------------------------------
    def build(self, input_shape):
        """Create the weights for step inputs of `input_shape` (batch, *spatial, channels)."""
        _, spatial, channels = split_shape(tuple(input_shape), self.data_format)
        if channels is None or None in spatial:
            raise ValueError(f"{self.owner}: the spatial axes and the channel axis of the "
                             f"input must be known, received step input shape "
                             f"{tuple(input_shape)} (data_format={self.data_format!r})")
        self.state_shape(input_shape)                  # a kernel larger than the input fails
        self.spatial_dims, self.input_dim = spatial, channels
        width = GATES * self.filters
        self.kernel = self.add_weight(self.kernel_size + (channels, width),
                                      self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.recurrent_kernel = self.add_weight(
            self.kernel_size + (self.filters, width), self.recurrent_initializer,
            regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint,
            name="recurrent_kernel")
        self.bias = None
        if self.use_bias:
            initializer = lstm_bias_initializer(self.bias_initializer, self.filters,
                                                self.unit_forget_bias)
            self.bias = self.add_weight((width,), initializer, regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, name="bias")
        self.built = True

    def get_initial_state(self, batch_size=None):
        """Zeros for h and c: a list of two arrays of `state_shape`."""
        step = join_shape(batch_size, self.spatial_dims, self.input_dim, self.data_format)
        return [np.zeros(self.state_shape(step), self.dtype) for _ in range(2)]

    # --- dropout -----------------------------------------------------------------------------
    def dropout_mask(self, kind, step_shape):
        """The dropout factors (batch, *spatial, 4, channels), one mask per gate, of the
        sequence in progress for a channels-last step of `step_shape`; kind: 'input' (the
        inputs) or 'recurrent' (h). Drawn at the first step; None without dropout."""
        rate = self.dropout if kind == "input" else self.recurrent_dropout
        if rate == 0:
            return None
        shape = tuple(step_shape[:-1]) + (GATES, step_shape[-1])
        factors = self._factors.get(kind)
        if factors is None or factors.shape != shape:
            rng = backend.rng() if self._rng is None else self._rng
            factors = self._factors[kind] = dropout_factors(rng, shape, rate, self.dtype)
        return factors

    def reset_dropout_mask(self):
        """Forget the dropout factors: the next sequence draws new ones."""
        self._factors = {}

    # --- computing ---------------------------------------------------------------------------
    def _convolve(self, x, kernel, bias, factors, strides, padding, dilation):
        """conv(x, kernel) + bias for channels-last x (n, *spatial, channels): (n, *out,
        4 filters). With dropout `factors` (n, *spatial, 4, channels), gate k convolves its own
        dropped copy of x: the copies side by side on the channel axis make the input groups
        of a grouped convolution (groups=4) whose output groups are the gates."""
        groups = 1
        if factors is not None:
            dropped = m.expand_dims(x, -2) * factors           # (n, *spatial, 4, channels)
            x, groups = m.reshape(dropped, x.shape[:-1] + (GATES * x.shape[-1],)), GATES
        return CONVOLUTIONS[self.rank](x, kernel, bias, strides, padding, dilation, groups)

    def input_gates(self, x, factors=None):
        """The input convolution of every gate, channels-last: (n, *out, 4 filters)."""
        return self._convolve(x, self.kernel, self.bias, factors, self.strides, self.padding,
                              self.dilation_rate)

    def step(self, input_gates, h, c, factors=None):
        """(h_t, c_t) from a step's input gates and h_{t-1}, c_{t-1}, all channels-last;
        factors: the recurrent dropout factors or None."""
        z = input_gates + self._convolve(h, self.recurrent_kernel, None, factors, 1, "same", 1)
        n, gate = self.filters, self.recurrent_activation
        i, f, g, o = (z[..., k * n:(k + 1) * n] for k in range(GATES))
        c = gate(f) * c + gate(i) * self.activation(g)
        return gate(o) * self.activation(c), c

    def call(self, inputs, states, training=False):
        """One step: (h_t, [h_t, c_t]) from inputs and states [h, c] in data_format."""
        if len(states) != 2:
            raise ValueError(f"{self.owner} cell '{self.name}': expected 2 states [h, c], "
                             f"received {len(states)}")
        x = to_channels_last(m.tensor(inputs, like=self.kernel), self.data_format)
        h, c = (to_channels_last(m.tensor(s, like=self.kernel), self.data_format)
                for s in states)
        factors = recurrent = None
        if training:
            factors = self.dropout_mask("input", x.shape)
            recurrent = self.dropout_mask("recurrent", h.shape)
        h, c = self.step(self.input_gates(x, factors), h, c, recurrent)
        h, c = (from_channels_last(s, self.data_format) for s in (h, c))
        return h, [h, c]

    def get_config(self):
        return {**super().get_config(), "rank": self.rank, "filters": self.filters,
                "kernel_size": self.kernel_size, "strides": self.strides,
                "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": self.dilation_rate,
                "activation": activations.serialize(self.activation),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "unit_forget_bias": self.unit_forget_bias,
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout,
                "seed": self.seed}


class ConvLSTM(RecurrentLayer):
    """Base of ConvLSTM1D, ConvLSTM2D and ConvLSTM3D: a convolutional LSTM over sequences
    of `rank`-D images, which a subclass sets as its class attribute `rank`.

    Input shape: (batch, time, *spatial, channels), or (batch, time, channels, *spatial) with
    data_format='channels_first'. Output shape: (batch, time, *new_spatial, filters) with
    return_sequences=True, else (batch, *new_spatial, filters) (channels first likewise);
    return_state=True adds the final h and c, each (batch, *new_spatial, filters).
    new_spatial: the input convolution's output size (padding, strides, dilation_rate).
    Weights: kernel (*kernel_size, channels, 4 filters), recurrent_kernel (*kernel_size,
    filters, 4 filters), bias (4 filters,); gates in Keras' order i, f, c, o.
    unit_forget_bias: start the forget gate's bias at 1. The spatial and channel sizes must
    be known when the layer is built. Call arguments as for keras.layers.RNN: initial_state
    ([h0, c0]), mask ((batch, time) booleans, False for steps to skip: the states carry
    over), training (turns dropout on).
    """

    rank = None

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, **kwargs):
        cell = ConvLSTMCell(
            self.rank, filters, kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation,
            recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
            **self.cell_options(kwargs, "conv_lstm_cell"))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=self.rank + 3)

    def __getattr__(self, name):
        cell = self.__dict__.get("cell")
        if cell is not None and name in CONV_ATTRIBUTES:
            return getattr(cell, name)
        return super().__getattr__(name)

    def build(self, input_shape):
        super().build(input_shape)
        shape = tuple(input_shape[0] if isinstance(input_shape[0], (list, tuple))
                      else input_shape)
        self.input_spec = InputSpec(ndim=self.rank + 3,
                                    axes={axis: shape[axis] for axis in range(2, len(shape))})

    # --- stateful layers ---------------------------------------------------------------------
    def _ensure_states(self, shape):
        """RNN's, with states of the cell's state shape (RNN's are (batch, size))."""
        if self._states is None and None not in shape[:1] + tuple(shape[2:]):
            state_shape = self.cell.state_shape((shape[0],) + tuple(shape[2:]))
            self._states = [self._state_variable(np.zeros(state_shape, self.dtype))
                            for _ in range(2)]
        super()._ensure_states(shape)

    def reset_state(self, states=None):
        if states is not None and self.stateful and self._states is None:
            if not self.built:
                raise ValueError(f"{type(self).__name__} '{self.name}': reset_state(states=...) "
                                 "needs the states' spatial shape: build or call the layer first")
            batch = np.shape(flatten_states(states)[0])[0]
            step = join_shape(batch, self.cell.spatial_dims, self.cell.input_dim,
                              self.data_format)
            self._ensure_states((batch, None) + step[1:])
        super().reset_state(states)

    reset_states = reset_state

    # --- running -----------------------------------------------------------------------------
    def _run(self, sequences, initial_state, mask, training):
        """(output, [h, c]) of the cell over the sequences: the input convolution of every
        step at once, then the steps."""
        cell, data_format = self.cell, self.data_format
        x = m.tensor(sequences, like=cell.kernel)
        batch, time = x.shape[:2]
        who = f"{type(self).__name__} '{self.name}'"
        if time == 0:
            raise ValueError(f"{who}: expected sequences with at least one time step, "
                             f"received shape {x.shape}")
        keep = None if mask is None else as_array(mask).astype(bool)
        if self.go_backwards:
            x = flip(x, 1)
            keep = None if keep is None else keep[:, ::-1]
        state_shape = cell.state_shape((batch,) + x.shape[2:])
        if initial_state is None:
            initial_state = cell.get_initial_state(batch)
        states = [m.tensor(s, like=cell.kernel) for s in initial_state]
        if any(s.shape != state_shape for s in states):
            raise ValueError(f"{who}: expected initial states [h, c] of shape {state_shape}, "
                             f"received shapes {[s.shape for s in states]}")
        h, c = (to_channels_last(s, data_format) for s in states)
        frames = to_channels_last(m.reshape(x, (batch * time,) + x.shape[2:]), data_format)
        factors = recurrent = None
        if training:                     # per sequence: frame b * time + t is step t of b
            factors = cell.dropout_mask("input", (batch,) + frames.shape[1:])
            factors = None if factors is None else np.repeat(factors, time, axis=0)
            recurrent = cell.dropout_mask("recurrent", h.shape)
        gates = cell.input_gates(frames, factors)                  # (b * t, *out, 4 filters)
        gates = m.reshape(gates, (batch, time) + gates.shape[1:])
        outputs = []
        for t in range(time):
            new_h, new_c = cell.step(gates[:, t], h, c, recurrent)
            output = new_h
            if keep is not None and not keep[:, t].all():          # masked: states carry over
                step = keep[:, t].reshape((batch,) + (1,) * (h.ndim - 1))
                new_h, new_c = m.where(step, new_h, h), m.where(step, new_c, c)
                output = m.where(step, new_h, 0.0) if self.zero_output_for_mask else new_h
            outputs.append(from_channels_last(output, data_format))
            h, c = new_h, new_c
        cell.reset_dropout_mask()
        output = m.stack(outputs, axis=1) if self.return_sequences else outputs[-1]
        return output, [from_channels_last(h, data_format), from_channels_last(c, data_format)]

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape[0] if isinstance(input_shape[0], (list, tuple))
                      else input_shape)
        state = self.cell.state_shape((shape[0],) + shape[2:])
        output = (state[0], shape[1]) + state[1:] if self.return_sequences else state
        return [output, state, state] if self.return_state else output

    def get_config(self):
        config = super().get_config()
        del config["rank"]                              # the class's, not an argument
        return config

"""RecurrentLayer: what SimpleRNN, LSTM and GRU share (arguments, weights, dropout, masks).

Each subclass sets how many weight blocks (`gates`) and states it has, and runs its op
from `neuronet.ops.recurrent` over the whole sequence in `_run`.
"""
import numpy as np

from .. import activations, backend, constraints, initializers, regularizers
from ..ops.dropout import check_rate, dropout as dropout_op
from ..ops.recurrent import ACTIVATIONS
from .base import Layer, check_positive_int
from .input_spec import InputSpec
from .symbolic import SymbolicTensor


def activation_name(layer_name, argument, activation):
    """The name of `activation` (a name, a built-in function or None), checked against the
    activations the recurrent ops compute."""
    if activation is None:
        return "linear"
    if callable(activation):
        activation = activations.get(activation)    # keras.ops.tanh: the op itself
    name = activation if isinstance(activation, str) else getattr(activation, "__name__", None)
    if not isinstance(activation, str) and name in ACTIVATIONS and \
            activations.get(name) is not activation:
        name = None                              # a user function that borrows a built-in name
    if name not in ACTIVATIONS:
        raise ValueError(f"{layer_name}: unsupported {argument} {activation!r}; expected one of "
                         f"{', '.join(sorted(ACTIVATIONS))}")
    return name


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


class RecurrentLayer(Layer):
    """Base of the recurrent layers.

    Input shape: (batch, time, features). Output shape: (batch, time, units) with
    return_sequences=True, else (batch, units); with return_state=True, a list of the
    output and the final states, each (batch, units).
    Call arguments: initial_state (a state or a list of states, each (batch, units)),
    mask ((batch, time) booleans, False for steps to skip), training (dropout is on only
    when training is True).
    """

    gates = 1                   # weight blocks per unit in kernel and recurrent_kernel
    state_count = 1
    supports_masking = True

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False, seed=None,
                 zero_output_for_mask=False, implementation=2, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        who = type(self).__name__
        self.units = check_positive_int(who, "units", units)
        if stateful:
            raise ValueError(f"{who}: stateful=True is not supported; pass the final states "
                             f"(return_state=True) as initial_state of the next call instead")
        check_rate(dropout, f"{who} (argument 'dropout')")
        check_rate(recurrent_dropout, f"{who} (argument 'recurrent_dropout')")
        self._activation_name = activation_name(who, "activation", activation)
        self.activation = activations.get(self._activation_name)
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
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = False
        self.unroll = bool(unroll)              # accepted for Keras code; never unrolled
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.input_spec = InputSpec(ndim=3)

    # --- weights -----------------------------------------------------------------------------
    def bias_shape(self):
        return (self.gates * self.units,)

    def bias_initial_value(self):
        """The bias initializer (subclasses may combine several, e.g. unit_forget_bias)."""
        return self.bias_initializer

    def build(self, input_shape):
        if isinstance(input_shape, list):                      # [sequences, *initial states]
            input_shape = input_shape[0]
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
        self.input_spec = InputSpec(ndim=3, axes={-1: features})

    # --- calling -----------------------------------------------------------------------------
    def _generator(self):
        return backend.rng() if self._rng is None else self._rng

    def _recurrent_dropout_mask(self, batch):
        """(batch, units) factors: 0 with probability recurrent_dropout, else 1 / keep."""
        keep = 1.0 - self.recurrent_dropout
        if keep == 0:
            return np.zeros((batch, self.units), self.dtype)
        kept = self._generator().random((batch, self.units), dtype=np.float32) < keep
        return (kept / keep).astype(self.dtype)

    def __call__(self, inputs, *args, **kwargs):
        return super().__call__(states_join_inputs(inputs, kwargs), *args, **kwargs)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        sequences, initial_state = split_states(sequences, initial_state)
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        recurrent_mask = None
        if training and self.dropout > 0:       # one mask per sequence, the same at every step
            batch, _, features = sequences.shape
            sequences = dropout_op(sequences, self.dropout, noise_shape=(batch, 1, features),
                                   rng=self._rng)
        if training and self.recurrent_dropout > 0:
            recurrent_mask = self._recurrent_dropout_mask(sequences.shape[0])
        options = {"initial_state": initial_state, "mask": mask,
                   "go_backwards": self.go_backwards, "return_sequences": self.return_sequences,
                   "zero_output_for_mask": self.zero_output_for_mask,
                   "recurrent_dropout_mask": recurrent_mask}
        outputs = self._run(sequences, options)
        return list(outputs) if self.return_state else outputs[0]

    def _run(self, sequences, options):
        """(output, *final_states) from the layer's op."""
        raise NotImplementedError(f"{type(self).__name__} must implement _run()")

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list):                      # [sequences, *initial states]
            input_shape = input_shape[0]
        batch = input_shape[0]
        output = ((batch, input_shape[1], self.units) if self.return_sequences
                  else (batch, self.units))
        if self.return_state:
            return [output] + [(batch, self.units)] * self.state_count
        return output

    def compute_mask(self, inputs, mask=None):
        """The input mask for a returned sequence, no mask for a last output or a state."""
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * self.state_count
        return output_mask

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": self._activation_name, "use_bias": self.use_bias,
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
                "seed": self.seed, "return_sequences": self.return_sequences,
                "return_state": self.return_state, "go_backwards": self.go_backwards,
                "stateful": self.stateful, "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask}


class GatedRecurrentLayer(RecurrentLayer):
    """A recurrent layer with gates (LSTM, GRU): adds recurrent_activation, the gates'
    activation, and use_cudnn, accepted for Keras code ('auto' or False; cuDNN is never used)."""

    def __init__(self, units, recurrent_activation="sigmoid", use_cudnn="auto", **kwargs):
        super().__init__(units, **kwargs)
        who = type(self).__name__
        self._recurrent_activation_name = activation_name(who, "recurrent_activation",
                                                          recurrent_activation)
        self.recurrent_activation = activations.get(self._recurrent_activation_name)
        if not (use_cudnn == "auto" or use_cudnn is False):
            raise ValueError(f"{who}: expected use_cudnn='auto' or False (cuDNN is not available), "
                             f"received use_cudnn={use_cudnn!r}")
        self.use_cudnn = use_cudnn

    def get_config(self):
        return {**super().get_config(), "recurrent_activation": self._recurrent_activation_name,
                "use_cudnn": self.use_cudnn}

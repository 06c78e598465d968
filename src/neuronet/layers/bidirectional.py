"""Bidirectional: runs a recurrent layer forwards and a copy of it backwards, then merges."""
from ..ops import math as m
from ..saving.serialization import (deserialize_keras_object, layer_arguments,
                                    serialize_keras_object)
from .base import Layer
from .rnn_base import split_states, states_join_inputs

MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def _copy(layer, name, **changes):
    """A new layer of the same class and config (fresh weights), renamed and changed."""
    return type(layer).from_config({**layer.get_config(), "name": name, **changes})


def _without_prefix(name, prefix):
    return name[len(prefix):] if name.startswith(prefix) else name


class Bidirectional(Layer):
    """Bidirectional wrapper for a recurrent layer (SimpleRNN, LSTM, GRU).

    `layer` is copied twice with fresh weights: a forward layer and a backward layer that
    reads the sequence from the end (or `backward_layer`, which must have the opposite
    go_backwards and the same return_sequences and return_state). The backward outputs are
    put back in time order before they are merged.
    merge_mode: 'concat' (features joined: 2 * units), 'sum', 'mul', 'ave', or None (a
    list [forward output, backward output]). With return_state=True the final states of
    the forward layer, then of the backward layer, follow the output(s).
    Call with initial_state=[forward states..., backward states...] to start from given
    states. With return_sequences=True, the outputs at masked steps are zeros.
    weights: an optional list of weight arrays, the forward layer's then the backward's.
    """

    supports_masking = True

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        for argument, value in (("layer", layer), ("backward_layer", backward_layer)):
            if value is not None and not isinstance(value, Layer):
                raise ValueError(f"Bidirectional: expected a Layer instance for argument "
                                 f"'{argument}', received {value!r}")
        for attribute in ("go_backwards", "return_sequences", "return_state"):
            if not hasattr(layer, attribute):
                raise ValueError(f"Bidirectional: the wrapped layer must be a recurrent layer "
                                 f"with a '{attribute}' attribute, received {layer!r}")
        if merge_mode not in MERGE_MODES:
            raise ValueError(f"Bidirectional: invalid merge_mode {merge_mode!r}; expected one "
                             f"of {MERGE_MODES}")
        super().__init__(**kwargs)
        self.forward_layer = _copy(layer, "forward_" + _without_prefix(layer.name, "forward_"))
        if backward_layer is None:
            backward_layer = _copy(layer, "backward_" + _without_prefix(layer.name, "backward_"),
                                   go_backwards=not layer.go_backwards)
        self.backward_layer = backward_layer
        self._check_pair()
        for sublayer in (self.forward_layer, self.backward_layer):
            if hasattr(sublayer, "zero_output_for_mask"):
                sublayer.zero_output_for_mask = sublayer.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.stateful = False
        self._initial_weights = weights
        self.input_spec = layer.input_spec

    def _check_pair(self):
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError(f"Bidirectional: the forward and backward layers must have different "
                             f"go_backwards values, received {forward.go_backwards} for both")
        for attribute in ("return_sequences", "return_state"):
            if getattr(forward, attribute) != getattr(backward, attribute):
                raise ValueError(f"Bidirectional: the forward and backward layers must have the "
                                 f"same {attribute}, received {getattr(forward, attribute)} "
                                 f"and {getattr(backward, attribute)}")

    def build(self, input_shape):
        if isinstance(input_shape, list):                      # [sequences, *initial states]
            input_shape = input_shape[0]
        self.forward_layer._ensure_built(input_shape)
        self.backward_layer._ensure_built(input_shape)
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def __call__(self, inputs, *args, **kwargs):
        return super().__call__(states_join_inputs(inputs, kwargs), *args, **kwargs)

    def call(self, sequences, initial_state=None, mask=None, training=None):
        sequences, initial_state = split_states(sequences, initial_state)
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        forward_kwargs, backward_kwargs = {"training": training}, {"training": training}
        if mask is not None:
            forward_kwargs["mask"] = backward_kwargs["mask"] = mask
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_kwargs["initial_state"] = list(initial_state[:half])
            backward_kwargs["initial_state"] = list(initial_state[half:])
        y = self.forward_layer(sequences, **forward_kwargs)
        y_reversed = self.backward_layer(sequences, **backward_kwargs)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_reversed[1:])
            y, y_reversed = y[0], y_reversed[0]
        if self.return_sequences:                        # back to time order
            y_reversed = m.getitem(y_reversed, (slice(None), slice(None, None, -1)))
        output = self._merge(y, y_reversed)
        if self.return_state:
            return (output if isinstance(output, list) else [output]) + states
        return output

    def _merge(self, y, y_reversed):
        if self.merge_mode == "concat":
            return m.concatenate([y, y_reversed], axis=-1)
        if self.merge_mode == "sum":
            return y + y_reversed
        if self.merge_mode == "ave":
            return (y + y_reversed) * 0.5
        if self.merge_mode == "mul":
            return y * y_reversed
        return [y, y_reversed]

    def _state_shapes(self, input_shape):
        if isinstance(input_shape, list):                      # [sequences, *initial states]
            input_shape = input_shape[0]
        shape = self.forward_layer.compute_output_shape(input_shape)
        return (shape[0], shape[1:]) if self.return_state else (shape, [])

    def compute_output_shape(self, input_shape):
        output, states = self._state_shapes(input_shape)
        output = tuple(output)
        if self.merge_mode == "concat":
            output = output[:-1] + (2 * output[-1],)
        outputs = [output, output] if self.merge_mode is None else [output]
        if self.return_state:
            return outputs + list(states) * 2
        return outputs if self.merge_mode is None else output

    def compute_mask(self, inputs, mask=None):
        """The input mask for returned sequences; no mask for last outputs and states."""
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        masks = [output_mask, output_mask] if self.merge_mode is None else [output_mask]
        if self.return_state:
            return masks + [None] * (2 * getattr(self.forward_layer, "state_count", 1))
        return masks if self.merge_mode is None else output_mask

    def get_config(self):
        return {**super().get_config(), "merge_mode": self.merge_mode,
                "layer": serialize_keras_object(self.forward_layer),
                "backward_layer": serialize_keras_object(self.backward_layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = deserialize_keras_object(config.pop("layer"), custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            backward = deserialize_keras_object(backward, custom_objects)
        return cls(layer, backward_layer=backward, **layer_arguments(cls, config))

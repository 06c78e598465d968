"""Layer: the base of every layer (Keras semantics, without Keras' machinery).

A layer stores its configuration in `__init__`, creates its weights lazily in
`build(input_shape)` on the first call, computes in `call(inputs, training=...)`, and
round-trips through `get_config()` / `from_config()`.
"""
import functools
import inspect
import numbers

import numpy as np

from .. import backend, constraints, initializers, regularizers
from ..backend import snake_case, unique_name
from ..autograd import Tensor, Variable
from ..metrics.base import Metric
from ..ops import math as m
from ..saving.serialization import dtype_name, layer_arguments


class _CallContext:
    """The layer calls in progress, as Keras keeps them: their training flag (a layer
    called without one inside another layer's call takes the outer call's), the layer
    whose call began them (`entry`), and how many layers hold losses of calls
    (`holding`: the entry call clears them only when some do)."""
    training = None
    entry = None
    holding = 0


_context = _CallContext()


class Layer:
    """Base class of layers: weights, lazy build, call, config.

    Subclasses implement `build(input_shape)` (calling `add_weight`), `call(inputs)` (or
    `call(inputs, training=None)`), and `get_config()`; the rest comes from here. A
    subclass without its own `get_config` records the arguments its `__init__` received
    (plain values: numbers, strings, lists, dicts, None), as Keras does.
    """

    def __new__(cls, *args, **kwargs):
        layer = super().__new__(cls)
        object.__setattr__(layer, "_init_arguments", (args, kwargs))   # for get_config
        return layer

    def __init_subclass__(cls, **kwargs):
        """A subclass's own `build` marks the layer built once it returns (as Keras'
        does), whoever calls it: the first call on inputs then builds it only if nothing
        did, even when `__init__` already made some weights."""
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "marks_built", False):
            @functools.wraps(build)
            def build_and_mark(self, *args, **kwargs):
                result = build(self, *args, **kwargs)
                self.built = True
                return result
            build_and_mark.marks_built = True
            cls.build = build_and_mark

    def __init__(self, trainable=True, name=None, dtype=None, activity_regularizer=None,
                 input_shape=None, batch_input_shape=None, input_dim=None, batch_size=None,
                 **kwargs):
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments passed to {type(self).__name__}: "
                             f"{kwargs}")
        if name is not None and (not isinstance(name, str) or "/" in name):
            raise ValueError("Argument `name` must be a string and cannot contain character "
                             f"`/`. Received: name={name!r} (of type {type(name).__name__})")
        self.name = name or unique_name(snake_case(type(self).__name__))
        self._trainable = bool(trainable)
        # a dtype name, or a DTypePolicy dict as Keras 3 writes it in configs
        self.dtype = backend.standardize_dtype(dtype_name(dtype, f"layer {name!r}")
                                               or backend.floatx())
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.built = False
        self.input_spec = None
        self._weights = []
        self._weight_regularizers = []
        self._activity_losses = []
        if input_dim is not None:
            input_shape = (input_dim,)
        if batch_input_shape is not None:
            batch_size, input_shape = batch_input_shape[0], batch_input_shape[1:]
        self._input_shape_arg = None if input_shape is None else (batch_size,) + tuple(input_shape)

    # --- weights -----------------------------------------------------------------------------
    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True,
                   regularizer=None, constraint=None, name=None):
        """Create, track and return a Variable of this layer (named 'variable',
        'variable_1', ... when no name is given, as in Keras)."""
        dtype = np.dtype(dtype or self.dtype).name
        if name is None:
            taken, name, count = {w.name for w in self._weights}, "variable", 0
            while name in taken:
                count += 1
                name = f"variable_{count}"
        if initializer is None:
            initializer = "glorot_uniform" if backend.is_float_dtype(dtype) else "zeros"
        variable = Variable(initializers.get(initializer), shape=tuple(shape or ()), dtype=dtype,
                            trainable=trainable, name=name)
        variable.path = f"{self.name}/{name}"
        variable.constraint = constraints.get(constraint)
        self._weights.append(variable)
        regularizer = regularizers.get(regularizer)
        if regularizer is not None:
            self._weight_regularizers.append((regularizer, variable))
        return variable

    def __setattr__(self, name, value):
        """Track what attributes hold, as Keras does: layers, directly or in a list, tuple or
        dict (a public attribute's container is tracked even while it holds no layer yet,
        so that layers appended later count), Variables, which become weights, and
        Metrics, which a model's `metrics` lists (and so resets each epoch)."""
        if isinstance(value, Layer) or _holds_layers(value, expect=not name.startswith("_")):
            tracked = self.__dict__.setdefault("_tracked", [])
            if name not in tracked:
                tracked.append(name)
        elif isinstance(value, Metric):
            held = self.__dict__.setdefault("_metric_attributes", [])
            if name not in held:
                held.append(name)
            Layer.metrics_held = True             # models look for held metrics from now on
        elif isinstance(value, Variable):
            own = self.__dict__.get("_weights")
            if own is not None and not any(w is value for w in own):
                own.append(value)
                if getattr(value, "path", None) is None:
                    value.path = f"{self.name}/{value.name or name}"
        object.__setattr__(self, name, value)

    def _sublayers(self):
        """Layers held as attributes (directly or in lists, tuples, dicts), in the order
        they were set."""
        found = []
        for name in self.__dict__.get("_tracked", ()):
            value = self.__dict__.get(name)
            if isinstance(value, dict):
                value = list(value.values())
            items = value if isinstance(value, (list, tuple)) else [value]
            found.extend(item for item in items if isinstance(item, Layer) and item is not self)
        return found

    @property
    def trainable(self):
        """Whether training updates this layer's weights; setting it sets every sublayer's."""
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for layer in self._sublayers():
            layer.trainable = value

    @property
    def compute_dtype(self):
        """The dtype of the layer's computations (neuronet has no mixed precision: `dtype`)."""
        return self.dtype

    variable_dtype = input_dtype = compute_dtype

    def _own_weights(self):
        """The weights this layer holds itself (not through sublayers), in Keras' order:
        the trainable ones, then the others, each in the order they were made."""
        return ([w for w in self._weights if w.trainable] +
                [w for w in self._weights if not w.trainable])

    @property
    def weights(self):
        """This layer's own weights (see `_own_weights`), then its sublayers'."""
        return self._own_weights() + [w for layer in self._sublayers() for w in layer.weights]

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        own = [w for w in self._weights if w.trainable]
        return own + [w for layer in self._sublayers() for w in layer.trainable_weights]

    @property
    def non_trainable_weights(self):
        trainable = {id(w) for w in self.trainable_weights}
        return [w for w in self.weights if id(w) not in trainable]

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    @property
    def losses(self):
        """Keras 3's list, in its order: the losses of the last call (those given to
        `add_loss`, then the activity penalties), this layer's and then its sublayers';
        after them the regularization penalties of the trainable weights (fresh)."""
        layers = list(self._self_and_sublayers())
        found = [loss for layer in layers
                 for loss in (*layer._call_losses, *layer._activity_losses)]
        regularized = [pair for layer in layers for pair in layer._weight_regularizers]
        if regularized:
            trainable = {id(w) for w in self.trainable_weights}
            found += [reg(var) for reg, var in regularized if id(var) in trainable]
        return found

    def _self_and_sublayers(self):
        """This layer, then every layer inside it, depth first."""
        yield self
        for layer in self._sublayers():
            yield from layer._self_and_sublayers()

    def _clear_call_losses(self):
        """Forget the losses of the last call, this layer's and its sublayers'."""
        for layer in self._self_and_sublayers():
            if layer._call_losses or layer._activity_losses:
                layer._call_losses, layer._activity_losses = (), []
                _context.holding -= 1

    def _hold_losses(self):
        """Count this layer among those holding losses of calls (before it adds one)."""
        if not (self._call_losses or self._activity_losses):
            _context.holding += 1

    def add_loss(self, loss):
        """Add `loss` (a Tensor; a non-scalar one is summed) to this layer's `losses`, and
        so to the loss that `fit` minimises. Called in `call`: a call from outside any
        layer first clears the losses of its layer and sublayers (those of the previous
        forward pass), then every add_loss within it adds up, as in Keras."""
        loss = m.tensor(loss)
        self._hold_losses()
        self._call_losses = [*self._call_losses, loss if loss.ndim == 0 else m.sum(loss)]

    _call_losses = ()
    metrics_held = False          # whether any layer has held a Metric as an attribute

    def get_weights(self):
        return [w.data.copy() for w in self.weights]

    def set_weights(self, weights):
        variables = self.weights
        if len(weights) != len(variables):
            raise ValueError(f"Layer '{self.name}' expects {len(variables)} weight arrays, "
                             f"received {len(weights)}")
        for variable, value in zip(variables, weights):
            if np.shape(value) != variable.shape:
                raise ValueError(f"Layer '{self.name}': weight '{variable.name}' has shape "
                                 f"{variable.shape}, received a value of shape {np.shape(value)}")
        for variable, value in zip(variables, weights):
            variable.assign(np.asarray(value, dtype=variable.dtype))

    def count_params(self):
        """The number of weights' entries; an error before the layer is built (its
        weights do not exist yet), as in Keras."""
        if not self.built:
            raise ValueError(f"Layer '{self.name}': count_params() was called before the "
                             "layer is built; call it on inputs first, or build it with "
                             f"{self.name}.build(input_shape)")
        return int(sum(w.size for w in self.weights))

    # --- calling -----------------------------------------------------------------------------
    def build(self, input_shape):
        """Create the weights for inputs of `input_shape` (batch axis first, may be None)."""
        self.built = True

    def call(self, inputs):
        raise NotImplementedError(f"Layer {type(self).__name__} must implement call()")

    def __call__(self, inputs, *args, **kwargs):
        if not isinstance(inputs, Tensor) and _any_symbolic(inputs):
            return self._call_symbolic(inputs, *args, **kwargs)
        if not isinstance(inputs, Tensor) or inputs.data.dtype != self.dtype:
            inputs = self._as_tensors(inputs)          # arrays, nested inputs, other dtypes
        shapes = _shapes(inputs)
        if not self.built:
            self._ensure_built(shapes)
        self._check_inputs(shapes)
        accepted = _parameters(type(self).call)
        training = kwargs.pop("training", None)
        if training is None:
            training = _context.training               # the enclosing call's, if any
        if training is not None and "training" in accepted:
            kwargs["training"] = training              # else call's own default applies
        mask = kwargs["mask"] if "mask" in kwargs else _mask_of(inputs)
        if mask is not None and "mask" in accepted:
            kwargs["mask"] = mask
        entry = _context.entry is None
        if entry:                                      # a forward pass begins here
            _context.entry = self
            if _context.holding:
                self._clear_call_losses()
        outer, _context.training = _context.training, training
        try:
            outputs = self.call(inputs, *args, **kwargs)
        finally:
            _context.training = outer
            if entry:
                _context.entry = None
        output_mask = self.compute_mask(inputs, mask)
        if output_mask is not None:
            _attach_mask(outputs, output_mask)
        if self.activity_regularizer is not None:
            self._hold_losses()
            self._activity_losses = self._activity_losses + [
                self.activity_regularizer(output) / output.shape[0]
                for output in (outputs if isinstance(outputs, (list, tuple)) else [outputs])]
        return outputs

    def _as_tensors(self, inputs):
        if isinstance(inputs, Tensor):
            if inputs.dtype.kind == "f" and inputs.dtype != self.dtype:
                return m.cast(inputs, self.dtype)
            return inputs
        if isinstance(inputs, dict):
            return {key: self._as_tensors(x) for key, x in inputs.items()}
        if isinstance(inputs, (list, tuple)):
            return [self._as_tensors(x) for x in inputs]
        array = np.asarray(inputs)
        if array.dtype.kind in "fb":                   # NaN and inf pass, as in Keras
            array = array.astype(self.dtype, copy=False)
        return Tensor(array)

    def _ensure_built(self, input_shapes):
        if not self.built:
            self._check_inputs(input_shapes)       # the spec set in __init__, before build
            shapes = (input_shapes if isinstance(input_shapes, list)
                      else (None,) + tuple(input_shapes[1:]))
            self.build(shapes)
            self.built = True

    _passed_check = None            # (input_spec, input shapes) of the last check passed

    def _check_inputs(self, input_shapes):
        spec = self.input_spec
        if spec is None or (spec, input_shapes) == self._passed_check:
            return
        specs = spec if isinstance(spec, list) else [spec]
        shapes = input_shapes if isinstance(input_shapes, list) else [input_shapes]
        for index, (one_spec, shape) in enumerate(zip(specs, shapes)):
            one_spec.check(self.name, shape, index)
        if not isinstance(spec, list):          # a list may change in place: checked each call
            self._passed_check = (spec, input_shapes)

    supports_masking = False

    def compute_mask(self, inputs, mask=None):
        """The mask of the outputs: the input mask passes through layers that support masking."""
        return mask if self.supports_masking else None

    def compute_output_shape(self, input_shape):
        """Output shape for `input_shape` (batch axis may be None), by dry runs on zeros
        (see layers/symbolic.py)."""
        inputs = from_shapes(input_shape, self.dtype)
        return shapes_of(self._dry_run((inputs,), {}))

    def _dry_run_arguments(self, probe):
        """Keyword arguments for the dry runs that infer the outputs for `probe` inputs."""
        return {}

    def _dry_run(self, args, kwargs):
        """This call's outputs as SymbolicTensors, from two calls on zeros (see
        symbolic.infer_outputs); its losses are not kept."""
        def call(inputs, *rest, **options):
            options = {**self._dry_run_arguments(inputs), **options}
            if "training" not in options and _accepts(type(self).call, "training"):
                options["training"] = False
            return self(inputs, *rest, **options)

        outputs = infer_outputs(call, args, kwargs)
        self._clear_call_losses()
        return outputs

    def _call_symbolic(self, *args, **kwargs):
        """Record this call on SymbolicTensors as a node of a graph; returns its outputs, as
        SymbolicTensors in the structure the call returns."""
        inputs = args[0]
        if not self.built or self.input_spec is not None:
            shapes = shapes_of(list(inputs.values()) if isinstance(inputs, dict) else inputs)
            self._ensure_built(shapes)
            self._check_inputs(shapes)
        outputs = self._symbolic_outputs(args, kwargs)
        Node(self, args, kwargs, flatten(outputs, SymbolicTensor))
        self.input, self.output = inputs, outputs
        self._clear_call_losses()                       # a symbolic call leaves no losses
        return outputs

    def _output_dtype(self):
        """The dtype of the outputs `compute_output_shape` describes: the layer's own, unless
        a layer computes another (token lookups give integers)."""
        return self.dtype

    def _symbolic_outputs(self, args, kwargs):
        """The outputs of a symbolic call: from `compute_output_shape` when the layer has
        its own and only its inputs are symbolic, else from dry runs of the call."""
        own_shapes = type(self).compute_output_shape is not Layer.compute_output_shape
        if not own_shapes or len(args) > 1 or flatten(kwargs, SymbolicTensor):
            return self._dry_run(args, kwargs)
        outputs = from_shapes(self.compute_output_shape(shapes_of(args[0])), self._output_dtype())
        if self.supports_masking or type(self).compute_mask is not Layer.compute_mask:
            masks = infer_outputs(lambda x: self.compute_mask(x, _mask_of(x)), args[:1], {})
            _set_mask_shapes(outputs, masks)
        return outputs

    # --- config ------------------------------------------------------------------------------
    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self._input_shape_arg is not None:
            config["batch_input_shape"] = self._input_shape_arg
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        if type(self).get_config is Layer.get_config:   # a subclass without its own
            config = {**self._init_config(), **config}
        return config

    def _init_config(self):
        """The arguments given to `__init__`, by name: the config of a subclass that does
        not define `get_config`. Raises a TypeError for a value that is not plain data."""
        args, kwargs = self.__dict__.get("_init_arguments", ((), {}))
        parameters = inspect.signature(type(self).__init__).parameters
        bound = inspect.signature(type(self).__init__).bind_partial(self, *args, **kwargs)
        config = {}
        for name, value in list(bound.arguments.items())[1:]:           # without self
            kind = parameters[name].kind
            if kind is inspect.Parameter.VAR_KEYWORD:
                config.update(value)
            elif kind is inspect.Parameter.VAR_POSITIONAL:
                if value:
                    raise TypeError(f"Layer '{self.name}' ({type(self).__name__}): get_config "
                                    f"cannot name the extra positional arguments {value!r} of "
                                    "__init__; implement get_config()")
            else:
                config[name] = value
        for name, value in config.items():
            if not _is_plain(value):
                raise TypeError(f"Layer '{self.name}' ({type(self).__name__}): get_config "
                                f"cannot record the argument {name}={value!r} of __init__ (a "
                                f"{type(value).__name__}, not plain data); implement "
                                "get_config() to return it in a form from_config accepts")
        return config

    @classmethod
    def from_config(cls, config):
        """The layer of `config`, as `get_config` (or Keras 3's, with its DTypePolicy dict
        and options at their defaults) describes it."""
        return cls(**layer_arguments(cls, config))

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def check_positive_int(caller, argument, value):
    """`value` as an int; a ValueError naming `caller` and `argument` unless it is an int > 0."""
    if not backend.is_int(value) or value <= 0:
        raise ValueError(f"{caller}: expected a positive integer for argument '{argument}', "
                         f"received {argument}={value!r}")
    return int(value)


def _holds_layers(value, expect):
    """Whether `value` is a list, tuple or dict holding a layer, or (with `expect`) any
    list or dict, which may receive layers later."""
    if isinstance(value, dict):
        return expect or any(isinstance(v, Layer) for v in value.values())
    if isinstance(value, (list, tuple)):
        return (expect and not isinstance(value, tuple)) or any(isinstance(v, Layer)
                                                              for v in value)
    return False


def _is_plain(value):
    """Whether `value` is data a config can hold: None, a bool, number or string, or lists,
    tuples and dicts (with string keys) of those."""
    if value is None or isinstance(value, (bool, numbers.Number, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain(v) for k, v in value.items())
    return False


def _any_symbolic(inputs):
    if isinstance(inputs, dict):
        inputs = list(inputs.values())
    if isinstance(inputs, (list, tuple)):
        return any(isinstance(x, SymbolicTensor) for x in inputs)
    return isinstance(inputs, SymbolicTensor)


def _mask_of(inputs):
    """The boolean mask carried by the input Tensor(s) (`_keras_mask`), or None."""
    if isinstance(inputs, (list, tuple)):
        masks = [getattr(x, "_keras_mask", None) for x in inputs]
        return None if all(m is None for m in masks) else masks
    return getattr(inputs, "_keras_mask", None)


def _attach_mask(outputs, mask):
    """Give the output(s) their mask: one per output (nested lists, such as the states of
    stacked recurrent cells, take theirs recursively); a single mask for several outputs
    is the first output's, as Keras pairs them (an attention layer's scores get none)."""
    if isinstance(outputs, (list, tuple)):
        masks = mask if isinstance(mask, (list, tuple)) else \
            [mask] + [None] * (len(outputs) - 1)
        for output, output_mask in zip(outputs, masks):
            _attach_mask(output, output_mask)
    else:
        outputs._keras_mask = mask


def _set_mask_shapes(outputs, masks):
    """Give the SymbolicTensor(s) `outputs` the shapes of the SymbolicTensor(s) `masks`
    (one per output; a single mask is the first output's, as in `_attach_mask`)."""
    if isinstance(outputs, SymbolicTensor):
        outputs._mask_shape = getattr(masks, "shape", None)
    elif isinstance(outputs, (list, tuple)):
        if not isinstance(masks, (list, tuple)):
            masks = [masks] + [None] * (len(outputs) - 1)
        for output, mask in zip(outputs, masks):
            _set_mask_shapes(output, mask)


def _shapes(inputs):
    if isinstance(inputs, Tensor):
        return inputs.data.shape
    if isinstance(inputs, dict):
        return [x.shape for x in inputs.values()]
    return [x.shape for x in inputs] if isinstance(inputs, list) else inputs.shape


_parameters_cache = {}


def signature_parameters(function):
    """The names of the parameters of `function` (none for a callable without a signature,
    as some builtins are)."""
    try:
        return frozenset(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return frozenset()


def _parameters(function):
    """`signature_parameters(function)`, cached (for the call methods of layer classes)."""
    names = _parameters_cache.get(function)
    if names is None:
        names = _parameters_cache[function] = signature_parameters(function)
    return names


def _accepts(function, argument):
    return argument in _parameters(function)


# symbolic.py builds on Layer (its OpLayer is one), so it is imported once Layer exists.
from .symbolic import (Node, SymbolicTensor, flatten, from_shapes, infer_outputs,  # noqa: E402
                       shapes_of)

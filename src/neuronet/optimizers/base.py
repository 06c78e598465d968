"""Optimizer: the base class of every optimizer (Keras 3 semantics).

One call of `apply(grads, variables)` is one training step:

    1. drop the variables whose gradient is None,
       (with `gradient_accumulation_steps` = n: add the gradients to accumulators, and go
       on with their mean only on every n-th call; the other calls skip to step 5)
    2. clip the gradients (`clipnorm`, `clipvalue` or `global_clipnorm`),
    3. decay the weights (`weight_decay`, decoupled: w -= w * weight_decay * lr),
    4. run the optimizer's own `update_step(gradient, variable, learning_rate)` on each
       (or its `flat_step` on all of them at once, when it has one),
    5. update the moving averages of the weights (`use_ema`),
    6. count the step in `iterations`,
    7. project the variables that have a `constraint` (e.g. NonNeg) back onto it.

Slot variables (momentums, accumulators, ...) are created on the first call by
`build(variables)`, one per trainable variable, and found again by the variable's
identity. Updates write the NumPy arrays of the variables in place; nothing is recorded
in the autodiff graph.
"""
import math
import re
import warnings
from numbers import Real

import numpy as np

from .. import backend, initializers
from ..autograd import Tensor, Variable
from . import schedules


class StepCounter(Variable):
    """The step counter: an int Variable (saved with the optimizer) that reads as an int."""

    def __init__(self, name="iteration"):
        super().__init__(np.array(0, dtype=np.int64), trainable=False, name=name)

    def __int__(self):
        return int(self.data)

    def increment(self):
        """Count one more step (in place, as plain int arithmetic)."""
        self.data[...] = int(self.data) + 1

    __index__ = __int__

    def __eq__(self, other):
        return int(self) == other

    __hash__ = Variable.__hash__


def _is_number(value):
    return isinstance(value, Real) and not isinstance(value, bool)


def check_hyperparameter(owner, name, value, low=0.0, high=math.inf):
    """`value` if it is a number in [low, high]; a ValueError naming it otherwise."""
    if not (_is_number(value) and low <= value <= high):
        raise ValueError(f"{owner}: `{name}` must be a float in [{low}, {high}]. "
                         f"Received: {name}={value!r}")
    return value


def _check_learning_rate(learning_rate):
    """A number (a 0-D array or Tensor becomes a float), a schedule or a callable."""
    if isinstance(learning_rate, (Tensor, np.ndarray)) and np.ndim(learning_rate) == 0:
        learning_rate = float(learning_rate)
    if not (_is_number(learning_rate) or callable(learning_rate)):
        raise ValueError(
            "Argument `learning_rate` should be a float, an instance of "
            "LearningRateSchedule, or a callable that takes no arguments and returns the "
            f"learning rate. Received instead: learning_rate={learning_rate!r}")
    return learning_rate


_FILLS = {"zeros": 0.0, "ones": 1.0}      # initializers that need no lookup


def _path(variable):
    """The variable's path with '/' replaced, to prefix the names of its slot variables."""
    return (variable.path or variable.name or "variable").replace("/", "_")


def _l2_norm(arrays):
    """The Euclidean norm of all the values of `arrays`, as a float."""
    return math.sqrt(sum(float(np.vdot(a, a)) for a in arrays))


def _pieces(flat, variables):
    """Consecutive pieces of the 1-D array `flat`, one per variable, in its shape (views)."""
    offset = 0
    for variable in variables:
        yield flat[offset:offset + variable.size].reshape(variable.shape)
        offset += variable.size


class SlotVariables(list):
    """The slot variables of one kind, one per trainable variable, in order. When they
    share a dtype their arrays are views into one flat buffer, `flat` (else None), so that
    an optimizer's `flat_step` updates all of them with one NumPy call per operation."""

    def __init__(self, variables):
        super().__init__(variables)
        self.flat = None
        if variables and len({v.dtype for v in variables}) == 1:
            self.flat = np.concatenate([v.data.reshape(-1) for v in variables])
            for v, piece in zip(variables, _pieces(self.flat, variables)):
                v.data = piece


class Optimizer:
    """Base class of the optimizers.

    Args:
        learning_rate: a float, a `schedules.LearningRateSchedule` (called with the
            step count), or a callable with no arguments returning the rate.
        weight_decay: if set, every step first shrinks each weight:
            `w -= w * weight_decay * learning_rate`.
        clipnorm: if set, each gradient is rescaled so that its norm is at most this.
        clipvalue: if set, each gradient is clipped to [-clipvalue, clipvalue].
        global_clipnorm: if set, all gradients are rescaled together so that their
            joint norm is at most this. At most one of the three clipping arguments.
        use_ema: keep an exponential moving average of the weights;
            `finalize_variable_values` copies it into the weights.
        ema_momentum: `average = ema_momentum * average + (1 - ema_momentum) * weight`.
        ema_overwrite_frequency: if set, copy the averages into the weights every this
            many steps.
        loss_scale_factor: if set, gradients are divided by it (see `scale_loss`).
        gradient_accumulation_steps: None, or an int n >= 2: the gradients of n calls are
            summed, and every n-th call updates the weights with their mean (the calls
            between still count in `iterations`, as in Keras).
        name: the name of the optimizer, prefix of its variables' names.
    """

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.")
        if kwargs:
            raise ValueError(f"{type(self).__name__}: argument(s) not recognized: {kwargs}")
        if gradient_accumulation_steps is not None and not (
                _is_number(gradient_accumulation_steps)
                and int(gradient_accumulation_steps) == gradient_accumulation_steps >= 2):
            raise ValueError(f"{type(self).__name__}: `gradient_accumulation_steps` must be an "
                             "integer >= 2. Received: "
                             f"gradient_accumulation_steps={gradient_accumulation_steps!r}")
        if sum(arg is not None for arg in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can "
                             f"be set. Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                             f"global_clipnorm={global_clipnorm}")
        if use_ema:
            if not 0 <= ema_momentum <= 1:
                raise ValueError("`ema_momentum` must be in the range [0, 1]. "
                                 f"Received: ema_momentum={ema_momentum}")
            if ema_overwrite_frequency is not None and not (
                    isinstance(ema_overwrite_frequency, int) and ema_overwrite_frequency >= 1):
                raise ValueError("`ema_overwrite_frequency` must be an integer >= 1 or None. "
                                 f"Received: ema_overwrite_frequency={ema_overwrite_frequency}")
        learning_rate = _check_learning_rate(learning_rate)

        self.name = name or backend.snake_case(type(self).__name__)       # Keras: sgd, adam_w
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False

        self._variables = []                # every optimizer variable, in creation order
        self._trainable_variables = []
        self._trainable_variables_indices = {}   # id(variable) -> index in the list above
        self._trainable_ids = []            # [id(variable)] of that list, in order
        self._exclude_from_weight_decay = set()
        self._exclude_from_weight_decay_pattern = None
        self._slot_lists = []               # every SlotVariables of add_optimizer_variables
        self._flat_capable = None           # see _updates_flat
        self._flat_scratch = None           # see _flat_buffers

        self._iterations = self._track(StepCounter(name=f"{self.name}/iteration"))
        if _is_number(learning_rate):
            learning_rate = self._track(Variable(np.array(learning_rate, backend.floatx()),
                                                 trainable=False,
                                                 name=f"{self.name}/learning_rate"))
        self._learning_rate = learning_rate

    # --- state ----------------------------------------------------------------------------
    @property
    def iterations(self):
        """The number of steps applied so far (an int Variable; `== n` compares values).
        With gradient accumulation over n calls, the number of updates: calls // n (an int),
        as Keras counts them (learning-rate schedules still see the calls)."""
        if self.gradient_accumulation_steps:
            return int(self._iterations) // self.gradient_accumulation_steps
        return self._iterations

    @property
    def variables(self):
        """The optimizer's own variables: step counter, learning rate, slot variables."""
        return self._variables[:]

    def _track(self, variable):
        self._variables.append(variable)
        return variable

    def build(self, variables):
        """Register the trainable variables; subclasses create their slot variables."""
        self._trainable_variables = list(variables)
        self._trainable_variables_indices = {id(v): i for i, v in enumerate(variables)}
        self._trainable_ids = [id(v) for v in variables]
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(
                variables, "average")
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = self.add_optimizer_variables(
                variables, "gradient_accumulator")
        self.built = True

    def add_variable(self, shape, initializer="zeros", dtype=None, name=None):
        """A new non-trainable optimizer variable: `initializer` is a number to fill it
        with, or an initializer (name or object) as in Keras."""
        dtype = dtype or backend.floatx()
        fill = _FILLS.get(initializer, initializer) if isinstance(initializer, str) else initializer
        if isinstance(fill, Real):
            value = np.full(shape, fill, dtype=dtype)
        else:
            value = initializers.get(fill)(tuple(shape), dtype=dtype)
        return self._track(Variable(value, trainable=False, name=f"{self.name}/{name}"))

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A new optimizer variable of the shape and dtype of `reference_variable` (a slot
        of it, as Keras' custom optimizers make them)."""
        return self.add_variable(reference_variable.shape, initializer, reference_variable.dtype,
                                 name=f"{_path(reference_variable)}_{name or 'var'}")

    def add_optimizer_variables(self, variables, names, initializer="zeros"):
        """Slot variables of each trainable variable (same shape and dtype), made with
        `initializer` (see `add_variable`).

        `names` is one name (returns one list) or several (returns one list per name);
        they are created variable by variable, all names at a time, in Keras' order.
        """
        single = isinstance(names, str)
        names = [names] if single else list(names)
        slots = [[] for _ in names]
        for v in variables:
            for slot, name in zip(slots, names):
                slot.append(self.add_variable_from_reference(v, name, initializer))
        slots = [SlotVariables(slot) for slot in slots]
        self._slot_lists.extend(slots)
        return slots[0] if single else slots

    def _get_variable_index(self, variable):
        return self._trainable_variables_indices[id(variable)]

    # Keras' in-place updates, for the update_step of custom optimizers
    def assign(self, variable, value):
        variable.assign(value)

    def assign_add(self, variable, value):
        variable.assign_add(value)

    def assign_sub(self, variable, value):
        variable.assign_sub(value)

    # --- learning rate --------------------------------------------------------------------
    @property
    def learning_rate(self):
        """The current learning rate: a float Variable, or the schedule's value at
        `iterations`. Settable to a float, a schedule or a callable."""
        if isinstance(self._learning_rate, schedules.LearningRateSchedule):
            return self._learning_rate(int(self._iterations))
        if isinstance(self._learning_rate, Variable):
            return self._learning_rate
        return self._learning_rate()

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        learning_rate = _check_learning_rate(learning_rate)
        if callable(learning_rate):       # a schedule or a callable replaces the variable
            self._variables = [v for v in self._variables if v is not self._learning_rate]
            self._learning_rate = learning_rate
        elif isinstance(self._learning_rate, Variable):
            self._learning_rate.assign(learning_rate)
        else:
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its "
                "`learning_rate` constructor argument, hence its learning rate is not "
                "settable. If you need the learning rate to be settable, you should "
                "instantiate the optimizer with a float `learning_rate` argument.")

    # --- one training step ----------------------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        """Apply one step from (gradient, variable) pairs; returns `iterations`."""
        pairs = list(grads_and_vars)
        if pairs:
            grads, variables = zip(*pairs)
            self.apply(grads, variables)
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """One step: update `trainable_variables` (default: those the optimizer was built
        with) from `grads` (arrays or Tensors, None for "no gradient")."""
        grads = list(grads)
        if not grads:
            return
        trainable_variables, every = self._variables_to_apply(grads, trainable_variables)

        grads, variables = self._filter_empty_gradients(grads, trainable_variables)
        every = every and len(variables) == len(trainable_variables)
        grads = [self._as_gradient(g, v) for g, v in zip(grads, variables)]
        if self.loss_scale_factor is not None:
            grads = [g / self.loss_scale_factor for g in grads]
        if self.gradient_accumulation_steps:
            grads = self._accumulate(grads, variables)
        if grads is not None:
            grads = self._clip_gradients(grads)
            learning_rate = float(self.learning_rate)
            self._apply_weight_decay(variables, learning_rate)
            self._update_variables(grads, variables, learning_rate, every)
        if self.use_ema:
            self._update_moving_averages()
        self._iterations.increment()
        for variable in variables:
            constraint = getattr(variable, "constraint", None)
            if constraint is not None:
                variable.assign(constraint(variable))

    def _variables_to_apply(self, grads, trainable_variables):
        """(variables, every): the variables that `apply` updates from `grads` (a list),
        `trainable_variables` or those the optimizer was built with when None, checked one
        per gradient and known to the optimizer (which is built on them first when it is
        not yet); `every`: whether they are all its variables, in order."""
        if trainable_variables is None:
            if not self.built:
                raise ValueError("When passing `grads` without `variables`, the optimizer "
                                 "must already be built on a list of variables. Call "
                                 "`optimizer.build(trainable_variables)` first.")
            trainable_variables = self._trainable_variables
        trainable_variables = list(trainable_variables)
        if len(grads) != len(trainable_variables):
            raise ValueError(f"{self.name}.apply: expected one gradient per variable, "
                             f"received {len(grads)} gradients for "
                             f"{len(trainable_variables)} variables")
        if not self.built:
            self.build(trainable_variables)
        return trainable_variables, self._check_variables_are_known(trainable_variables)

    def _accumulate(self, grads, variables):
        """Add `grads` to the variables' accumulators; on every n-th step (n =
        gradient_accumulation_steps) return the mean of the n gradients and reset the
        accumulators, on the others None."""
        steps = self.gradient_accumulation_steps
        accumulators = [self._accumulated_gradients[self._get_variable_index(v)].data
                        for v in variables]
        if (int(self._iterations) + 1) % steps:
            for accumulator, gradient in zip(accumulators, grads):
                accumulator += gradient
            return None
        means = [(gradient + accumulator) / steps
                 for gradient, accumulator in zip(grads, accumulators)]
        for accumulator in accumulators:
            accumulator[...] = 0
        return means

    def update_step(self, gradient, variable, learning_rate):
        """Update one variable in place from its gradient (an array of its dtype)."""
        raise NotImplementedError(f"{type(self).__name__} must define `update_step`.")

    # An optimizer may also define `flat_step(gradient, learning_rate, out)`: the same update
    # for all its variables at once, on the flat buffers of its slots (see SlotVariables) and
    # the gradients concatenated in the order of the variables; it writes the flat step that
    # is subtracted from the variables into `out`.

    def _update_variables(self, grads, variables, learning_rate, every):
        """Update `variables` from `grads`; `every`: they are all the variables the optimizer
        was built with, in order."""
        if every and self._updates_flat():                   # all variables in one go
            gradient, step, pieces = self._flat_buffers()
            np.concatenate(grads, axis=None, out=gradient)
            self.flat_step(gradient, learning_rate, out=step)
            for variable, piece in zip(variables, pieces):
                variable.data -= piece
            return
        for gradient, variable in zip(grads, variables):
            self.update_step(gradient, variable, learning_rate)

    def _flat_buffers(self):
        """The scratch arrays of the flat update, made once: the gradients concatenated, the
        step, and views of the step's pieces in the shapes of the variables."""
        if self._flat_scratch is None:
            variables = self._trainable_variables
            size, dtype = sum(v.size for v in variables), variables[0].dtype
            step = np.empty(size, dtype)
            self._flat_scratch = (np.empty(size, dtype), step, list(_pieces(step, variables)))
        return self._flat_scratch

    def _updates_flat(self):
        """Whether `flat_step` can update all the variables at once: the optimizer defines it
        (and no subclass replaced the `update_step` beside it), and every slot list shares
        one flat buffer."""
        if self._flat_capable is None:
            owner = next((c for c in type(self).__mro__ if "flat_step" in vars(c)), None)
            self._flat_capable = bool(owner is not None and self._slot_lists
                                      and type(self).update_step is owner.update_step
                                      and all(s.flat is not None for s in self._slot_lists))
        return self._flat_capable

    def _are_all_variables(self, variables):
        """Whether `variables` are all those the optimizer was built with, in order (by
        identity: the ids of live objects are unique)."""
        return list(map(id, variables)) == self._trainable_ids

    def _check_variables_are_known(self, variables):
        """Whether `variables` are all those the optimizer was built with, in order; raises
        for one it was not built with."""
        if self._are_all_variables(variables):
            return True
        for v in variables:
            if id(v) not in self._trainable_variables_indices:
                raise ValueError(
                    f"Unknown variable: {v}. This optimizer can only be called for the "
                    "variables it was originally built with. When working with a new set "
                    "of variables, you should recreate a new optimizer instance.")
        return False

    def _filter_empty_gradients(self, grads, variables):
        if all(g is not None for g in grads):
            return grads, variables
        kept = [(g, v) for g, v in zip(grads, variables) if g is not None]
        if not kept:
            raise ValueError("No gradients provided for any variable.")
        if len(kept) < len(grads):
            missing = [v.name for g, v in zip(grads, variables) if g is None]
            warnings.warn(f"Gradients do not exist for variables {missing} when minimizing "
                          "the loss. If using `model.compile()`, did you forget to provide "
                          "a `loss` argument?")
        return [g for g, _ in kept], [v for _, v in kept]

    @staticmethod
    def _as_gradient(gradient, variable):
        """The gradient as an array of the variable's dtype and shape."""
        if isinstance(gradient, Tensor):
            gradient = gradient.data
        array = variable.data
        if type(gradient) is not np.ndarray or gradient.dtype != array.dtype:
            gradient = np.asarray(gradient, dtype=array.dtype)
        if gradient.shape != array.shape:
            raise ValueError(f"Gradient for variable {variable.name!r}: expected shape "
                             f"{variable.shape}, received {gradient.shape}")
        return gradient

    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            return [g * (self.clipnorm / max(_l2_norm([g]), self.clipnorm)) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            scale = self.global_clipnorm / max(_l2_norm(grads), self.global_clipnorm)
            return [g * scale for g in grads]
        if self.clipvalue and self.clipvalue > 0:
            return [np.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    # --- weight decay ---------------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exempt variables from weight decay: those in `var_list`, and those whose name
        contains one of the strings (regular expressions) in `var_names`, e.g. ['bias'].
        Call before the optimizer is built."""
        if self.built:
            raise ValueError("`exclude_from_weight_decay()` can only be configured before "
                             "the optimizer is built.")
        self._exclude_from_weight_decay = {id(v) for v in var_list or ()}
        self._exclude_from_weight_decay_pattern = (
            re.compile("|".join(var_names)) if var_names else None)

    def _use_weight_decay(self, variable):
        if id(variable) in self._exclude_from_weight_decay:
            return False
        pattern = self._exclude_from_weight_decay_pattern
        return pattern is None or pattern.search(variable.name or "") is None

    def _apply_weight_decay(self, variables, learning_rate):
        if self.weight_decay is None:
            return
        for variable in variables:
            if self._use_weight_decay(variable):
                variable.data -= variable.data * (self.weight_decay * learning_rate)

    # --- moving averages of the weights ---------------------------------------------------
    def _update_moving_averages(self):
        momentum = self.ema_momentum if int(self.iterations) != 0 else 0.0  # step 1: copy
        for variable, average in zip(self._trainable_variables,
                                     self._model_variables_moving_average):
            average.data[...] = momentum * average.data + (1.0 - momentum) * variable.data
        frequency = self.ema_overwrite_frequency
        if frequency and (int(self.iterations) + 1) % frequency == 0:
            self.finalize_variable_values(self._trainable_variables)

    def finalize_variable_values(self, var_list):
        """With `use_ema`, copy the moving averages into the variables (end of training)."""
        if not self.use_ema:
            return
        if len(var_list) != len(self._model_variables_moving_average):
            raise ValueError(
                f"The length of model variables ({len(var_list)}) to override does not "
                "match the length of model variables stored in the optimizer "
                f"({len(self._model_variables_moving_average)}).")
        for variable, average in zip(var_list, self._model_variables_moving_average):
            variable.assign(average.data)

    def scale_loss(self, loss):
        """The loss multiplied by `loss_scale_factor` (if set), before differentiation."""
        return loss if self.loss_scale_factor is None else loss * self.loss_scale_factor

    # --- saving ---------------------------------------------------------------------------
    def save_own_variables(self, store):
        """Write the optimizer's `variables` into `store` as {'0': array, '1': ...}."""
        for i, variable in enumerate(self.variables):
            store[str(i)] = variable.data.copy()

    def load_own_variables(self, store):
        """Read the variables written by `save_own_variables` (the optimizer must be built
        on the same variables)."""
        variables = self.variables
        if len(store) != len(variables):
            raise ValueError(f"Optimizer {self.name!r}: expected {len(variables)} "
                             f"saved variables, received {len(store)}. Build the optimizer "
                             "on the model's trainable variables before loading its state.")
        for i, variable in enumerate(variables):
            variable.assign(np.asarray(store[str(i)]))

    # --- config ---------------------------------------------------------------------------
    def get_config(self):
        """The constructor arguments as a dict (learning rate schedules serialized)."""
        learning_rate = self._learning_rate
        if isinstance(learning_rate, schedules.LearningRateSchedule):
            learning_rate = schedules.serialize(learning_rate)
        elif isinstance(learning_rate, Variable):
            learning_rate = float(learning_rate.data)
        return {"name": self.name, "learning_rate": learning_rate,
                "weight_decay": self.weight_decay, "clipnorm": self.clipnorm,
                "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
                "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency,
                "loss_scale_factor": self.loss_scale_factor,
                "gradient_accumulation_steps": self.gradient_accumulation_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A new optimizer (without state) from `get_config()`'s dict."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"],
                                                            custom_objects)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, iterations={int(self._iterations)}>"

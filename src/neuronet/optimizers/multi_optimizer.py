"""MultiOptimizer: different optimizers for different variables.

    optimizer_map = OptimizerMap(default_optimizer=Adam(), optimizer_map={"encoder/.*": SGD()})
    model.compile(optimizer=MultiOptimizer(optimizer_map), loss="mse")

An `OptimizerMap` picks a variable's optimizer by its path ("dense/kernel"); any callable
`selector(variable) -> optimizer` can take its place.
"""
import re
from collections.abc import MutableMapping

from .base import Optimizer
from .loss_scale_optimizer import LossScaleOptimizer


def _check_sub_optimizer(optimizer, where):
    """`optimizer` if it can be a sub-optimizer; a ValueError saying why otherwise."""
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"{where}: expected an Optimizer instance. "
                         f"Received: {optimizer!r} of type {type(optimizer).__name__}")
    if isinstance(optimizer, (LossScaleOptimizer, MultiOptimizer)):
        raise ValueError(f"{where}: a {type(optimizer).__name__} cannot be used inside a "
                         "MultiOptimizer; set `loss_scale_factor` on the MultiOptimizer "
                         f"instead. Received: {optimizer!r}")
    return optimizer


class OptimizerMap(MutableMapping):
    """An ordered mapping from variable paths (regular expressions) to optimizers, with a
    default optimizer for the variables no pattern matches.

    `optimizer_map[path]` is the optimizer of the key equal to `path`, else of the one
    pattern that matches all of `path` (`re.fullmatch`: "encoder/.*" for everything under
    "encoder"), else the default; two matching patterns are an error.
    `optimizer_map(variable)` looks up `variable.path`.

    Args:
        default_optimizer: the `Optimizer` of the unmatched variables.
        optimizer_map: a dict {pattern: Optimizer} (default: empty).
    """

    def __init__(self, default_optimizer, optimizer_map=None):
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError("OptimizerMap: `default_optimizer` must be an Optimizer "
                            f"instance. Received: default_optimizer={default_optimizer!r}")
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError("OptimizerMap: `optimizer_map` must be a dict {pattern: "
                            f"Optimizer}} or None. Received: optimizer_map={optimizer_map!r}")
        self._default_optimizer = default_optimizer
        self._optimizer_map = {}
        for key, optimizer in (optimizer_map or {}).items():
            self[key] = optimizer

    @property
    def default_optimizer(self):
        return self._default_optimizer

    def __getitem__(self, key):
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matches = [pattern for pattern in self._optimizer_map if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(f"Multiple optimizers assigned to variable {key!r}: the "
                             f"patterns {matches} all match it.")
        return self._optimizer_map[matches[0]] if matches else self._default_optimizer

    def __setitem__(self, key, optimizer):
        if not isinstance(key, str):
            raise ValueError(f"OptimizerMap: a key must be a string (a variable path or a "
                             f"regular expression). Received: key={key!r}")
        if key in self._optimizer_map:
            raise ValueError(f"OptimizerMap: {key!r} already exists with value "
                             f"{self._optimizer_map[key]!r}; keys cannot be duplicated.")
        self._optimizer_map[key] = _check_sub_optimizer(optimizer, f"OptimizerMap[{key!r}]")

    def __delitem__(self, key):
        del self._optimizer_map[key]

    def __len__(self):
        return len(self._optimizer_map)

    def __iter__(self):
        return iter(self._optimizer_map)

    def __call__(self, variable):
        return self[variable.path or variable.name or ""]

    def get_config(self):
        from ..saving.serialization import serialize_keras_object
        return {"default_optimizer": serialize_keras_object(self._default_optimizer),
                "optimizer_map": serialize_keras_object(self._optimizer_map)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..saving.serialization import deserialize_keras_object
        return cls(deserialize_keras_object(config["default_optimizer"], custom_objects),
                   deserialize_keras_object(config["optimizer_map"], custom_objects))


class MultiOptimizer(Optimizer):
    """Delegates each variable to its own optimizer.

    `optimizer_map` (an `OptimizerMap`, or a callable `variable -> Optimizer`) is asked
    once per variable when the optimizer is built; each step then passes every
    sub-optimizer the gradients of its variables. `optimizers` lists the sub-optimizers
    (those of an OptimizerMap first, its default last, then any others the callable
    returned); `variables` are this optimizer's own (`iterations`, counting its steps)
    followed by theirs, in that order.

    There is no single learning rate: reading or setting `learning_rate` raises an
    AttributeError; use those of `optimizers`.

    Args:
        optimizer_map: an `OptimizerMap` or a callable returning an optimizer for a variable.
        loss_scale_factor: if set, it replaces the sub-optimizers' `loss_scale_factor`.
        name: the optimizer's name (default "multi_optimizer").
    """

    def __init__(self, optimizer_map, loss_scale_factor=None, name=None):
        if not callable(optimizer_map):
            raise ValueError("MultiOptimizer: `optimizer_map` must be an OptimizerMap or a "
                             "callable returning the optimizer of a variable. Received: "
                             f"optimizer_map={optimizer_map!r}")
        self._inner_optimizers = []
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor,
                         name=name or "multi_optimizer")
        self._optimizer_map = optimizer_map
        if isinstance(optimizer_map, OptimizerMap):
            for optimizer in [*optimizer_map.values(), optimizer_map.default_optimizer]:
                self._index_of(optimizer)

    def _index_of(self, optimizer):
        """The position of `optimizer` in `optimizers`, where it is added if new."""
        for i, known in enumerate(self._inner_optimizers):
            if known is optimizer:
                return i
        optimizer.loss_scale_factor = self.loss_scale_factor
        self._inner_optimizers.append(optimizer)
        return len(self._inner_optimizers) - 1

    def build(self, variables):
        """Ask `optimizer_map` for the optimizer of each variable and build every
        sub-optimizer on its variables."""
        if self.built:
            return
        variables = list(variables)
        self._optimizer_index = {}                       # id(variable) -> optimizer index
        for variable in variables:
            optimizer = _check_sub_optimizer(
                self._optimizer_map(variable),
                f"MultiOptimizer: the optimizer of variable {variable.path or variable.name!r}")
            self._optimizer_index[id(variable)] = self._index_of(optimizer)
        for optimizer, (group, _) in zip(self._inner_optimizers, self._split(variables)):
            if group and not optimizer.built:
                optimizer.build(group)
        super().build(variables)

    def _split(self, variables, grads=None):
        """`variables` and their `grads` split by sub-optimizer: one pair of lists
        (variables, grads) per optimizer, in the order of `optimizers`."""
        groups = [([], []) for _ in self._inner_optimizers]
        for i, variable in enumerate(variables):
            group_variables, group_grads = groups[self._optimizer_index[id(variable)]]
            group_variables.append(variable)
            group_grads.append(None if grads is None else grads[i])
        return groups

    @property
    def optimizers(self):
        """The sub-optimizers."""
        return self._inner_optimizers

    @property
    def variables(self):
        variables = self._variables[:]
        for optimizer in self._inner_optimizers:
            variables.extend(optimizer.variables)
        return variables

    @property
    def learning_rate(self):
        raise AttributeError("Learning rate cannot be accessed on a MultiOptimizer. Access "
                             "the learning rate on the individual sub-optimizers instead "
                             "(`optimizer.optimizers`).")

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        raise AttributeError("Learning rate cannot be set on a MultiOptimizer. Set the "
                             "learning rate on the individual sub-optimizers instead "
                             "(`optimizer.optimizers`).")

    @property
    def loss_scale_factor(self):
        return self._loss_scale_factor

    @loss_scale_factor.setter
    def loss_scale_factor(self, value):
        self._loss_scale_factor = value
        for optimizer in self._inner_optimizers:
            optimizer.loss_scale_factor = value

    def apply(self, grads, trainable_variables=None):
        """One step: each sub-optimizer applies the gradients of its variables."""
        grads = list(grads)
        if not grads:
            return
        trainable_variables, _ = self._variables_to_apply(grads, trainable_variables)
        for optimizer, (variables, group_grads) in zip(
                self._inner_optimizers, self._split(trainable_variables, grads)):
            if variables:
                optimizer.apply(group_grads, variables)
        self._iterations.increment()

    def finalize_variable_values(self, var_list):
        for optimizer, (group, _) in zip(self._inner_optimizers, self._split(var_list)):
            if group:
                optimizer.finalize_variable_values(group)

    def get_config(self):
        from ..saving.serialization import serialize_keras_object
        optimizer_map = self._optimizer_map
        if isinstance(optimizer_map, OptimizerMap):      # in Keras 3's layout
            optimizer_map = {"module": "keras.optimizers", "class_name": "OptimizerMap",
                             "config": optimizer_map.get_config(), "registered_name": None}
        else:
            optimizer_map = serialize_keras_object(optimizer_map)
        return {"optimizer_map": optimizer_map, "loss_scale_factor": self.loss_scale_factor,
                "name": self.name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..saving.serialization import deserialize_keras_object
        config = dict(config)
        optimizer_map = config.pop("optimizer_map")
        if isinstance(optimizer_map, dict) and optimizer_map.get("class_name") == "OptimizerMap":
            optimizer_map = OptimizerMap.from_config(optimizer_map["config"], custom_objects)
        else:
            optimizer_map = deserialize_keras_object(optimizer_map, custom_objects)
        return cls(optimizer_map, **config)

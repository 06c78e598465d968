"""LossScaleOptimizer: dynamic loss scaling around another optimizer."""
import numpy as np

from ..autograd import Tensor
from .base import Optimizer, StepCounter, _is_number

# The base optimizer arguments Keras still accepts in a config, at their defaults only.
_BASE_DEFAULTS = {"weight_decay": None, "clipnorm": None, "global_clipnorm": None,
                  "clipvalue": None, "use_ema": False, "ema_momentum": 0.99,
                  "ema_overwrite_frequency": None, "loss_scale_factor": None,
                  "gradient_accumulation_steps": None}


class LossScaleOptimizer(Optimizer):
    """Wraps `inner_optimizer` with dynamic loss scaling, against the underflow of small
    gradients in low precision (float16).

    `scale_loss(loss)` multiplies the loss by the current scale before differentiation,
    and `apply` divides the gradients by it before the inner optimizer's step. Then:

    - if a gradient holds an inf or a NaN, the step is skipped (the inner optimizer and
      its `iterations` are untouched) and the scale is halved;
    - after `dynamic_growth_steps` steps in a row with finite gradients, the scale is
      doubled.

    `learning_rate`, `iterations` and `finalize_variable_values` are the inner
    optimizer's; `variables` are this optimizer's followed by the inner one's.

    Args:
        inner_optimizer: the `Optimizer` that takes the steps.
        initial_scale: the scale at the start, > 0 (default 2**15).
        dynamic_growth_steps: finite steps between two doublings, >= 1 (default 2000).
        name: the optimizer's name (default "loss_scale_optimizer").
    """

    def __init__(self, inner_optimizer, initial_scale=2.0 ** 15, dynamic_growth_steps=2000,
                 name=None, **kwargs):
        if not kwargs.pop("dynamic", True):
            raise ValueError("LossScaleOptimizer no longer supports `dynamic=False`. "
                             "Instead, set `loss_scale_factor` on the `inner_optimizer`.")
        for arg, default in _BASE_DEFAULTS.items():
            if arg in kwargs and kwargs.pop(arg) != default:
                raise ValueError(f"LossScaleOptimizer does not support `{arg}`. Instead, "
                                 f"set `{arg}` on the `inner_optimizer`.")
        if kwargs:
            raise ValueError(f"LossScaleOptimizer does not support arguments: {sorted(kwargs)}")
        if not isinstance(inner_optimizer, Optimizer):
            raise ValueError("LossScaleOptimizer: `inner_optimizer` must be an Optimizer "
                             f"instance. Received: inner_optimizer={inner_optimizer!r}")
        if not (_is_number(initial_scale) and initial_scale > 0):
            raise ValueError("LossScaleOptimizer: `initial_scale` must be a float > 0. "
                             f"Received: initial_scale={initial_scale!r}")
        if not (isinstance(dynamic_growth_steps, int) and
                not isinstance(dynamic_growth_steps, bool) and dynamic_growth_steps >= 1):
            raise ValueError("LossScaleOptimizer: `dynamic_growth_steps` must be an integer "
                             f">= 1. Received: dynamic_growth_steps={dynamic_growth_steps!r}")
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        inner_optimizer.loss_scale_factor = None         # else gradients are unscaled twice

    def build(self, variables):
        if self.built:
            return
        self.step_counter = self._track(StepCounter(name=f"{self.name}/step_counter"))
        self.dynamic_scale = self.add_variable((), self.initial_scale, "float32",
                                               name="dynamic_scale")
        if not self.inner_optimizer.built:
            self.inner_optimizer.build(variables)
        super().build(variables)

    @property
    def variables(self):
        return self._variables + self.inner_optimizer.variables

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        self.inner_optimizer.learning_rate = learning_rate

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    def scale_loss(self, loss):
        """The loss multiplied by the current scale."""
        scale = float(self.dynamic_scale.data) if self.built else self.initial_scale
        return loss * scale

    def apply(self, grads, trainable_variables=None):
        """Unscale the gradients and let the inner optimizer step, or skip the step if one
        is not finite; then update the scale."""
        grads = [g.data if isinstance(g, Tensor) else g for g in grads]
        if not self.built:
            if trainable_variables is None:
                raise ValueError("When passing `grads` without `variables`, the optimizer "
                                 "must already be built on a list of variables. Call "
                                 "`optimizer.build(trainable_variables)` first.")
            self.build(list(trainable_variables))
        if not all(np.all(np.isfinite(g)) for g in grads if g is not None):
            self.step_counter.data[...] = 0
            self.dynamic_scale.data[...] *= 0.5
            return
        scale = self.dynamic_scale.data
        self.inner_optimizer.apply([None if g is None else np.asarray(g) / scale
                                    for g in grads], trainable_variables)
        if int(self.step_counter) == self.dynamic_growth_steps - 1:
            self.step_counter.data[...] = 0
            self.dynamic_scale.data[...] *= 2.0
        else:
            self.step_counter.increment()

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self):
        from ..saving.serialization import serialize_keras_object
        return {"name": self.name,
                "inner_optimizer": serialize_keras_object(self.inner_optimizer),
                "initial_scale": self.initial_scale,
                "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize
        config = dict(config)
        inner = config.pop("inner_optimizer")
        if isinstance(inner, dict):
            inner = deserialize(inner, custom_objects)
        return cls(inner, **config)

"""Adagrad: per-weight learning rates that shrink with the sum of squared gradients."""
import numpy as np

from .base import Optimizer, check_hyperparameter


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011):

        accumulator = accumulator + g**2            # starts at initial_accumulator_value
        w = w - learning_rate * g / sqrt(accumulator + epsilon)

    `epsilon` sits inside the square root (PyTorch adds it after the root, and starts
    the accumulator at 0 by default).

    Args:
        learning_rate: float or schedule (default 0.001).
        initial_accumulator_value: starting value of the accumulators, >= 0 (default 0.1).
        epsilon: small constant for numerical stability (default 1e-7).
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, `use_ema`,
            ... (see `Optimizer`).
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.initial_accumulator_value = check_hyperparameter(
            "Adagrad", "initial_accumulator_value", initial_accumulator_value)
        self.epsilon = check_hyperparameter("Adagrad", "epsilon", epsilon)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._accumulators = self.add_optimizer_variables(
            variables, "accumulator", initializer=self.initial_accumulator_value)

    def update_step(self, gradient, variable, learning_rate):
        accumulator = self._accumulators[self._get_variable_index(variable)].data
        accumulator += np.square(gradient)
        variable.data -= learning_rate * gradient / np.sqrt(accumulator + self.epsilon)

    def get_config(self):
        return {**super().get_config(),
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}

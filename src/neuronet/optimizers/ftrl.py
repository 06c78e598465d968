"""FTRL-Proximal: "Follow The Regularized Leader" (McMahan et al., 2013, "Ad Click
Prediction: a View from the Trenches")."""
import math

import numpy as np

from .base import Optimizer, check_hyperparameter


class Ftrl(Optimizer):
    """FTRL-Proximal, with L1 and L2 regularization in closed form; suited to shallow
    models with large, sparse inputs (the L1 term sets weights exactly to 0). With
    p = learning_rate_power, each step:

        g_s = g + 2 * l2_shrinkage_regularization_strength * w      # shrinkage-type L2
        n_new = n + g**2                                            # n starts at
        z = z + g_s - (n_new**(-p) - n**(-p)) / learning_rate * w   # initial_accumulator_value
        n = n_new
        quadratic = n**(-p) / learning_rate + 2 * (l2 + beta / (2 * learning_rate))
        w = (clip(z, -l1, l1) - z) / quadratic        # 0 where |z| <= l1

    where l1 and l2 are `l1_regularization_strength` and `l2_regularization_strength`.

    Args:
        learning_rate: float or schedule (default 0.001).
        learning_rate_power: p <= 0, how fast the per-weight rates decrease; 0 keeps
            them fixed (default -0.5).
        initial_accumulator_value: starting value of n, >= 0 (default 0.1).
        l1_regularization_strength: >= 0 (default 0.0).
        l2_regularization_strength: >= 0, the stabilizing L2 penalty of the paper
            (default 0.0).
        l2_shrinkage_regularization_strength: >= 0, an L2 penalty added to the loss
            (a magnitude penalty, unlike the one above) (default 0.0).
        beta: >= 0, the beta of the paper (default 0.0).
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, `use_ema`,
            ... (see `Optimizer`).
    """

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5,
                 initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0,
                 beta=0.0, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.learning_rate_power = check_hyperparameter(
            "Ftrl", "learning_rate_power", learning_rate_power, -math.inf, 0)
        self.initial_accumulator_value = check_hyperparameter(
            "Ftrl", "initial_accumulator_value", initial_accumulator_value)
        self.l1_regularization_strength = check_hyperparameter(
            "Ftrl", "l1_regularization_strength", l1_regularization_strength)
        self.l2_regularization_strength = check_hyperparameter(
            "Ftrl", "l2_regularization_strength", l2_regularization_strength)
        self.l2_shrinkage_regularization_strength = check_hyperparameter(
            "Ftrl", "l2_shrinkage_regularization_strength",
            l2_shrinkage_regularization_strength)
        self.beta = check_hyperparameter("Ftrl", "beta", beta)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._accumulators, self._linears = self.add_optimizer_variables(
            variables, ["accumulator", "linear"])
        for accumulator in self._accumulators:
            accumulator.data[...] = self.initial_accumulator_value

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        n, z, w = self._accumulators[i].data, self._linears[i].data, variable.data
        power = -self.learning_rate_power
        l1 = self.l1_regularization_strength
        l2 = self.l2_regularization_strength + self.beta / (2.0 * learning_rate)

        old_rate = np.power(n, power)               # n**(-p) before the step
        n += np.square(gradient)
        new_rate = np.power(n, power)
        z += gradient + (2 * self.l2_shrinkage_regularization_strength) * w
        z -= (new_rate - old_rate) / learning_rate * w
        quadratic = new_rate / learning_rate + 2 * l2
        w[...] = (np.clip(z, -l1, l1) - z) / quadratic

    def get_config(self):
        return {**super().get_config(),
                "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength":
                    self.l2_shrinkage_regularization_strength,
                "beta": self.beta}

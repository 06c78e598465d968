"""Adamax: Adam with the infinity norm in place of the second moment."""
import numpy as np

from .base import Optimizer, check_hyperparameter


class Adamax(Optimizer):
    """Adamax (Kingma & Ba, 2014, section 7.1). At step t (from 1):

        m = beta_1 * m + (1 - beta_1) * g
        u = max(beta_2 * u, |g|)
        w = w - learning_rate / (1 - beta_1**t) * m / (u + epsilon)

    (PyTorch adds epsilon to |g| inside the max.)

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_1: decay rate of the first moment (default 0.9).
        beta_2: decay rate of the infinity norm (default 0.999).
        epsilon: small constant for numerical stability (default 1e-7).
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, `use_ema`,
            ... (see `Optimizer`).
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = check_hyperparameter("Adamax", "beta_1", beta_1, 0, 1)
        self.beta_2 = check_hyperparameter("Adamax", "beta_2", beta_2, 0, 1)
        self.epsilon = check_hyperparameter("Adamax", "epsilon", epsilon)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._m, self._u = self.add_optimizer_variables(variables, ["momentum", "norm"])

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        m, u = self._m[i].data, self._u[i].data
        t = int(self.iterations) + 1
        m += (gradient - m) * (1 - self.beta_1)
        np.maximum(self.beta_2 * u, np.abs(gradient), out=u)
        step_size = learning_rate / (1 - self.beta_1 ** t)
        variable.data -= step_size * m / (u + self.epsilon)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}

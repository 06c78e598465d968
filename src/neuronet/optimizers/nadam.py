"""Nadam: Adam with Nesterov momentum (Dozat, 2015)."""

import numpy as np

from .base import Optimizer, check_hyperparameter


class Nadam(Optimizer):
    """Nadam: Adam whose momentum looks one step ahead, with Dozat's momentum schedule
    mu_t = beta_1 * (1 - 0.5 * 0.96**t). At step t (from 1):

        mu_product = mu_1 * mu_2 * ... * mu_t
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        m_hat = mu_{t+1} * m / (1 - mu_product * mu_{t+1}) + (1 - mu_t) * g / (1 - mu_product)
        v_hat = v / (1 - beta_2**t)
        w = w - learning_rate * m_hat / (sqrt(v_hat) + epsilon)

    (PyTorch's NAdam with `momentum_decay=1.0` follows the same rule.)

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_1: decay rate of the first moment (default 0.9).
        beta_2: decay rate of the second moment (default 0.999).
        epsilon: small constant for numerical stability (default 1e-7).
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, `use_ema`,
            ... (see `Optimizer`).
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = check_hyperparameter("Nadam", "beta_1", beta_1, 0, 1)
        self.beta_2 = check_hyperparameter("Nadam", "beta_2", beta_2, 0, 1)
        self.epsilon = check_hyperparameter("Nadam", "epsilon", epsilon)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(
            variables, ["momentum", "velocity"])
        dtype = variables[0].dtype if variables else None
        self._u_product = self.add_variable((), 1.0, dtype, name="u_product")

    def _momentum_at(self, t):
        """Dozat's momentum schedule mu_t."""
        return self.beta_1 * (1.0 - 0.5 * 0.96 ** t)

    def _update_variables(self, grads, variables, learning_rate, every):
        t = int(self.iterations) + 1
        self._u_product.data *= self._momentum_at(t)    # shared by all variables
        super()._update_variables(grads, variables, learning_rate, every)

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        m, v = self._momentums[i].data, self._velocities[i].data
        t = int(self.iterations) + 1
        mu_t, mu_next = self._momentum_at(t), self._momentum_at(t + 1)
        u_product = float(self._u_product.data)
        u_product_next = u_product * mu_next

        m += (gradient - m) * (1 - self.beta_1)
        v += (np.square(gradient) - v) * (1 - self.beta_2)
        m_hat = (mu_next / (1 - u_product_next)) * m + ((1 - mu_t) / (1 - u_product)) * gradient
        v_hat = v / (1 - self.beta_2 ** t)
        variable.data -= learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}

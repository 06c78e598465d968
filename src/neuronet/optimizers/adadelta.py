"""Adadelta: steps sized by running averages of past squared gradients and updates."""
import numpy as np

from .base import Optimizer, check_hyperparameter


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012), with a learning rate as in the other optimizers:

        E[g2] = rho * E[g2] + (1 - rho) * g**2
        delta = -sqrt(E[dx2] + epsilon) / sqrt(E[g2] + epsilon) * g
        E[dx2] = rho * E[dx2] + (1 - rho) * delta**2
        w = w + learning_rate * delta

    Args:
        learning_rate: float or schedule (default 0.001; 1.0 is the paper's form).
        rho: decay rate of the running averages (default 0.95).
        epsilon: small constant for numerical stability (default 1e-7).
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, `use_ema`,
            ... (see `Optimizer`).
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, name=None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = check_hyperparameter("Adadelta", "rho", rho, 0, 1)
        self.epsilon = check_hyperparameter("Adadelta", "epsilon", epsilon)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            variables, ["accumulated_grad", "accumulated_delta_var"])

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        rho, epsilon = self.rho, self.epsilon
        mean_square_grad = self._accumulated_grads[i].data
        mean_square_delta = self._accumulated_delta_vars[i].data

        mean_square_grad *= rho
        mean_square_grad += (1 - rho) * np.square(gradient)
        delta = -np.sqrt(mean_square_delta + epsilon) / np.sqrt(mean_square_grad + epsilon)
        delta *= gradient
        mean_square_delta *= rho
        mean_square_delta += (1 - rho) * np.square(delta)
        variable.data += learning_rate * delta

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}

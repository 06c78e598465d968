"""Lamb: Adam with a layer-wise trust ratio (You et al., 2019, "Large Batch Optimization
for Deep Learning: Training BERT in 76 minutes")."""
import numpy as np

from .base import Optimizer, check_hyperparameter


class Lamb(Optimizer):
    """Lamb: the bias-corrected Adam direction, rescaled per variable so that the step's
    norm is proportional to the weight's norm. At step t (from 1):

        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        update = (m / (1 - beta_1**t)) / (sqrt(v / (1 - beta_2**t)) + epsilon)
        ratio = ||w|| / ||update||        # 1 when either norm is 0
        w = w - learning_rate * ratio * update

    The norms are Euclidean norms over the whole variable (a layer's kernel, its bias).

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
        self.beta_1 = check_hyperparameter("Lamb", "beta_1", beta_1, 0, 1)
        self.beta_2 = check_hyperparameter("Lamb", "beta_2", beta_2, 0, 1)
        self.epsilon = check_hyperparameter("Lamb", "epsilon", epsilon)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(
            variables, ["momentum", "velocity"])

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        m, v = self._momentums[i].data, self._velocities[i].data
        t = int(self.iterations) + 1
        m += (gradient - m) * (1 - self.beta_1)
        v += (np.square(gradient) - v) * (1 - self.beta_2)
        update = m / (1 - self.beta_1 ** t)
        update /= np.sqrt(v / (1 - self.beta_2 ** t)) + self.epsilon
        w_norm, update_norm = float(np.linalg.norm(variable.data)), float(np.linalg.norm(update))
        ratio = w_norm / update_norm if w_norm > 0 and update_norm > 0 else 1.0
        variable.data -= (learning_rate * ratio) * update

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}

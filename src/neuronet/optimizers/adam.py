"""Adam: adaptive moment estimation (Kingma & Ba, 2014), with the AMSGrad variant."""
import math

import numpy as np

from .base import Optimizer, check_hyperparameter


class Adam(Optimizer):
    """Adam: steps along a running mean of the gradients, scaled per weight by the root
    of a running mean of their squares. At step t (from 1):

        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        v_hat = max(v_hat, v)                       # amsgrad=True only, then v := v_hat
        alpha = learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w = w - alpha * m / (sqrt(v) + epsilon)

    `epsilon` is "epsilon hat" of the paper: it is added after the bias correction
    is folded into `alpha` (PyTorch adds it to sqrt(v / (1 - beta_2**t))).

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_1: decay rate of the first moment (default 0.9).
        beta_2: decay rate of the second moment (default 0.999).
        epsilon: small constant for numerical stability (default 1e-7).
        amsgrad: use the AMSGrad variant (default False).
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, `use_ema`,
            ... (see `Optimizer`).
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        owner = type(self).__name__
        self.beta_1 = check_hyperparameter(owner, "beta_1", beta_1, 0, 1)
        self.beta_2 = check_hyperparameter(owner, "beta_2", beta_2, 0, 1)
        self.epsilon = check_hyperparameter(owner, "epsilon", epsilon)
        self.amsgrad = amsgrad

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(
            variables, ["momentum", "velocity"])
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(variables, "velocity_hat")

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        v_hat = self._velocity_hats[i].data if self.amsgrad else None
        variable.data -= self._step(gradient, self._momentums[i].data,
                                    self._velocities[i].data, v_hat, learning_rate)

    def flat_step(self, gradient, learning_rate, out):
        v_hat = self._velocity_hats.flat if self.amsgrad else None
        self._step(gradient, self._momentums.flat, self._velocities.flat, v_hat, learning_rate,
                   out)

    def _step(self, gradient, m, v, v_hat, learning_rate, out=None):
        """Update the moments m, v (and v_hat) in place; returns alpha m / (sqrt(v) + eps),
        written into `out` when given."""
        t = int(self.iterations) + 1
        alpha = learning_rate * math.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)
        step = np.subtract(gradient, m, out=out)         # one scratch array, updated in place
        step *= 1 - self.beta_1
        m += step                                        # m += (g - m) (1 - beta_1)
        np.square(gradient, out=step)
        step -= v
        step *= 1 - self.beta_2
        v += step                                        # v += (g^2 - v) (1 - beta_2)
        if v_hat is not None:
            np.maximum(v_hat, v, out=v_hat)
            v = v_hat
        np.sqrt(v, out=step)
        step += self.epsilon
        np.divide(m, step, out=step)
        step *= alpha
        return step                                      # var -= alpha m / (sqrt(v) + eps)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}

"""RMSprop: divide the gradient by a running root mean square of its recent values."""
import numpy as np

from .base import Optimizer, check_hyperparameter


class RMSprop(Optimizer):
    """RMSprop (Hinton, 2012), with optional plain momentum and a centered variant:

        v = rho * v + (1 - rho) * g**2
        a = rho * a + (1 - rho) * g                 # centered=True only
        increment = learning_rate * g / sqrt(v - a**2 + epsilon)   # (no a**2 if not centered)
        mom = momentum * mom + increment            # momentum > 0 only, then increment := mom
        w = w - increment

    `epsilon` sits inside the square root (PyTorch adds it after the root).

    Args:
        learning_rate: float or schedule (default 0.001).
        rho: discounting factor of the running averages (default 0.9).
        momentum: float in [0, 1] (default 0.0: no momentum).
        epsilon: small constant for numerical stability (default 1e-7).
        centered: normalize by the estimated variance of the gradient instead of its
            uncentered second moment (default False).
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, `use_ema`,
            ... (see `Optimizer`).
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = check_hyperparameter("RMSprop", "rho", rho, 0, 1)
        self.momentum = check_hyperparameter("RMSprop", "momentum", momentum, 0, 1)
        self.epsilon = check_hyperparameter("RMSprop", "epsilon", epsilon)
        self.centered = centered

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._velocities = self.add_optimizer_variables(variables, "velocity")
        self._momentums = (self.add_optimizer_variables(variables, "momentum")
                           if self.momentum > 0 else [])
        self._average_gradients = (self.add_optimizer_variables(variables, "average_gradient")
                                   if self.centered else [])

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        rho = self.rho
        v = self._velocities[i].data
        v *= rho
        v += (1 - rho) * np.square(gradient)
        if self.centered:
            a = self._average_gradients[i].data
            a *= rho
            a += (1 - rho) * gradient
            denominator = v - np.square(a) + self.epsilon
        else:
            denominator = v + self.epsilon
        increment = learning_rate * gradient / np.sqrt(denominator)
        if self.momentum > 0:
            mom = self._momentums[i].data
            mom *= self.momentum
            mom += increment
            increment = mom
        variable.data -= increment

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}

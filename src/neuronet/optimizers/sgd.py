"""SGD: gradient descent, with optional (Nesterov) momentum."""
from .base import Optimizer, check_hyperparameter


class SGD(Optimizer):
    """Gradient descent with momentum.

    Without momentum: `w = w - learning_rate * g`. With momentum:

        velocity = momentum * velocity - learning_rate * g
        w = w + velocity                                   # nesterov=False
        w = w + momentum * velocity - learning_rate * g    # nesterov=True

    Args:
        learning_rate: float or schedule (default 0.01).
        momentum: float in [0, 1] (default 0.0: plain gradient descent).
        nesterov: whether to use Nesterov momentum (default False).
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, `use_ema`,
            ... (see `Optimizer`).
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum = check_hyperparameter("SGD", "momentum", momentum, 0, 1)
        self.nesterov = nesterov

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._momentums = (self.add_optimizer_variables(variables, "momentum")
                           if self.momentum != 0 else [])

    def update_step(self, gradient, variable, learning_rate):
        w = variable.data
        if self.momentum == 0:
            w -= learning_rate * gradient
            return
        velocity = self._momentums[self._get_variable_index(variable)].data
        velocity *= self.momentum
        velocity -= learning_rate * gradient
        if self.nesterov:
            w += self.momentum * velocity - learning_rate * gradient
        else:
            w += velocity

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}

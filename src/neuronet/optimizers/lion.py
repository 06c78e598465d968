"""Lion: sign of an interpolated momentum (Chen et al., 2023, "Symbolic Discovery of
Optimization Algorithms")."""
import numpy as np

from .base import Optimizer, check_hyperparameter


class Lion(Optimizer):
    """Lion ("evoLved sIgn mOmeNtum"): every weight moves by exactly `learning_rate`,
    in the direction of the sign of a blend of the momentum and the gradient:

        w = w - learning_rate * sign(beta_1 * m + (1 - beta_1) * g)
        m = beta_2 * m + (1 - beta_2) * g

    Its steps are larger than Adam's, so its learning rate is usually 3-10x smaller and
    its weight decay 3-10x larger than AdamW's.

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_1: weight of the momentum in the step's direction, in (0, 1] (default 0.9).
        beta_2: decay rate of the momentum, in [0, 1] (default 0.99).
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, `use_ema`,
            ... (see `Optimizer`).
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = check_hyperparameter("Lion", "beta_1", beta_1, 0, 1)
        if beta_1 == 0:
            raise ValueError("Lion: `beta_1` must be in (0, 1]; with beta_1=0 the optimizer "
                             f"degenerates to SignSGD. Received: beta_1={beta_1!r}")
        self.beta_2 = check_hyperparameter("Lion", "beta_2", beta_2, 0, 1)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._momentums = self.add_optimizer_variables(variables, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        m = self._momentums[self._get_variable_index(variable)].data
        variable.data -= self._step(gradient, m, learning_rate)

    def flat_step(self, gradient, learning_rate, out):
        self._step(gradient, self._momentums.flat, learning_rate, out)

    def _step(self, gradient, m, learning_rate, out=None):
        """Update the momentum m in place; returns learning_rate * sign(...), written into
        `out` when given."""
        step = np.multiply(m, self.beta_1, out=out)
        step += (1 - self.beta_1) * gradient
        np.sign(step, out=step)
        step *= learning_rate                     # the direction uses the old momentum
        m *= self.beta_2
        m += (1 - self.beta_2) * gradient
        return step

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}

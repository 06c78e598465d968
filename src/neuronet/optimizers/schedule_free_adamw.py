"""Schedule-Free AdamW (Defazio et al., 2024, "The Road Less Scheduled")."""
import numpy as np

from .base import Optimizer, check_hyperparameter


class ScheduleFreeAdamW(Optimizer):
    """AdamW without a learning rate schedule: Adam steps move a sequence z (the slot
    `momentum`, started at the initial weights), x is the running average of the z's,
    and the weights y are an interpolation of both. At step t (from 1):

        v = beta_2 * v + (1 - beta_2) * g**2
        z_new = z - lr_t * g / (sqrt(v / (1 - beta_2**t)) + epsilon)
        x = (y - (1 - beta_1) * z) / beta_1                 # recovered from y and old z
        x = (1 - 1/t) * x + (1/t) * z_new                   # the average of the z's
        y = (1 - beta_1) * z_new + beta_1 * x

    with `lr_t = learning_rate * min(t / warmup_steps, 1)` (just `learning_rate` when
    warmup_steps=0). Gradients are taken at y, so the weights are y during training;
    Keras 3.15 keeps them so for evaluation too (x is not swapped in).

    Args:
        learning_rate: float or schedule (default 0.0025).
        beta_1: interpolation between z and x, in (0, 1] (default 0.9).
        beta_2: decay rate of the second moment (default 0.999).
        epsilon: small constant for numerical stability (default 1e-8).
        warmup_steps: steps over which the learning rate grows linearly from 0 (default 0).
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, `use_ema`,
            ... (see `Optimizer`).
    """

    def __init__(self, learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 warmup_steps=0, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        owner = type(self).__name__
        self.beta_1 = check_hyperparameter(owner, "beta_1", beta_1, 0, 1)
        if beta_1 == 0:
            raise ValueError(f"{owner}: `beta_1` must be in (0, 1]; x is recovered by "
                             f"dividing by it. Received: beta_1={beta_1!r}")
        self.beta_2 = check_hyperparameter(owner, "beta_2", beta_2, 0, 1)
        self.epsilon = check_hyperparameter(owner, "epsilon", epsilon)
        if not (isinstance(warmup_steps, int) and not isinstance(warmup_steps, bool)
                and warmup_steps >= 0):
            raise ValueError(f"{owner}: `warmup_steps` must be an integer >= 0. "
                             f"Received: warmup_steps={warmup_steps!r}")
        self.warmup_steps = warmup_steps

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(
            variables, ["momentum", "velocity"])
        for z, variable in zip(self._momentums, variables):
            z.data[...] = variable.data                  # z starts at the weights

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        self._step(gradient, variable.data, self._momentums[i].data,
                   self._velocities[i].data, learning_rate)

    def _step(self, gradient, y, z, v, learning_rate):
        """Update y (the weights), z and v in place."""
        t = int(self.iterations) + 1
        if self.warmup_steps > 0:
            learning_rate = learning_rate * min(t / self.warmup_steps, 1.0)
        v += (np.square(gradient) - v) * (1 - self.beta_2)
        denominator = np.sqrt(v / (1 - self.beta_2 ** t)) + self.epsilon
        x = (y - (1 - self.beta_1) * z) / self.beta_1   # with the old z
        z -= learning_rate * gradient / denominator
        weight = 1.0 / t
        x *= 1 - weight
        x += weight * z                                  # x = lerp(x, z, 1/t)
        y[...] = (1 - self.beta_1) * z + self.beta_1 * x

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "warmup_steps": self.warmup_steps}

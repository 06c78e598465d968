"""Adafactor: Adam-like steps with a factored second moment (Shazeer & Stern, 2018,
"Adafactor: Adaptive Learning Rates with Sublinear Memory Cost")."""
import math

import numpy as np

from .base import Optimizer, _path, check_hyperparameter


def _rms(x):
    """The root mean square of the values of `x`, as a float."""
    return math.sqrt(float(np.mean(np.square(x))))


class Adafactor(Optimizer):
    """Adafactor: steps scaled by the weight's own size and by a running mean of the
    squared gradients which, for a variable of 2 or more dimensions, is rebuilt from its
    means over the rows (r) and over the columns (c) of the last two axes. At step t
    (from 1):

        rho = min(learning_rate, 1 / sqrt(t))
        alpha = max(epsilon_2, rms(w)) * rho
        beta_2 = 1 - t**beta_2_decay
        g2 = g**2 + epsilon_1
        r = beta_2 * r + (1 - beta_2) * mean(g2, axis=-1)          # w.ndim >= 2
        c = beta_2 * c + (1 - beta_2) * mean(g2, axis=-2)
        v = r / mean(r, axis=-1) (outer product) c
        v = beta_2 * v + (1 - beta_2) * g2                          # w.ndim < 2
        u = g / sqrt(v)
        w = w - alpha * u / max(1, rms(u) / clip_threshold)

    As in Keras 3, the step size `rho` is capped at 1/sqrt(t) whatever `relative_step`
    says; the argument is kept for configs.

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_2_decay: <= 0, the decay rate of beta_2 (default -0.8).
        epsilon_1: small offset keeping the denominator away from 0 (default 1e-30).
        epsilon_2: lower bound of the weight's scale rms(w) (default 1e-3).
        clip_threshold: > 0, the largest rms of the scaled gradient u (default 1.0);
            separate from `clipnorm`, `clipvalue` and `global_clipnorm`.
        relative_step: kept for Keras configs; no effect, see above (default True).
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, `use_ema`,
            ... (see `Optimizer`).
    """

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30,
                 epsilon_2=1e-3, clip_threshold=1.0, relative_step=True, name=None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_2_decay = check_hyperparameter("Adafactor", "beta_2_decay", beta_2_decay,
                                                 -math.inf, 0)
        self.epsilon_1 = check_hyperparameter("Adafactor", "epsilon_1", epsilon_1)
        self.epsilon_2 = check_hyperparameter("Adafactor", "epsilon_2", epsilon_2)
        self.clip_threshold = check_hyperparameter("Adafactor", "clip_threshold",
                                                   clip_threshold)
        if clip_threshold == 0:
            raise ValueError("Adafactor: `clip_threshold` must be > 0. "
                             f"Received: clip_threshold={clip_threshold!r}")
        self.relative_step = relative_step

    def build(self, variables):
        """Per variable, in Keras' order: r and c (int scalar placeholders for a variable
        of fewer than 2 dimensions, so that the saved state has Keras' layout), then v."""
        if self.built:
            return
        super().build(variables)
        self._r, self._c, self._v = [], [], []
        for variable in variables:
            shape, name = variable.shape, _path(variable)
            if len(shape) < 2:
                self._r.append(self.add_variable((), 0, "int32", name=f"{name}_r"))
                self._c.append(self.add_variable((), 0, "int32", name=f"{name}_c"))
            else:
                self._r.append(self.add_variable(shape[:-1], 0.0, variable.dtype,
                                                 name=f"{name}_r"))
                self._c.append(self.add_variable(shape[:-2] + shape[-1:], 0.0, variable.dtype,
                                                 name=f"{name}_c"))
            self._v.append(self.add_variable(shape, 0.0, variable.dtype,
                                             name=f"{name}_velocity"))

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        w, v = variable.data, self._v[i].data
        t = int(self.iterations) + 1
        rho = min(learning_rate, 1 / math.sqrt(t))
        alpha = max(self.epsilon_2, _rms(w)) * rho
        beta_2 = 1 - t ** self.beta_2_decay
        g2 = np.square(gradient)
        g2 += self.epsilon_1

        if w.ndim >= 2:
            r, c = self._r[i].data, self._c[i].data         # shapes (..., m), (..., n)
            r *= beta_2
            r += (1 - beta_2) * g2.mean(axis=-1)
            c *= beta_2
            c += (1 - beta_2) * g2.mean(axis=-2)
            row_share = r / r.mean(axis=-1, keepdims=True)
            np.multiply(row_share[..., :, None], c[..., None, :], out=v)   # (..., m, n)
        else:
            v *= beta_2
            v += (1 - beta_2) * g2
        u = gradient / np.sqrt(v)
        w -= (alpha / max(1.0, _rms(u) / self.clip_threshold)) * u

    def get_config(self):
        return {**super().get_config(), "beta_2_decay": self.beta_2_decay,
                "epsilon_1": self.epsilon_1, "epsilon_2": self.epsilon_2,
                "clip_threshold": self.clip_threshold, "relative_step": self.relative_step}

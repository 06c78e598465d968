"""Muon: momentum orthogonalized by Newton-Schulz (Jordan et al., 2024), with the
update scaling of Moonlight (Liu et al., 2025, "Muon is Scalable for LLM Training")."""
import math
import re

import numpy as np

from .base import Optimizer, _is_number, _path, check_hyperparameter


class Muon(Optimizer):
    """Muon for the 2-D weights (kernels of dense layers), AdamW for the others.

    A 2-D variable takes a Muon step:

        m = momentum * m + g
        u = g + momentum * m               # nesterov=True; else u = m
        O = newton_schulz(u)               # ~ U V^T of u's SVD: every singular value ~ 1
        w = w - learning_rate * O * sqrt(max(rows, cols)) * rms_rate

    `newton_schulz` divides u by its Frobenius norm, then repeats `ns_steps` times
    `X = a X + (b A + c A A) X` with `A = X X^T` on the wide orientation of X, where
    (a, b, c) = (muon_a, muon_b, muon_c). With `rms_rate=None` the step is not rescaled.

    Every other variable (not 2-D, an embedding when `exclude_embeddings`, or whose path
    matches one of the regular expressions of `exclude_layers`) takes an Adam step (see
    `Adam`, without AMSGrad) with learning rate `learning_rate * adam_lr_ratio`.
    Weight decay: `weight_decay` for the Muon variables, `adam_weight_decay` for the others.

    Args:
        learning_rate: float or schedule (default 0.001).
        adam_beta_1, adam_beta_2: Adam's moment decay rates (defaults 0.9, 0.999).
        adam_weight_decay: weight decay of the Adam variables (default 0.004; None: none).
        epsilon: Adam's epsilon (default 1e-7).
        weight_decay: weight decay of the Muon variables (default 0.004; None: none).
        exclude_layers: regular expressions: variables whose path matches one use Adam.
        exclude_embeddings: variables with "embedding" in their path use Adam (default True).
        muon_a, muon_b, muon_c: Newton-Schulz coefficients (3.4445, -4.7750, 2.0315).
        adam_lr_ratio: learning rate of the Adam variables relative to `learning_rate`.
        momentum: Muon's momentum (default 0.95).
        ns_steps: number of Newton-Schulz iterations (default 5).
        nesterov: use Nesterov momentum (default True).
        rms_rate: scale of the update (default 0.2), None to disable.
        **kwargs: `clipnorm`, `clipvalue`, `global_clipnorm`, `use_ema`, ... (see
            `Optimizer`).
    """

    def __init__(self, learning_rate=0.001, adam_beta_1=0.9, adam_beta_2=0.999,
                 adam_weight_decay=0.004, epsilon=1e-7, weight_decay=0.004, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, exclude_layers=None,
                 exclude_embeddings=True, muon_a=3.4445, muon_b=-4.7750, muon_c=2.0315,
                 adam_lr_ratio=1, momentum=0.95, ns_steps=5, nesterov=True, rms_rate=0.2,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)
        check = check_hyperparameter
        self.adam_beta_1 = check("Muon", "adam_beta_1", adam_beta_1, 0, 1)
        self.adam_beta_2 = check("Muon", "adam_beta_2", adam_beta_2, 0, 1)
        self.epsilon = check("Muon", "epsilon", epsilon)
        for arg, value in (("weight_decay", weight_decay),
                           ("adam_weight_decay", adam_weight_decay)):
            if value is not None:
                check("Muon", arg, value)
        self.adam_weight_decay = adam_weight_decay
        for arg, value in (("muon_a", muon_a), ("muon_b", muon_b), ("muon_c", muon_c)):
            check("Muon", arg, value, -math.inf)
        self.muon_a, self.muon_b, self.muon_c = muon_a, muon_b, muon_c
        self.adam_lr_ratio = check("Muon", "adam_lr_ratio", adam_lr_ratio)
        self.momentum = check("Muon", "momentum", momentum, 0, 1)
        if not (isinstance(ns_steps, int) and not isinstance(ns_steps, bool) and ns_steps >= 0):
            raise ValueError("Muon: `ns_steps` must be an integer >= 0. "
                             f"Received: ns_steps={ns_steps!r}")
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.exclude_embeddings = exclude_embeddings
        exclude_layers = [] if exclude_layers is None else exclude_layers
        if isinstance(exclude_layers, str) or not all(
                isinstance(k, str) for k in exclude_layers):
            raise ValueError("Muon: `exclude_layers` must be a list of strings (regular "
                             f"expressions). Received: exclude_layers={exclude_layers!r}")
        self.exclude_layers = list(exclude_layers)
        if rms_rate is not None and not (_is_number(rms_rate) and rms_rate >= 0):
            raise ValueError("Muon: `rms_rate` must be a float >= 0 or None. "
                             f"Received: rms_rate={rms_rate!r}")
        self.rms_rate = rms_rate

    def _should_use_adamw(self, variable):
        """Whether `variable` takes the Adam step (rather than Muon's)."""
        if len(variable.shape) != 2:
            return True
        path = variable.path or variable.name or ""
        if self.exclude_embeddings and "embedding" in path.lower():
            return True
        return any(re.search(pattern, path) for pattern in self.exclude_layers)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        # one momentum per variable, and a velocity right after it for the Adam ones
        self._momentums, self._velocities = [], []
        for v in variables:
            self._momentums.append(self.add_variable(v.shape, 0.0, v.dtype,
                                                     name=f"{_path(v)}_momentum"))
            self._velocities.append(
                self.add_variable(v.shape, 0.0, v.dtype, name=f"{_path(v)}_velocity")
                if self._should_use_adamw(v) else None)

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        m, v = self._momentums[i].data, self._velocities[i]
        if v is None:
            variable.data -= self._muon_step(gradient, m, learning_rate)
        else:
            variable.data -= self._adam_step(gradient, m, v.data,
                                             learning_rate * self.adam_lr_ratio)

    def _muon_step(self, gradient, m, learning_rate):
        """Update the momentum m in place; returns the Muon step (orthogonalized)."""
        m *= self.momentum
        m += gradient
        direction = gradient + self.momentum * m if self.nesterov else m
        step = self.newton_schulz(direction) * learning_rate
        if self.rms_rate is not None:
            step *= math.sqrt(max(step.shape[0], step.shape[1])) * self.rms_rate
        return step

    def _adam_step(self, gradient, m, v, learning_rate):
        """Update the moments m, v in place; returns Adam's step."""
        t = int(self.iterations) + 1
        alpha = learning_rate * math.sqrt(1 - self.adam_beta_2 ** t) / (1 - self.adam_beta_1 ** t)
        m += (gradient - m) * (1 - self.adam_beta_1)
        v += (np.square(gradient) - v) * (1 - self.adam_beta_2)
        return m * alpha / (np.sqrt(v) + self.epsilon)

    def newton_schulz(self, x):
        """An approximate orthogonalization of the matrices on the last two axes of `x`:
        `ns_steps` quintic Newton-Schulz iterations, singular values pushed towards 1."""
        if x.ndim < 2:
            raise ValueError("Muon.newton_schulz: expected at least 2 dimensions. "
                             f"Received: shape={x.shape}")
        tall = x.shape[-2] > x.shape[-1]
        if tall:                                     # iterate on the wide orientation
            x = np.swapaxes(x, -1, -2)
        norm = np.sqrt(np.sum(np.square(x), axis=(-2, -1), keepdims=True))
        x = x / (norm + np.asarray(1e-7, x.dtype))   # spectral norm <= Frobenius norm = 1
        a, b, c = self.muon_a, self.muon_b, self.muon_c
        for _ in range(self.ns_steps):
            gram = x @ np.swapaxes(x, -1, -2)        # A = X X^T
            x = a * x + (b * gram + c * (gram @ gram)) @ x
        return np.swapaxes(x, -1, -2) if tall else x

    def _apply_weight_decay(self, variables, learning_rate):
        for variable in variables:
            decay = (self.adam_weight_decay if self._should_use_adamw(variable)
                     else self.weight_decay)
            if decay is not None and self._use_weight_decay(variable):
                variable.data -= variable.data * (decay * learning_rate)

    def get_config(self):
        return {**super().get_config(), "adam_beta_1": self.adam_beta_1,
                "adam_beta_2": self.adam_beta_2, "epsilon": self.epsilon,
                "exclude_layers": list(self.exclude_layers), "muon_a": self.muon_a,
                "muon_b": self.muon_b, "muon_c": self.muon_c,
                "adam_lr_ratio": self.adam_lr_ratio, "momentum": self.momentum,
                "ns_steps": self.ns_steps, "nesterov": self.nesterov,
                "exclude_embeddings": self.exclude_embeddings,
                "adam_weight_decay": self.adam_weight_decay, "rms_rate": self.rms_rate}

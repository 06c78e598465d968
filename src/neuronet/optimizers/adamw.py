"""AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2019)."""
from .adam import Adam


class AdamW(Adam):
    """Adam whose every step first shrinks the weights:

        w = w - w * weight_decay * learning_rate      # then the Adam step (see `Adam`)

    Args:
        learning_rate: float or schedule (default 0.001).
        weight_decay: float (default 0.004); required.
        beta_1, beta_2, epsilon, amsgrad: as in `Adam`.
        **kwargs: `clipnorm`, `clipvalue`, `global_clipnorm`, `use_ema`, ... (see
            `Optimizer`).
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, name=None, **kwargs):
        if weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: "
                             "weight_decay=None")
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, weight_decay=weight_decay,
                         name=name, **kwargs)

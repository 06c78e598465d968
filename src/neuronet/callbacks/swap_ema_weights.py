"""SwapEMAWeights: evaluate (and predict) with the optimizer's moving averages of the weights."""
import numpy as np

from .callback import Callback


class SwapEMAWeights(Callback):
    """Puts the optimizer's exponential moving averages of the weights (`use_ema=True`)
    into the model for evaluation and prediction, and the trained weights back after.

    With swap_on_epoch=True the averages are also in the model from the end of each epoch
    to the start of the next, so that callbacks listed after this one (ModelCheckpoint)
    see them. At the end of `fit` the model keeps the averages, as without this callback.
    """

    def __init__(self, swap_on_epoch=False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._trained = None       # the trained weights while the averages are in the model

    def _ema_pairs(self):
        optimizer = self.model.optimizer
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)     # LossScaleOptimizer
        if not getattr(optimizer, "use_ema", False):
            raise ValueError("SwapEMAWeights must be used when `use_ema=True` is set on the "
                             f"optimizer. Received: use_ema={getattr(optimizer, 'use_ema', None)}")
        if not getattr(optimizer, "built", False):
            return []                                  # no step yet: nothing averaged
        return list(zip(optimizer._trainable_variables,
                        optimizer._model_variables_moving_average))

    def _averages_in(self):
        """The averages into the model; the trained weights kept aside (the optimizer keeps
        its averages, which `fit` copies into the model when training ends)."""
        if self._trained is None:
            pairs = self._ema_pairs()
            self._trained = [np.array(variable.data) for variable, _ in pairs]
            for variable, average in pairs:
                variable.assign(average.data)

    def _averages_out(self):
        """The trained weights back into the model."""
        if self._trained is not None:
            for (variable, _), weights in zip(self._ema_pairs(), self._trained):
                variable.assign(weights)
            self._trained = None

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch:
            self._averages_out()

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch:
            self._averages_in()

    def on_train_end(self, logs=None):
        self._trained = None                   # fit has put the averages in for good

    def on_test_begin(self, logs=None):
        self._averages_in()

    def on_test_end(self, logs=None):
        self._averages_out()

    def on_predict_begin(self, logs=None):
        self._averages_in()

    def on_predict_end(self, logs=None):
        self._averages_out()

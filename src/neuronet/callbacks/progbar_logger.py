"""ProgbarLogger: prints the progress bar and metrics of fit, evaluate and predict."""
from ..io_utils import print_msg
from .progbar import Progbar
from .callback import Callback


class ProgbarLogger(Callback):
    """Prints 'Epoch i/n' and a progress bar per epoch (or per evaluate/predict call).

    Reads 'verbose', 'epochs' and 'steps' from the params set by the training loop.
    Inside `fit`, validation runs without a bar of its own: its results appear on the
    epoch's line as 'val_*' values.
    """

    def __init__(self):
        super().__init__()
        self.seen = 0
        self.progbar = None
        self.target = None
        self.verbose = 1
        self.epochs = 1
        self._called_in_fit = False

    def set_params(self, params):
        super().set_params(params)
        self.verbose = 1 if params["verbose"] == "auto" else params["verbose"]
        self.epochs = params["epochs"]
        self.target = params["steps"]

    def on_train_begin(self, logs=None):
        self._called_in_fit = True

    def on_epoch_begin(self, epoch, logs=None):
        self._start_progbar()
        if self.verbose and self.epochs > 1:
            print_msg(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch, logs=None):
        self._update_progbar(batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._finalize_progbar(logs)

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._start_progbar()

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._update_progbar(batch, logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finalize_progbar(logs)

    def on_predict_begin(self, logs=None):
        self._start_progbar()

    def on_predict_batch_end(self, batch, logs=None):
        self._update_progbar(batch, None)  # the predictions are not metrics

    def on_predict_end(self, logs=None):
        self._finalize_progbar(None)

    def _start_progbar(self):
        self.seen = 0
        # The logs already hold epoch-to-date averages: show them as they are.
        self.progbar = Progbar(target=self.target, verbose=self.verbose, unit_name="step",
                               stateless_metrics=())

    def _update_progbar(self, batch, logs):
        self.seen = batch + 1
        if self.verbose == 1:
            self.progbar.update(self.seen, list((logs or {}).items()), finalize=False)

    def _finalize_progbar(self, logs):
        if self.target is None:
            self.target = self.seen
            self.progbar.target = self.target
        self.progbar.update(self.target, list((logs or {}).items()), finalize=True)

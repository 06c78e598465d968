"""Callbacks driven by a fake model and a fake fit loop that feeds scripted logs."""
import csv
import math

import numpy as np
import pytest

import neuronet
from neuronet.callbacks import (CSVLogger, Callback, CallbackList, EarlyStopping, History,
                                LambdaCallback, LearningRateScheduler, ProgbarLogger,
                                ReduceLROnPlateau, TerminateOnNaN)
from neuronet.callbacks.callback import HOOK_NAMES


class FakeOptimizer:
    def __init__(self, learning_rate):
        self.learning_rate = learning_rate


class FakeCompiledMetrics:
    """What the monitoring callbacks read in mode 'auto': an accuracy metric, which goes up."""

    def direction_of(self, key):
        return "up" if key == "accuracy" else None


class FakeModel:
    """What callbacks use of a model: stop_training, optimizer, get/set_weights, the
    compiled metrics."""

    def __init__(self, learning_rate=0.1):
        self.stop_training = False
        self.optimizer = FakeOptimizer(learning_rate)
        self.compiled_metrics = FakeCompiledMetrics()
        self.weights = [np.zeros(3), np.zeros(2)]

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]


def fit(callbacks, epoch_logs, model=None, steps=2, batch_logs=None):
    """Drive `callbacks` as Model.fit does, for len(epoch_logs) epochs at most.

    After epoch e the model's weights are all equal to e, so restored weights tell which
    epoch they come from. Returns the model; model.history is the History.
    """
    model = model or FakeModel()
    cbs = CallbackList(callbacks, add_history=True, model=model, verbose=0,
                       epochs=len(epoch_logs), steps=steps)
    cbs.on_train_begin()
    for epoch, logs in enumerate(epoch_logs):
        cbs.on_epoch_begin(epoch)
        for batch in range(steps):
            cbs.on_train_batch_begin(batch)
            logs_of_batch = batch_logs(epoch, batch) if batch_logs else {"loss": 1.0}
            cbs.on_train_batch_end(batch, logs_of_batch)
            if model.stop_training:
                break
        model.weights = [np.full(3, float(epoch)), np.full(2, float(epoch))]
        cbs.on_epoch_end(epoch, dict(logs))
        if model.stop_training:
            break
    cbs.on_train_end()
    return model


def losses(*values, key="loss"):
    return [{key: v} for v in values]


def epochs_run(model):
    return len(model.history.epoch)


# --- EarlyStopping: each expected stop worked out by hand from the scripted values --------------
def test_early_stopping_patience():
    # best 1.0 (e0), 0.8 (e1); e2 and e3 do not improve: wait reaches 2 at e3 -> stop.
    es = EarlyStopping(monitor="loss", patience=2)
    model = fit([es], losses(1.0, 0.8, 0.9, 0.85, 0.7, 0.6))
    assert es.stopped_epoch == 3 and model.stop_training
    assert epochs_run(model) == 4
    assert es.best == 0.8 and es.best_epoch == 1 and es.wait == 2


def test_early_stopping_reads_the_value_through_get_monitor_value():
    class ConstantValue(EarlyStopping):              # a subclass may compute the value
        def get_monitor_value(self, logs):
            return 1.0

    es = ConstantValue(monitor="anything", mode="min")
    assert epochs_run(fit([es], losses(3.0, 2.0, 1.0, 0.5))) == 2 and es.stopped_epoch == 1


def test_missing_monitored_key_warns_as_keras(recwarn):
    for callback in (EarlyStopping(), ReduceLROnPlateau()):
        fit([callback], losses(1.0))
    texts = [str(w.message) for w in recwarn]
    assert texts == ["Early stopping conditioned on metric `val_loss` which is not available. "
                     "Available metrics are: loss",
                     "Learning rate reduction is conditioned on metric `val_loss` which is not "
                     "available. Available metrics are: loss,learning_rate."]


def test_early_stopping_patience_zero_stops_at_first_non_improvement():
    es = EarlyStopping(monitor="loss")
    model = fit([es], losses(1.0, 0.9, 0.9, 0.5))  # e2 only equals the best
    assert es.stopped_epoch == 2 and epochs_run(model) == 3


def test_early_stopping_runs_all_epochs_while_improving():
    es = EarlyStopping(monitor="loss", patience=1)
    model = fit([es], losses(1.0, 0.9, 0.8))
    assert es.stopped_epoch == 0 and not model.stop_training and epochs_run(model) == 3


@pytest.mark.parametrize("min_delta", [0.1, -0.1])  # the sign of min_delta is ignored
def test_early_stopping_min_delta(min_delta):
    # An improvement must go below best - 0.1: e1 (0.95) no, e2 (0.85 < 0.9) yes,
    # e3 (0.8) and e4 (0.78) not below 0.75 -> wait 2 at e4 -> stop.
    es = EarlyStopping(monitor="loss", min_delta=min_delta, patience=2)
    model = fit([es], losses(1.0, 0.95, 0.85, 0.8, 0.78, 0.5))
    assert es.stopped_epoch == 4 and es.best == 0.85 and epochs_run(model) == 5


def test_early_stopping_auto_mode_maximizes_accuracy():
    # 0.5, 0.6 improve; 0.55 does not -> stop at e2 with patience 1.
    es = EarlyStopping(monitor="val_accuracy", patience=1)
    fit([es], losses(0.5, 0.6, 0.55, 0.7, key="val_accuracy"))
    assert es.stopped_epoch == 2 and es.best == 0.6


def test_early_stopping_explicit_min_mode_on_accuracy():
    es = EarlyStopping(monitor="val_accuracy", patience=1, mode="min")
    fit([es], losses(0.5, 0.6, 0.55, 0.7, key="val_accuracy"))
    assert es.stopped_epoch == 1 and es.best == 0.5


def test_early_stopping_max_mode_with_min_delta():
    # Improvements must exceed best + 0.05: 0.62 (e1) yes, 0.65 (e2) no, 0.66 (e3) no.
    es = EarlyStopping(monitor="val_auc", patience=2, mode="max", min_delta=0.05)
    fit([es], losses(0.5, 0.62, 0.65, 0.66, 0.9, key="val_auc"))
    assert es.stopped_epoch == 3 and es.best == 0.62


def test_early_stopping_baseline_never_beaten():
    # The wait is not reset while the baseline 0.5 is not beaten: 1 (e0), 2 (e1, an
    # improvement, so no stop check), 3 at e2 which does not improve -> stop.
    es = EarlyStopping(monitor="loss", patience=2, baseline=0.5)
    model = fit([es], losses(0.9, 0.8, 0.85, 0.7, 0.6))
    assert es.stopped_epoch == 2 and epochs_run(model) == 3
    # Without the baseline the same run never stops.
    es = EarlyStopping(monitor="loss", patience=2)
    assert epochs_run(fit([es], losses(0.9, 0.8, 0.85, 0.7, 0.6))) == 5


def test_early_stopping_baseline_beaten():
    # e1 (0.4) beats best and baseline -> wait 0; e2, e3 do not improve -> stop at e3.
    es = EarlyStopping(monitor="loss", patience=2, baseline=0.5)
    fit([es], losses(0.9, 0.4, 0.45, 0.42, 0.41))
    assert es.stopped_epoch == 3 and es.best == 0.4


def test_early_stopping_start_from_epoch():
    # Epochs 0 and 1 are not monitored; then 3.0 (best), 2.5 (better), 2.6 (worse) -> stop.
    es = EarlyStopping(monitor="loss", start_from_epoch=2)
    fit([es], losses(1.0, 2.0, 3.0, 2.5, 2.6, 2.0))
    assert es.stopped_epoch == 4 and es.best == 2.5
    es = EarlyStopping(monitor="loss")
    fit([es], losses(1.0, 2.0, 3.0, 2.5, 2.6, 2.0))
    assert es.stopped_epoch == 1


def test_early_stopping_restores_best_weights_when_stopping():
    es = EarlyStopping(monitor="loss", patience=2, restore_best_weights=True)
    model = fit([es], losses(1.0, 0.5, 0.7, 0.8, 0.1))
    assert es.stopped_epoch == 3 and es.best_epoch == 1
    for w in model.weights:
        np.testing.assert_array_equal(w, 1.0)  # the weights after epoch 1


def test_early_stopping_restores_best_weights_without_stopping():
    es = EarlyStopping(monitor="loss", patience=5, restore_best_weights=True)
    model = fit([es], losses(1.0, 0.5, 0.7))
    assert es.stopped_epoch == 0
    np.testing.assert_array_equal(model.weights[0], 1.0)


def test_early_stopping_keeps_last_weights_without_restore():
    es = EarlyStopping(monitor="loss", patience=2)
    model = fit([es], losses(1.0, 0.5, 0.7, 0.8, 0.1))
    np.testing.assert_array_equal(model.weights[0], 3.0)


def test_early_stopping_restores_best_in_patience_window_when_baseline_not_beaten():
    es = EarlyStopping(monitor="loss", patience=2, baseline=0.5, restore_best_weights=True)
    model = fit([es], losses(0.9, 0.8, 0.85, 0.7))
    assert es.stopped_epoch == 2
    np.testing.assert_array_equal(model.weights[0], 1.0)


def test_early_stopping_can_be_reused():
    es = EarlyStopping(monitor="loss", patience=1)
    fit([es], losses(0.1, 0.2, 0.3))
    assert es.stopped_epoch == 1
    model = fit([es], losses(1.0, 0.9, 0.8))  # a fresh best: 0.1 from the last run is gone
    assert es.stopped_epoch == 0 and epochs_run(model) == 3 and es.best == 0.8


def test_early_stopping_warns_when_monitor_missing():
    es = EarlyStopping(monitor="val_loss")
    with pytest.warns(UserWarning, match="`val_loss` which is not available.*loss"):
        model = fit([es], losses(1.0, 2.0))
    assert epochs_run(model) == 2 and not model.stop_training


def test_early_stopping_verbose_messages(capsys):
    es = EarlyStopping(monitor="loss", patience=1, restore_best_weights=True, verbose=1)
    fit([es], losses(1.0, 0.5, 0.7, 0.2))
    out = capsys.readouterr().out
    assert "Epoch 3: early stopping" in out
    assert "Restoring model weights from the end of the best epoch: 2." in out


@pytest.mark.parametrize("callback", [EarlyStopping, ReduceLROnPlateau])
def test_unknown_mode_falls_back_to_auto_with_a_warning_as_keras(callback):
    with pytest.warns(UserWarning, match=f"{callback.__name__} mode 'mn' is unknown, fallback"):
        cb = callback(monitor="loss", mode="mn")
    assert cb.mode == "auto" and cb.direction == "min"


@pytest.mark.parametrize("callback", [EarlyStopping, ReduceLROnPlateau])
def test_a_monitor_of_unknown_direction_stops_fit_at_the_first_epoch_end(callback):
    with pytest.raises(ValueError, match="monitor='val_foo'.*mode='max'"):
        fit([callback(monitor="val_foo")], losses(1.0, 0.5))


def test_auto_mode_direction_from_the_metric_objects():
    # As Keras 3: losses go down; any other key takes the `_direction` of the compiled
    # metric logged under it, whatever its name; a key no metric tells about is an error.
    import neuronet as nn
    x = np.random.default_rng(0).random((8, 3), np.float32)
    y = (x[:, :1] > 0.5).astype(np.float32)
    model = nn.Sequential([nn.Input((3,)), nn.layers.Dense(1, activation="sigmoid")])
    model.compile("sgd", "binary_crossentropy",
                  metrics=["acc", "mse", nn.metrics.AUC(name="area"), "precision",
                           nn.metrics.BinaryAccuracy(name="hit"), nn.metrics.Mean(name="avg")])
    model.fit(x, y, epochs=1, verbose=0)
    expected = {"loss": "min", "val_loss": "min", "output_loss": "min", "acc": "max",
                "val_mse": "min", "area": "max", "val_precision": "max", "hit": "max"}
    for callback in (EarlyStopping, ReduceLROnPlateau):
        for monitor, direction in expected.items():
            cb = callback(monitor=monitor)
            cb.set_model(model)
            assert cb.direction == direction, (callback, monitor)
        for unknown in ("avg", "val_foo"):
            cb = callback(monitor=unknown)
            cb.set_model(model)
            with pytest.raises(ValueError, match=rf"monitor='{unknown}'.*mode='max'.*mode='min'"):
                cb.direction
        cb = callback(monitor="avg", mode="max")
        assert cb.direction == "max"


# --- ReduceLROnPlateau --------------------------------------------------------------------------
def test_reduce_lr_with_cooldown_and_min_lr():
    # Constant loss, patience 1, cooldown 2, factor 0.5, min_lr 0.02 from lr 0.1:
    # e1 reduces to 0.05; e2 cools down; e3 reduces to 0.025; e4 cools down; e5 reduces to
    # max(0.0125, 0.02) = 0.02; e6 cools down; from e7 on the rate is at min_lr: no change.
    cb = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, cooldown=2, min_lr=0.02,
                           min_delta=0)
    model = fit([cb], losses(*[1.0] * 9))
    np.testing.assert_allclose(model.history.history["learning_rate"],
                               [0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02, 0.02])
    assert model.optimizer.learning_rate == pytest.approx(0.02)


@pytest.mark.parametrize("min_delta", [1e-4, -1e-4])  # the sign is ignored, as in Keras
def test_reduce_lr_patience_and_min_delta(min_delta):
    # 0.99995 is not below best - 1e-4, so it counts as a plateau; 0.9 then improves.
    cb = ReduceLROnPlateau(patience=1, min_delta=min_delta)
    model = fit([cb], losses(1.0, 0.99995, 0.9, key="val_loss"))
    assert model.optimizer.learning_rate == pytest.approx(0.01)
    assert cb.best == 0.9 and cb.wait == 0
    np.testing.assert_allclose(model.history.history["learning_rate"], [0.1, 0.1, 0.01])


def test_reduce_lr_waits_for_patience():
    cb = ReduceLROnPlateau(monitor="loss", patience=3, factor=0.5)
    model = fit([cb], losses(1.0, 1.0, 1.0, 1.0, 1.0))
    # wait 1, 2, 3 at e1..e3 -> reduce at e3; e4 counts again from 0.
    np.testing.assert_allclose(model.history.history["learning_rate"],
                               [0.1, 0.1, 0.1, 0.1, 0.05])


def test_reduce_lr_auto_mode_maximizes_accuracy():
    cb = ReduceLROnPlateau(monitor="val_accuracy", patience=1, factor=0.5)
    model = fit([cb], losses(0.5, 0.6, 0.6, key="val_accuracy"))
    np.testing.assert_allclose(model.history.history["learning_rate"], [0.1, 0.1, 0.1])
    assert model.optimizer.learning_rate == pytest.approx(0.05)


def test_reduce_lr_verbose_and_errors(capsys):
    cb = ReduceLROnPlateau(monitor="loss", patience=1, factor=0.5, verbose=1)
    fit([cb], losses(1.0, 1.0))
    assert "Epoch 2: ReduceLROnPlateau reducing learning rate to 0.05." in capsys.readouterr().out
    with pytest.raises(ValueError, match="factor < 1.0.*factor=1.5"):
        ReduceLROnPlateau(factor=1.5)
    with pytest.warns(UserWarning, match="Learning rate reduction.*`val_loss`"):
        fit([ReduceLROnPlateau()], losses(1.0))


# --- LearningRateScheduler ----------------------------------------------------------------------
def test_scheduler_with_epoch_and_lr():
    cb = LearningRateScheduler(lambda epoch, lr: lr if epoch == 0 else lr * 0.5)
    model = fit([cb], losses(1.0, 1.0, 1.0))
    np.testing.assert_allclose(model.history.history["learning_rate"], [0.1, 0.05, 0.025])


def test_scheduler_with_epoch_only():
    def schedule(epoch):
        return 0.3 / (epoch + 1)

    model = fit([LearningRateScheduler(schedule)], losses(1.0, 1.0, 1.0))
    np.testing.assert_allclose(model.history.history["learning_rate"], [0.3, 0.15, 0.1])
    assert isinstance(model.optimizer.learning_rate, float)


def test_scheduler_does_not_hide_errors_of_the_schedule():
    def schedule(epoch, lr):
        raise TypeError("bad schedule")

    with pytest.raises(TypeError, match="bad schedule"):
        fit([LearningRateScheduler(schedule)], losses(1.0))


def test_scheduler_checks_output_and_prints(capsys):
    with pytest.raises(ValueError, match="must return a float.*'fast'"):
        fit([LearningRateScheduler(lambda epoch: "fast")], losses(1.0))
    with pytest.raises(TypeError, match="callable"):
        LearningRateScheduler(0.1)
    fit([LearningRateScheduler(lambda epoch: np.float32(0.5), verbose=1)], losses(1.0))
    assert "Epoch 1: LearningRateScheduler setting learning rate to 0.5." in capsys.readouterr().out


# --- CSVLogger ----------------------------------------------------------------------------------
def read_csv(path, delimiter=","):
    with open(path, newline="") as f:
        return list(csv.reader(f, delimiter=delimiter))


def test_csv_logger_writes_header_and_rows(tmp_path):
    path = tmp_path / "log.csv"
    logs = [{"loss": 0.5, "val_loss": 0.75}, {"loss": 0.25, "val_loss": 0.5}]
    fit([CSVLogger(path)], logs)
    assert path.read_bytes() == b"epoch,loss,val_loss\r\n0,0.5,0.75\r\n1,0.25,0.5\r\n"


def test_csv_logger_append_and_overwrite(tmp_path):
    path = tmp_path / "log.csv"
    fit([CSVLogger(path)], [{"loss": 0.5}])
    fit([CSVLogger(path, append=True)], [{"loss": 0.25, "val_loss": 0.5}, {"loss": 0.125}])
    assert read_csv(path) == [["epoch", "loss", "val_loss"], ["0", "0.5", "NA"],
                              ["0", "0.25", "0.5"], ["1", "0.125", "NA"]]
    fit([CSVLogger(path)], [{"loss": 2.0}])
    assert read_csv(path) == [["epoch", "loss", "val_loss"], ["0", "2.0", "NA"]]


def test_csv_logger_append_to_new_file_writes_header(tmp_path):
    path = tmp_path / "new.csv"
    fit([CSVLogger(str(path), append=True)], [{"loss": 0.5}])
    assert read_csv(path) == [["epoch", "loss", "val_loss"], ["0", "0.5", "NA"]]


def test_csv_logger_keeps_validation_that_starts_later_as_keras(tmp_path, real_keras):
    x = np.random.default_rng(0).random((20, 3), np.float32)
    y = x.sum(axis=1, keepdims=True)
    tables = []
    for lib in (neuronet, real_keras):
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        path = tmp_path / f"{len(tables)}.csv"
        model.fit(x, y, epochs=3, validation_data=(x[:8], y[:8]), validation_freq=2, verbose=0,
                  callbacks=[lib.callbacks.CSVLogger(str(path))])
        header, *rows = read_csv(path)
        tables.append((header, [[cell == "NA" for cell in row] for row in rows]))
    assert tables[0] == tables[1] == (["epoch", "loss", "val_loss"],
                                      [[False, False, True], [False] * 3, [False, False, True]])


def test_csv_logger_separator_missing_keys_and_arrays(tmp_path):
    path = tmp_path / "log.csv"
    logs = [{"loss": 0.5, "val_loss": 1.0, "per_class": np.array([1, 2])}, {"loss": 0.25}]
    cb = CSVLogger(path, separator=";")
    fit([cb], logs)
    assert read_csv(path, ";") == [["epoch", "loss", "per_class", "val_loss"],
                                   ["0", "0.5", "[1, 2]", "1.0"], ["1", "0.25", "NA", "NA"]]
    assert cb.csv_file.closed


# --- TerminateOnNaN -----------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_terminate_on_nan_stops_at_the_bad_batch(bad, capsys):
    seen = []

    def batch_logs(epoch, batch):
        seen.append((epoch, batch))
        return {"loss": bad if (epoch, batch) == (1, 1) else 0.5}

    model = fit([TerminateOnNaN()], losses(1.0, 1.0, 1.0), steps=3, batch_logs=batch_logs)
    assert model.stop_training
    assert seen == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)]
    assert epochs_run(model) == 2
    assert "Batch 1: Invalid loss, terminating training" in capsys.readouterr().out


def test_terminate_on_nan_keeps_training_on_finite_loss_and_can_raise():
    model = fit([TerminateOnNaN()], losses(1.0, 1.0))
    assert not model.stop_training and epochs_run(model) == 2
    with pytest.raises(RuntimeError, match="batch 0"):
        fit([TerminateOnNaN(raise_error=True)], losses(1.0),
            batch_logs=lambda e, b: {"loss": math.nan})


# --- LambdaCallback -----------------------------------------------------------------------------
def test_lambda_callback_calls_the_given_functions():
    calls = []
    cb = LambdaCallback(
        on_train_begin=lambda logs: calls.append("train_begin"),
        on_epoch_begin=lambda epoch, logs: calls.append(("epoch_begin", epoch)),
        on_train_batch_end=lambda batch, logs: calls.append(("batch_end", batch, logs["loss"])),
        on_epoch_end=lambda epoch, logs: calls.append(("epoch_end", epoch, logs["loss"])),
        on_train_end=lambda logs: calls.append("train_end"),
        on_test_end=lambda logs: calls.append("test_end"))
    fit([cb], losses(0.5), steps=2)
    cb.on_test_end({})
    assert calls == ["train_begin", ("epoch_begin", 0), ("batch_end", 0, 1.0),
                     ("batch_end", 1, 1.0), ("epoch_end", 0, 0.5), "train_end", "test_end"]


def test_lambda_callback_rejects_unknown_hooks():
    with pytest.raises(TypeError, match=r"unknown hook\(s\) \['on_epoch_ends'\].*on_epoch_end"):
        LambdaCallback(on_epoch_ends=print)


# --- History and CallbackList -------------------------------------------------------------------
def test_history_records_every_epoch():
    logs = [{"loss": 0.5, "accuracy": 0.75, "val_loss": 0.625}, {"loss": 0.25,
            "accuracy": 0.875, "val_loss": 0.5}]
    model = fit([], logs)
    history = model.history
    assert isinstance(history, History)
    assert history.history == {"loss": [0.5, 0.25], "accuracy": [0.75, 0.875],
                               "val_loss": [0.625, 0.5]}
    assert history.epoch == [0, 1]
    assert history.params == {"verbose": 0, "epochs": 2, "steps": 2}
    assert history.model is model


class Recorder(Callback):
    """Records every hook called on it, with its arguments."""

    def __init__(self):
        super().__init__()
        self.calls = []


def _recording_hook(name):
    def hook(self, *args):
        self.calls.append((name, *args))
    return hook


for _name in HOOK_NAMES:
    setattr(Recorder, _name, _recording_hook(_name))


def test_callback_list_fans_out_every_hook():
    first, second = Recorder(), Recorder()
    cbs = CallbackList([first, second])
    expected = []
    for name in HOOK_NAMES:
        args = (3, {"loss": 0.5}) if "batch" in name or "epoch" in name else ({"loss": 0.5},)
        getattr(cbs, name)(*args)
        expected.append((name, *args))
    assert len(HOOK_NAMES) == 16
    assert first.calls == expected and second.calls == expected


def test_callback_list_sets_model_and_params():
    model = FakeModel()
    rec = Recorder()
    cbs = CallbackList([rec], add_history=True, add_progbar=True, model=model, verbose=1,
                       epochs=4, steps=10)
    history, progbar = cbs.callbacks[1:]
    assert isinstance(history, History) and isinstance(progbar, ProgbarLogger)
    assert model.history is history
    for cb in (rec, history, progbar):
        assert cb.model is model
        assert cb.params == {"verbose": 1, "epochs": 4, "steps": 10}
    assert progbar.epochs == 4 and progbar.target == 10


def test_callback_list_reuses_given_history_and_progbar():
    history, progbar = History(), ProgbarLogger()
    cbs = CallbackList([history, progbar], add_history=True, add_progbar=True)
    assert cbs.callbacks == [history, progbar]


def test_callback_list_batch_logs_are_sorted_python_floats():
    rec = Recorder()
    cbs = CallbackList([rec])
    cbs.on_train_batch_end(0, {"loss": np.float32(0.5), "accuracy": np.array(0.25)})
    logs = rec.calls[0][2]
    assert list(logs) == ["accuracy", "loss"]
    assert all(type(v) is float for v in logs.values()) and logs == {"accuracy": 0.25,
                                                                     "loss": 0.5}


def test_callback_list_epoch_logs_are_shared_with_the_caller():
    model = FakeModel(learning_rate=0.5)
    cbs = CallbackList([ReduceLROnPlateau(monitor="loss")], add_history=True, model=model)
    logs = {"loss": 1.0}
    cbs.on_epoch_end(0, logs)
    assert logs == {"loss": 1.0, "learning_rate": 0.5}
    assert model.history.history["learning_rate"] == [0.5]


def test_train_batch_hooks_reach_the_older_batch_names():
    calls = []

    class Old(Callback):
        def on_batch_begin(self, batch, logs=None):
            calls.append(("begin", batch))

        def on_batch_end(self, batch, logs=None):
            calls.append(("end", batch))

    cbs = CallbackList([Old()])
    cbs.on_train_batch_begin(0)
    cbs.on_train_batch_end(0, {"loss": 1.0})
    assert calls == [("begin", 0), ("end", 0)]


def test_callback_list_rejects_non_callbacks():
    with pytest.raises(TypeError, match="CallbackList.*Callback.*function"):
        CallbackList([print])


def test_fit_takes_one_callback_or_a_callback_list_as_keras():
    x = np.random.default_rng(0).random((6, 2), np.float32)
    model = neuronet.Sequential([neuronet.Input((2,)), neuronet.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    seen = []
    one = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(("one", epoch)))
    model.fit(x, x[:, :1], epochs=2, verbose=0, callbacks=one)
    listed = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(("list", epoch)))
    history = model.fit(x, x[:, :1], epochs=1, verbose=0,
                        callbacks=CallbackList([listed], add_history=True, model=model))
    assert seen == [("one", 0), ("one", 1), ("list", 0)] and history.epoch == [0]
    model.evaluate(x, x[:, :1], verbose=0, callbacks=one)


def test_keys_callbacks_add_at_epoch_end_stay_out_of_on_train_end_as_keras(real_keras):
    x = np.random.default_rng(0).random((6, 2), np.float32)

    def keys(lib):
        class Adds(lib.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                logs["extra"] = 1.0

        class Records(lib.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                self.epoch_keys = sorted(logs)

            def on_train_end(self, logs=None):
                self.end_keys = sorted(logs)

        model = lib.Sequential([lib.Input((2,)), lib.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        records = Records()
        scheduler = lib.callbacks.LearningRateScheduler(lambda epoch, lr: lr)
        history = model.fit(x, x[:, :1], epochs=2, verbose=0,
                            callbacks=[Adds(), scheduler, records])
        return records.epoch_keys, records.end_keys, sorted(history.history)

    assert keys(neuronet) == keys(real_keras) == (
        ["extra", "learning_rate", "loss"], ["loss"], ["extra", "learning_rate", "loss"])


def _small_model():
    model = neuronet.Sequential([neuronet.Input((3,)), neuronet.layers.Dense(1)])
    model.compile("sgd", "mse")
    return model


def test_stop_evaluating_and_stop_predicting_end_the_loop_after_that_batch():
    class StopAfterFirst(Callback):
        def on_test_batch_end(self, batch, logs=None):
            self.model.stop_evaluating = True

        def on_predict_batch_end(self, batch, logs=None):
            self.model.stop_predicting = True

    model = _small_model()
    x, y = np.arange(60, dtype="float32").reshape(20, 3), np.ones(20, "float32")
    seen = []
    counter = LambdaCallback(on_test_batch_end=lambda b, logs: seen.append(b))
    loss = model.evaluate(x, y, batch_size=5, verbose=0, callbacks=[StopAfterFirst(), counter])
    assert seen == [0] and loss == pytest.approx(model.evaluate(x[:5], y[:5], verbose=0))
    assert model.predict(x, batch_size=5, verbose=0, callbacks=[StopAfterFirst()]).shape == (5, 1)
    assert model.predict(x, batch_size=5, verbose=0).shape == (20, 1)     # reset each call
    model.evaluate(x, y, batch_size=5, verbose=0, callbacks=[counter])
    assert seen[-4:] == [0, 1, 2, 3]
    seen.clear()
    history = model.fit(x, y, batch_size=5, epochs=2, verbose=0, validation_data=(x, y),
                        callbacks=[StopAfterFirst(), counter])
    assert seen == [0, 0] and len(history.history["val_loss"]) == 2   # one batch each time


def test_params_verbose_is_what_fit_was_given():
    model = _small_model()
    x, y = np.ones((4, 3), "float32"), np.ones(4, "float32")
    assert model.fit(x, y, verbose=0).params["verbose"] == 0
    assert model.fit(x, y, verbose=2).params["verbose"] == 2
    assert model.fit(x, y).params == {"verbose": "auto", "epochs": 1, "steps": 1}   # Keras' too


def test_evaluate_logs_are_sorted_by_name_as_keras(real_keras):
    def run(keras):
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
        model.compile("sgd", "binary_crossentropy", metrics=["mae", "accuracy"])
        x, y = np.ones((8, 3), "float32"), np.ones(8, "float32")
        seen = []
        ends = keras.callbacks.LambdaCallback(on_test_end=lambda logs: seen.append(list(logs)))
        result = model.evaluate(x, y, verbose=0, return_dict=True, callbacks=[ends])
        return list(result), seen
    ours = run(neuronet)
    assert ours == run(real_keras) and ours[0] == ["accuracy", "loss", "mae"]

"""Progbar and ProgbarLogger: the exact Keras line formats, captured from stdout."""
import io
import re
import sys

import pytest

from neuronet.callbacks import CallbackList
from neuronet.callbacks import progbar as progbar_module
from neuronet.callbacks.progbar import Progbar, format_eta, format_time_per_unit, format_value

BAR_LINE = re.compile(r"^\d+/\d+ ━+ \d+s \d+(ms|us|s)/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}$")


class Model:
    stop_training = False


class Terminal(io.StringIO):
    """An output stream that says it is a terminal."""

    def isatty(self):
        return True


class Clock:
    """Stands for the `time` module in progbar: returns the scripted times in turn."""

    def __init__(self, *times):
        self._times = iter(times)

    def time(self):
        return next(self._times)


def run_epochs(verbose, epochs=2, steps=5, epoch_logs=None):
    """Drive a ProgbarLogger as fit does, with scripted running averages."""
    cbs = CallbackList(add_progbar=True, model=Model(), verbose=verbose, epochs=epochs,
                       steps=steps)
    cbs.on_train_begin()
    for epoch in range(epochs):
        cbs.on_epoch_begin(epoch)
        for batch in range(steps):
            cbs.on_train_batch_end(batch, {"loss": 0.5 - 0.01 * batch, "accuracy": 0.8})
        cbs.on_epoch_end(epoch, epoch_logs or {"accuracy": 0.8125, "loss": 0.3456})
    cbs.on_train_end()


def test_verbose_1_not_a_terminal_writes_one_line_per_epoch(capsys):
    run_epochs(verbose=1)
    out = capsys.readouterr().out
    assert "\r" not in out
    lines = out.splitlines()
    assert len(lines) == 4
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    for line in lines[1], lines[3]:
        assert BAR_LINE.match(line), line
        assert line.startswith("5/5 " + "━" * 20 + " ")
        assert line.endswith(" - accuracy: 0.8125 - loss: 0.3456")  # the epoch's results


def test_single_epoch_has_no_epoch_line(capsys):
    run_epochs(verbose=1, epochs=1)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and BAR_LINE.match(lines[0])


def test_verbose_2_format(capsys):
    run_epochs(verbose=2, epoch_logs={"accuracy": 0.8125, "loss": 0.3456, "val_loss": 0.0004})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and len(lines) == 4
    assert re.match(r"^5/5 - \d+s - \d+(ms|us|s)/step - accuracy: 0\.8125 - loss: 0\.3456 - "
                    r"val_loss: 4\.0000e-04$", lines[1]), lines[1]


def test_verbose_0_is_silent(capsys):
    run_epochs(verbose=0)
    assert capsys.readouterr().out == ""


def test_exact_times_and_step_duration(monkeypatch, capsys):
    # Created at t=0; steps end at 1.0 (a slow first step), 1.01, 1.02, 1.03: the first
    # step is left out of the time per step: (1.03 - 1.0) / 3 = 10 ms.
    monkeypatch.setattr(progbar_module, "time", Clock(0.0, 1.0, 1.01, 1.02, 1.03))
    bar = Progbar(4)
    for _ in range(4):
        bar.add(1, [("loss", 0.5)])
    assert capsys.readouterr().out == "4/4 " + "━" * 20 + " 1s 10ms/step - loss: 0.5000\n"

    monkeypatch.setattr(progbar_module, "time", Clock(0.0, 2.0, 2.0004, 2.0008, 3.5))
    bar = Progbar(4, verbose=2)
    for _ in range(4):
        bar.add(1, [("loss", 0.5)])
    assert capsys.readouterr().out == "4/4 - 4s - 500ms/step - loss: 0.5000\n"


def test_values_are_averaged_over_steps_unless_stateful(capsys):
    # As Keras 3: a stateless value is averaged over the steps it stands for, but the final
    # update's values (fit passes an epoch's results there) are shown as they are.
    bar = Progbar(4, verbose=1, stateful_metrics=["acc"])
    bar.update(1, [("loss", 1.0), ("acc", 0.5)])
    bar.update(3, [("loss", 2.0), ("acc", 0.75)])  # stands for steps 2 and 3
    assert bar._values["loss"] == [1.0 + 2 * 2.0, 3]           # mean (1 + 2 * 2) / 3
    bar.update(4, [("loss", 4.0), ("acc", 0.625)], finalize=False)
    assert bar._values["loss"] == [9.0, 4]                     # 2.25: acc as last given
    bar.update(4, [("loss", 4.0), ("acc", 0.625)])
    assert capsys.readouterr().out.endswith(" - loss: 4.0000 - acc: 0.6250\n")

    bar = Progbar(2, verbose=2, stateless_metrics=["loss"])
    bar.update(1, [("loss", 1.0), ("acc", 0.5)])
    bar.update(2, [("loss", 2.0), ("acc", 0.25)])
    assert capsys.readouterr().out.endswith(" - loss: 2.0000 - acc: 0.2500\n")


def test_live_bar_on_a_terminal(monkeypatch):
    pytest.importorskip("tqdm")
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setattr(progbar_module, "time", Clock(0.0, 1.0, 1.5, 2.0, 2.5))
    bar = Progbar(4, interval=0)
    for step in range(4):
        bar.add(1, [("loss", 1.0 - 0.1 * step)])
    out = terminal.getvalue()
    # Redrawn in place; while running the time shown is the estimated time left.
    assert out.count("\r") >= 4 and out.endswith("\n")
    assert "1/4 " + "━" * 5 + "─" * 15 + " 3s 1s/step - loss: 1.0000" in out
    assert "2/4 " + "━" * 10 + "─" * 10 + " 1s 500ms/step - loss: 0.9500" in out
    last = out.rstrip("\n").split("\r")[-1].rstrip()
    assert last == "4/4 " + "━" * 20 + " 2s 500ms/step - loss: 0.7000"    # the last value


@pytest.mark.parametrize("rows", [24, 0])       # 0: tqdm then hides the running lines
def test_narrow_terminal_cuts_running_lines_not_the_finished_one(monkeypatch, rows):
    pytest.importorskip("tqdm")
    termios = pytest.importorskip("termios")
    import fcntl
    import os
    import struct
    leader, follower = os.openpty()                 # a terminal of 41 columns
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, 41, 0, 0))

    class Narrow(Terminal):
        def fileno(self):
            return follower

    terminal = Narrow()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setattr(progbar_module, "time", Clock(0.0, 1.0, 1.5, 2.0, 2.5))
    bar = Progbar(4, interval=0)
    for step in range(4):
        bar.add(1, [("loss", 1.0 - 0.1 * step), ("val_loss", 2.0)])
    *running, last = terminal.getvalue().rstrip("\n").split("\r")
    running = [line.rstrip() for line in running if line.strip()]
    assert all(len(line) <= 40 for line in running)
    assert bool(running) == bool(rows)
    assert all(line.startswith(f"{n}/4 ") for n, line in zip(range(1, 4), running))
    assert last.rstrip() == "4/4 " + "━" * 20 + " 2s 500ms/step - loss: 0.7000 - val_loss: 2.0000"
    os.close(leader)
    os.close(follower)


def test_terminal_without_tqdm_writes_the_finished_line_only(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # makes `import tqdm.auto` fail
    run_epochs(verbose=1, epochs=1)
    out = terminal.getvalue()
    assert "\r" not in out and len(out.splitlines()) == 1 and BAR_LINE.match(out.rstrip("\n"))


def test_unknown_target(capsys):
    bar = Progbar(None)
    bar.update(3, [("loss", 0.25)], finalize=True)
    assert re.match(r"^      3/Unknown \d+s \d+(ms|us|s)/step - loss: 0\.2500\n$",
                    capsys.readouterr().out)


def test_logger_with_unknown_steps_uses_the_steps_seen(capsys):
    cbs = CallbackList(add_progbar=True, model=Model(), verbose=1, epochs=1, steps=None)
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    for batch in range(3):
        cbs.on_train_batch_end(batch, {"accuracy": 0.5, "loss": 1.0})
    cbs.on_epoch_end(0, {"accuracy": 0.5, "loss": 1.0})
    line = capsys.readouterr().out.rstrip("\n")
    assert line.startswith("3/3 " + "━" * 20) and BAR_LINE.match(line)


def test_logger_evaluate_and_predict(capsys):
    cbs = CallbackList(add_progbar=True, model=Model(), verbose=1, epochs=1, steps=2)
    cbs.on_test_begin()
    for batch in range(2):
        cbs.on_test_batch_end(batch, {"accuracy": 0.75, "loss": 0.5})
    cbs.on_test_end({"accuracy": 0.75, "loss": 0.5})
    assert BAR_LINE.match(capsys.readouterr().out.rstrip("\n"))

    cbs.on_predict_begin()
    for batch in range(2):
        cbs.on_predict_batch_end(batch, {"outputs": [1.0, 2.0]})
    cbs.on_predict_end()
    assert re.match(r"^2/2 ━{20} \d+s \d+(ms|us|s)/step\n$", capsys.readouterr().out)


def test_validation_inside_fit_draws_no_bar_of_its_own(capsys):
    cbs = CallbackList(add_progbar=True, model=Model(), verbose=1, epochs=1, steps=2)
    cbs.on_train_begin()
    cbs.on_test_begin()
    cbs.on_test_batch_end(0, {"loss": 0.5})
    cbs.on_test_end({"loss": 0.5})
    assert capsys.readouterr().out == ""


def test_value_and_time_formats():
    assert format_value(0.3456) == "0.3456"
    assert format_value(-2.5) == "-2.5000"
    assert format_value(0.0005) == "5.0000e-04"
    assert format_value(0.0) == "0.0000e+00"
    assert format_time_per_unit(2.0, "step") == "2s/step"
    assert format_time_per_unit(0.015, "step") == "15ms/step"
    assert format_time_per_unit(0.00025, "sample") == "250us/sample"
    assert format_time_per_unit(0.0, "step") == "0s/step"
    assert format_eta(42.7) == "42s"
    assert format_eta(187) == "3:07"
    assert format_eta(3729) == "1:02:09"


def test_argument_errors():
    with pytest.raises(ValueError, match="verbose to be 0, 1 or 2, received 3"):
        Progbar(10, verbose=3)
    with pytest.raises(ValueError, match="stateful_metrics or stateless_metrics"):
        Progbar(10, stateful_metrics=["a"], stateless_metrics=["b"])

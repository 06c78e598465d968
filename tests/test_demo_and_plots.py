"""`neuronet demo` and the learning-curve plot."""
import numpy as np
import pytest

from neuronet import cli, demo
from neuronet.utils import plot_history


def test_demo_prints_the_comparison_table_and_writes_the_plot(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    path = tmp_path / "curves.png"
    rows = demo.run(epochs=2, plot_path=str(path))
    printed = capsys.readouterr().out
    assert [row[0] for row in rows] == [name for name, _, _ in demo.VARIANTS]
    assert "logistic regression" in printed and "test acc" in printed
    assert rows[0][1] == 64 * 10 + 10                      # logistic regression: one Dense
    assert all(0.0 <= row[3] <= 1.0 for row in rows)
    assert path.stat().st_size > 0 and f"written to {path}" in printed


def test_demo_command_line_without_plot(capsys, monkeypatch):
    calls = {}
    monkeypatch.setattr(demo, "run", lambda **kwargs: calls.update(kwargs))
    assert cli.main(["demo", "--epochs", "3", "--plot", ""]) == 0
    assert calls == {"epochs": 3, "seed": 0, "plot_path": ""}


def test_plot_history_draws_train_and_validation_curves(tmp_path):
    pytest.importorskip("matplotlib")
    history = {"loss": [1.0, 0.5, 0.25], "val_loss": [1.1, 0.7, 0.4], "accuracy": [0.5, 0.7, 0.9]}
    path = tmp_path / "history.png"
    figure = plot_history(history, path=str(path))
    loss_axis, accuracy_axis = figure.axes
    assert [line.get_label() for line in loss_axis.lines] == ["train loss", "validation loss"]
    np.testing.assert_allclose(loss_axis.lines[1].get_ydata(), history["val_loss"])
    assert [line.get_label() for line in accuracy_axis.lines] == ["train accuracy"]
    assert path.stat().st_size > 0

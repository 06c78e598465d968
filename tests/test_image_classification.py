"""`neuronet train` / `neuronet predict` on a generated folder of pictures."""
import numpy as np
import pytest

from neuronet import cli
from neuronet.image_classification import build_model, confusion_matrix

Image = pytest.importorskip("PIL.Image")


def _make_folder(root, per_class=24, size=20, seed=0):
    """'santa' pictures are mostly red, 'not_santa' mostly blue, with noise."""
    rng = np.random.default_rng(seed)
    for name, channel in (("santa", 0), ("not_santa", 2)):
        folder = root / name
        folder.mkdir(parents=True)
        for i in range(per_class):
            pixels = rng.integers(0, 90, (size, size, 3))
            pixels[..., channel] += 140
            Image.fromarray(pixels.astype(np.uint8)).save(folder / f"{i}.jpg")
        (folder / "notes.txt").write_text("not a picture")   # skipped by extension
    return root


def test_confusion_matrix_counts_pairs():
    counts = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3)
    np.testing.assert_array_equal(counts, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])


@pytest.mark.parametrize("kind", ["logreg", "mlp", "cnn"])
def test_models_build_for_each_kind(kind):
    model = build_model(kind, 16, 3)
    assert model.predict(np.zeros((2, 16, 16, 3), np.float32), verbose=0).shape == (2, 3)


def test_train_then_predict(tmp_path, capsys):
    data = _make_folder(tmp_path / "pictures")
    out = str(tmp_path / "santa.keras")
    cli.main(["train", str(data), "--image-size", "16", "--model", "cnn", "--epochs", "4",
              "--out", out])
    printed = capsys.readouterr().out
    assert "confusion matrix" in printed and "precision" in printed
    assert "model saved to" in printed
    accuracy = float(printed.split("validation accuracy ")[1].split()[0])
    assert accuracy >= 0.9
    red = str(data / "santa" / "0.jpg")
    blue = str(data / "not_santa" / "0.jpg")
    cli.main(["predict", out, red, blue])
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith(f"{red}: santa (") and lines[1].startswith(f"{blue}: not_santa (")

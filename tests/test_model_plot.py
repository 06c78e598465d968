"""keras.utils.plot_model: the graph it draws (boxes, arrows, ranks, texts), the file it
writes, and its errors."""
import numpy as np
import pytest

import neuronet as keras
from neuronet.utils import model_plot


def _two_branch_model():
    a, b = keras.Input((4,), name="a"), keras.Input((4,), name="b")
    h = keras.layers.Dense(3, activation="relu", name="left")(a)
    total = keras.layers.Add(name="add")([h, keras.layers.Dense(3, name="right")(b)])
    return keras.Model([a, b], [total * 2, h])


def test_functional_graph_has_one_arrow_per_connection_and_ranks_by_depth():
    model = _two_branch_model()
    layers, edges, shapes = model_plot._graph(model)
    names = [layer.name for layer in layers]
    times = names[-1]                                  # the op node of `total * 2`
    assert times.startswith("multiply")
    assert sorted((names[s], names[t]) for s, t in edges) == sorted(
        [("a", "left"), ("b", "right"), ("left", "add"), ("right", "add"), ("add", times)])
    ranks = dict(zip(names, model_plot._ranks(len(layers), edges)))
    assert ranks == {"a": 0, "b": 0, "left": 1, "right": 1, "add": 2, times: 3}
    assert shapes[id(layers[names.index("add")])][:2] == ("[(None, 3), (None, 3)]", "(None, 3)")


def test_a_layer_fed_by_a_short_and_a_long_path_sits_below_the_long_one():
    x = keras.Input((2,))
    deep = keras.layers.Dense(2)(keras.layers.Dense(2)(x))
    out = keras.layers.Concatenate()([x, deep])
    layers, edges, _ = model_plot._graph(keras.Model(x, out))
    assert model_plot._ranks(len(layers), edges)[-1] == 3


def test_labels_show_what_is_asked():
    model = _two_branch_model()
    layer = model.get_layer("left")
    shapes = ("(None, 4)", "(None, 3)", "float32")
    assert model_plot._label(layer, shapes, False, False, False, False, False) == "Dense"
    text = model_plot._label(layer, shapes, True, True, True, True, True)
    assert text.split("\n") == ["left (Dense)", "Input shape: (None, 4)",
                                "Output shape: (None, 3)", "Output dtype: float32",
                                "Activation: relu", "Trainable: True"]


def test_sequential_is_a_chain_with_the_input_shape_of_each_layer():
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(2), keras.layers.Dense(1)])
    layers, edges, shapes = model_plot._graph(model)
    assert edges == [(0, 1)]
    assert [shapes[id(layer)][:2] for layer in layers] == [("(None, 5)", "(None, 2)"),
                                                           ("(None, 2)", "(None, 1)")]


@pytest.mark.parametrize("rankdir", ["TB", "LR"])
def test_the_picture_is_written_and_runs_along_rankdir(tmp_path, rankdir):
    pytest.importorskip("matplotlib")
    from PIL import Image
    model = keras.Sequential([keras.Input((5,))] + [keras.layers.Dense(3) for _ in range(6)])
    path = tmp_path / "model.png"
    keras.utils.plot_model(model, to_file=path, show_shapes=True, rankdir=rankdir, dpi=50)
    width, height = Image.open(path).size
    assert (height > 1.5 * width) if rankdir == "TB" else (width > 1.5 * height)
    pixels = np.asarray(Image.open(path).convert("L"))
    assert pixels.min() < 100 and pixels.max() > 200          # drawn, not blank


def test_boxes_of_a_rank_do_not_overlap_and_arrows_touch_their_boxes():
    sizes = [(1.0, 0.5), (2.0, 0.5), (1.5, 0.8)]
    centres, (width, height) = model_plot._layout(sizes, [0, 0, 1], "TB")
    (x0, y0), (x1, y1), (x2, y2) = centres
    assert y0 == y1 and x0 + 0.5 < x1 - 1.0 and y2 < y0 - 0.25 - 0.4
    assert 0 < x0 - 0.5 and x1 + 1.0 < width and 0 < y2 - 0.4 and y0 + 0.25 < height
    assert model_plot._side(centres[2], sizes[2], "TB", entering=True) == (x2, y2 + 0.4)


def test_bad_arguments_and_unbuilt_models_are_refused(tmp_path):
    model = _two_branch_model()
    with pytest.raises(ValueError, match="rankdir"):
        keras.utils.plot_model(model, tmp_path / "m.png", rankdir="BT")
    with pytest.raises(NotImplementedError, match="expand_nested"):
        keras.utils.plot_model(model, tmp_path / "m.png", expand_nested=True)
    with pytest.raises(TypeError, match="unexpected arguments"):
        keras.utils.plot_model(model, tmp_path / "m.png", layer_range=None)
    with pytest.raises(ValueError, match="not been built"):
        keras.utils.plot_model(keras.Sequential([keras.layers.Dense(2)]), tmp_path / "m.png")

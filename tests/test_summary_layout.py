"""model.summary()'s layout: Keras 3's column widths, line_length, positions, wrapping of
long cells and layer_range, compared with Keras' own text for the same models."""
import pytest

import neuronet


def _models(keras):
    """The same four models built with `keras` (neuronet or Keras): nested Sequentials, a
    CNN, a functional model with two inputs and outputs and long names, an unbuilt one."""
    L = keras.layers
    inner = keras.Sequential([keras.Input((8,)), L.Dense(5, name="inner_dense_with_a_long_name"),
                              L.Dense(2, name="i2")], name="inner")
    nested = keras.Sequential([keras.Input((8,)), inner, L.Dense(3, name="after")], name="outer")
    cnn = keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu",
                                                               name="conv2d"),
                            L.MaxPooling2D(name="max_pooling2d"), L.Conv2D(64, 3, name="conv2d_1"),
                            L.Flatten(name="flatten"), L.Dropout(0.5, name="dropout"),
                            L.Dense(10, activation="softmax", name="dense")], name="cnn")
    first, second = keras.Input((4,), name="first_input_with_long_name"), keras.Input((4,), name="second")
    joined = L.Concatenate(name="concatenate_the_two_inputs_now")([first, second])
    two = keras.Model([first, second], [L.Dense(2, name="out_a")(joined),
                                        L.Dense(1, name="out_b")(joined)], name="two")
    unbuilt = keras.Sequential([L.Dense(4, name="d1"), L.Dense(2, name="d2")], name="unbuilt")
    return [nested, cnn, two, unbuilt]


def _text(model, **options):
    texts = []
    model.summary(print_fn=texts.append, **options)
    return "".join(texts)


OPTIONS = [{}, dict(expand_nested=True), dict(line_length=40), dict(show_trainable=True),
           dict(line_length=50, show_trainable=True), dict(line_length=70, positions=[.5, .7, .8, 1.]),
           dict(layer_range=["conv2d_1", "conv2d"])]


@pytest.mark.parametrize("columns", ["80", "130"])
def test_summary_text_equals_keras(real_keras, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", columns)          # the terminal width both read
    for ours, theirs in zip(_models(neuronet), _models(real_keras)):
        for options in OPTIONS:
            if "layer_range" in options and ours.name != "cnn":
                continue
            assert _text(ours, **options) == _text(theirs, **options), (ours.name, options)


def test_line_length_sets_the_width_of_every_line(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    cnn = _models(neuronet)[1]
    for length in (40, 60, 88, 120):
        table = [line for line in _text(cnn, line_length=length).splitlines()
                 if line[:1] in "┏┃┡│├└"]
        assert {len(line) for line in table} == {length}
    default = [line for line in _text(cnn).splitlines() if line[:1] == "┏"]
    assert len(default[0]) == 88                    # Keras' default with room for it


def test_long_cells_wrap_between_words_and_cut_long_words():
    lines = _text(_models(neuronet)[2], line_length=50).splitlines()
    assert lines[2:4] == ["┃              ┃ Output     ┃ Param ┃ Connected  ┃",   # headers sit
                          "┃ Layer (type) ┃ Shape      ┃     # ┃ to         ┃"]   # on the rule
    row = lines.index("│ second       │ (None, 4)  │     0 │ -          │")
    assert lines[row + 1] == "│ (InputLayer) │            │       │            │"
    assert lines[row + 3] == "│ concatenate… │ (None, 8)  │     0 │ first_inp… │"
    assert lines[row + 4] == "│ (Concatenat… │            │       │ second[0]… │"


def test_layer_range_lists_the_layers_between_two_name_patterns():
    cnn = _models(neuronet)[1]
    rows = [line.split("│")[1].strip() for line in _text(cnn, layer_range=["conv2d_1", "drop"]).splitlines()
            if line.startswith("│") and "(" in line.split("│")[1]]
    assert rows == ["conv2d_1 (Conv2D)", "flatten (Flatten)", "dropout (Dropout)"]
    rows = [line for line in _text(cnn, layer_range=["d.*", "dense"]).splitlines() if line.startswith("│ ")]
    assert rows[0].startswith("│ dropout (Dropout)") and "dense (Dense)" in rows[-1]
    whole = f"Total params: {cnn.count_params():,} "            # the whole model's, not the rows'
    assert cnn.count_params() > 77450 and whole in _text(cnn, layer_range=["flatten", "dense"])


@pytest.mark.parametrize("layer_range, message", [
    (["conv2d"], "two layer names"), ([1, 2], "two layer names"),
    (["nothing", "dense"], "does not match the names of the layers")])
def test_bad_layer_range_is_refused(layer_range, message):
    with pytest.raises(ValueError, match=message):
        _models(neuronet)[1].summary(layer_range=layer_range)


def test_too_narrow_or_too_few_positions_are_refused():
    cnn = _models(neuronet)[1]
    with pytest.raises(ValueError, match="Insufficient console width"):
        cnn.summary(line_length=10)
    with pytest.raises(ValueError, match="one entry per column"):
        cnn.summary(positions=[0.5, 1.0])

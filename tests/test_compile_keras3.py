"""compile() as Keras 3 reads its arguments: 'accuracy' in any case, nested metric lists,
recompiling with only some arguments, and the attributes it sets; each against Keras."""
import numpy as np
import pytest

import neuronet

RNG = np.random.default_rng(3)
X = RNG.standard_normal((40, 4)).astype("float32")
LABELS = RNG.integers(0, 3, 40)
ONE_HOT = np.eye(3, dtype="float32")[LABELS]


def _model(keras, weights=None):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    if weights is not None:
        model.set_weights(weights)
    return model


def _weights():
    return _model(neuronet).get_weights()


@pytest.mark.parametrize("loss, y, metric", [
    ("categorical_crossentropy", ONE_HOT, "Accuracy"),
    ("sparse_categorical_crossentropy", LABELS, "ACC")])
def test_accuracy_string_in_any_case_resolves_as_keras(real_keras, loss, y, metric):
    weights = _weights()
    results = []
    for keras in (neuronet, real_keras):
        model = _model(keras, weights)
        model.compile("sgd", loss, metrics=[metric])
        results.append(model.evaluate(X, y, verbose=0, return_dict=True))
    ours, theirs = results
    assert list(ours) == list(theirs) == [metric, "loss"]
    assert ours[metric] == pytest.approx(theirs[metric]) and 0 < ours[metric] < 1


def test_nested_metric_list_of_a_single_output_is_flattened(real_keras):
    weights = _weights()
    results = []
    for keras in (neuronet, real_keras):
        model = _model(keras, weights)
        model.compile("sgd", "categorical_crossentropy", metrics=[["accuracy", "mae"]])
        results.append(model.evaluate(X, ONE_HOT, verbose=0, return_dict=True))
    assert list(results[0]) == list(results[1]) == ["accuracy", "loss", "mae"]
    for key in results[0]:
        assert results[0][key] == pytest.approx(results[1][key], rel=1e-5)


def test_compiling_again_keeps_what_is_not_given(real_keras):
    weights = _weights()
    logged = []
    for keras in (neuronet, real_keras):
        model = _model(keras, weights)
        model.compile("sgd", "categorical_crossentropy", metrics=["accuracy"])
        model.fit(X, ONE_HOT, epochs=1, verbose=0, shuffle=False)
        model.compile(optimizer=keras.optimizers.SGD(0.5))        # loss and metrics stay
        kept = model.fit(X, ONE_HOT, epochs=1, verbose=0, shuffle=False).history
        model.compile(optimizer="sgd", loss="mse")                  # metrics stay
        swapped = model.fit(X, ONE_HOT, epochs=1, verbose=0, shuffle=False).history
        logged.append((kept, swapped))
    (kept, swapped), (their_kept, their_swapped) = logged
    assert sorted(kept) == sorted(their_kept) == ["accuracy", "loss"]
    assert sorted(swapped) == sorted(their_swapped) == ["accuracy", "loss"]
    for ours, theirs in ((kept, their_kept), (swapped, their_swapped)):
        for key in ours:
            assert ours[key] == pytest.approx(theirs[key], rel=1e-4)


def test_compile_sets_run_eagerly_jit_compile_and_steps_per_execution():
    model = _model(neuronet)
    assert (model.run_eagerly, model.jit_compile, model.steps_per_execution) == (False, False, 1)
    model.compile("sgd", "mse", run_eagerly=True, steps_per_execution=4)
    assert (model.run_eagerly, model.jit_compile, model.steps_per_execution) == (True, False, 4)
    assert model.get_compile_config()["run_eagerly"] is True


@pytest.mark.parametrize("units, activation, y, loss", [
    (1, "sigmoid", (LABELS > 0).astype("float32"), "crossentropy"),
    (3, "softmax", LABELS, "ce"),
    (3, "softmax", ONE_HOT, "CrossEntropy")])
def test_crossentropy_loss_is_picked_from_the_shapes_as_keras(real_keras, units, activation, y, loss):
    weights = None
    results = []
    for keras in (neuronet, real_keras):
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units, activation=activation)])
        if weights is None:
            weights = model.get_weights()
        model.set_weights(weights)
        model.compile("sgd", loss, metrics=["accuracy"])
        history = model.fit(X, y, epochs=2, batch_size=8, shuffle=False, verbose=0).history
        results.append((history, model.evaluate(X, y, verbose=0, return_dict=True)))
    (history, logs), (their_history, their_logs) = results
    for key in ("loss", "accuracy"):
        np.testing.assert_allclose(history[key], their_history[key], rtol=1e-4)
        assert logs[key] == pytest.approx(their_logs[key], rel=1e-4)

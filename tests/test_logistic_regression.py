"""A single Dense(1, sigmoid) layer is logistic regression: it must reach scikit-learn's fit."""
import numpy as np
import pytest

import neuronet as keras

sklearn_linear = pytest.importorskip("sklearn.linear_model")


def _data(n=400, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 3))
    logits = x @ np.array([1.5, -2.0, 0.5]) + 0.3
    y = (rng.random(n) < 1 / (1 + np.exp(-logits))).astype(np.float64)  # labels overlap
    return x, y


def _train(x, y, l2=0.0, epochs=3000):
    keras.backend.set_floatx("float64")
    regularizer = keras.regularizers.L2(l2) if l2 else None
    model = keras.Sequential([keras.Input((x.shape[1],)),
                              keras.layers.Dense(1, activation="sigmoid",
                                                 kernel_regularizer=regularizer)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0),
                  loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, batch_size=len(x), epochs=epochs, shuffle=False, verbose=0)
    return model


@pytest.mark.parametrize("C", [np.inf, 0.05])
def test_dense_sigmoid_matches_sklearn(C):
    x, y = _data()
    n = len(x)
    reference = sklearn_linear.LogisticRegression(C=C, tol=1e-12, max_iter=100000).fit(x, y)
    model = _train(x, y, l2=0.0 if np.isinf(C) else 1.0 / (2 * C * n))
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(kernel.ravel(), reference.coef_.ravel(), atol=1e-3)
    np.testing.assert_allclose(bias, reference.intercept_, atol=1e-3)
    accuracy = model.evaluate(x, y, verbose=0)[1]
    assert accuracy == pytest.approx(reference.score(x, y), abs=1e-12)
    assert accuracy < 1.0  # the data are not separable


def test_xor_two_layers_float32_end_to_end():
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([0, 1, 1, 0], dtype=np.float32)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="tanh"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    model.fit(x, y, batch_size=4, epochs=400, verbose=0)
    prediction = model.predict(x, verbose=0)
    np.testing.assert_array_equal((prediction.ravel() > 0.5), y.astype(bool))
    assert prediction.dtype == np.float32
    assert all(w.dtype == np.float32 for w in model.get_weights())
    slots = [v for v in model.optimizer.variables if v.dtype.kind == "f"]
    assert len(slots) >= 8 and all(v.dtype == np.float32 for v in slots)  # m and v of 4 weights

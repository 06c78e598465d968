"""Weight averaging (use_ema) at the end of fit and with SwapEMAWeights, against Keras 3;
ops.custom_gradient."""
import numpy as np
import pytest

import neuronet as keras
from neuronet import ops

rng = np.random.default_rng(0)
X = rng.standard_normal((40, 3)).astype(np.float32)
Y = (X @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3).astype(np.float32)
X_VAL, Y_VAL = X[:10] + 0.1, Y[:10]


def _trained(library, callbacks=(), epochs=3):
    """A Dense(1) regression trained with SGD(use_ema=True) from fixed weights, in neuronet
    or in Keras; returns (model, history)."""
    model = library.Sequential([library.Input((3,)), library.layers.Dense(1)])
    model.set_weights([np.array([[0.1], [0.2], [-0.1]], np.float32), np.zeros(1, np.float32)])
    model.compile(optimizer=library.optimizers.SGD(0.05, use_ema=True, ema_momentum=0.8),
                  loss="mse")
    history = model.fit(X, Y, batch_size=10, epochs=epochs, shuffle=False, verbose=0,
                        validation_data=(X_VAL, Y_VAL), callbacks=list(callbacks))
    return model, history


def test_fit_ends_with_the_averaged_weights_as_keras(real_keras):
    model, _ = _trained(keras)
    expected, _ = _trained(real_keras)
    for mine, theirs in zip(model.get_weights(), expected.get_weights()):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


def test_swap_ema_weights_validates_with_the_averages_as_keras(real_keras):
    _, history = _trained(keras, [keras.callbacks.SwapEMAWeights()])
    _, expected = _trained(real_keras, [real_keras.callbacks.SwapEMAWeights()])
    _, plain = _trained(keras)
    np.testing.assert_allclose(history.history["val_loss"], expected.history["val_loss"],
                               rtol=1e-5)
    assert not np.allclose(history.history["val_loss"], plain.history["val_loss"])


def test_swap_on_epoch_shows_the_averages_to_later_callbacks():
    seen = []

    def record(epoch, logs):
        averages = model.optimizer._model_variables_moving_average
        seen.append(all(np.array_equal(w, a.numpy())
                        for w, a in zip(model.get_weights(), averages)))
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.05, use_ema=True, ema_momentum=0.8),
                  loss="mse")
    model.fit(X, Y, batch_size=10, epochs=3, verbose=0,
              callbacks=[keras.callbacks.SwapEMAWeights(swap_on_epoch=True),
                         keras.callbacks.LambdaCallback(on_epoch_end=record)])
    assert seen == [True, True, True]
    averages = [a.numpy() for a in model.optimizer._model_variables_moving_average]
    for weights, average in zip(model.get_weights(), averages):      # kept after fit
        np.testing.assert_array_equal(weights, average)


def test_evaluate_with_the_averages_leaves_the_trained_weights():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.05, use_ema=True, ema_momentum=0.8),
                  loss="mse")
    for _ in range(4):
        model.train_on_batch(X, Y)
    trained = model.get_weights()
    averages = [a.numpy() for a in model.optimizer._model_variables_moving_average]
    swapped_loss = model.evaluate(X, Y, verbose=0, callbacks=[keras.callbacks.SwapEMAWeights()])
    for weights, before in zip(model.get_weights(), trained):
        np.testing.assert_array_equal(weights, before)
    model.set_weights(averages)
    assert swapped_loss == pytest.approx(model.evaluate(X, Y, verbose=0), rel=1e-6)
    with pytest.raises(ValueError, match="use_ema=True"):
        plain = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        plain.compile(optimizer="sgd", loss="mse")
        plain.train_on_batch(X, Y)
        plain.evaluate(X, Y, verbose=0, callbacks=[keras.callbacks.SwapEMAWeights()])


@ops.custom_gradient
def clipped_identity(x):
    """The identity, whose gradient is clipped to [-1, 1] (a custom backward pass)."""
    def grad(upstream):
        return ops.clip(upstream, -1.0, 1.0)
    return x + 0.0, grad


@ops.custom_gradient
def scaled_product(x, y):
    def grad(upstream):
        return upstream * y * 2.0, None                # a chosen rule, y gets none
    return x * y, grad


def test_custom_gradient_replaces_the_backward_pass():
    x = keras.Variable(np.array([1.0, 2.0, 3.0]))
    with keras.GradientTape() as tape:
        out = ops.sum(clipped_identity(x) * np.array([0.5, 5.0, -7.0]))
    np.testing.assert_array_equal(tape.gradient(out, x).numpy(), [0.5, 1.0, -1.0])
    y = keras.Variable(np.array([4.0, 5.0]))
    x2 = keras.Variable(np.array([1.0, 1.0]))
    with keras.GradientTape() as tape:
        out = ops.sum(scaled_product(x2, y))
    gx, gy = tape.gradient(out, [x2, y])
    np.testing.assert_array_equal(gx.numpy(), [8.0, 10.0])
    assert gy is None or not np.any(gy.numpy())


def test_custom_gradient_in_a_functional_model_and_errors():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, clipped_identity(inputs))
    np.testing.assert_array_equal(model.predict(X[:2], verbose=0), X[:2])

    @ops.custom_gradient
    def broken(x):
        return x
    with pytest.raises(ValueError, match="must return a pair \\(output, grad_fn\\)"):
        broken(np.ones(2))


def test_swap_ema_weights_sees_through_a_loss_scale_optimizer():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    inner = keras.optimizers.SGD(0.05, use_ema=True, ema_momentum=0.8)
    model.compile(optimizer=keras.optimizers.LossScaleOptimizer(inner), loss="mse")
    for _ in range(3):
        model.train_on_batch(X, Y)
    averages = [a.numpy() for a in inner._model_variables_moving_average]
    swapped = model.evaluate(X, Y, verbose=0, callbacks=[keras.callbacks.SwapEMAWeights()])
    model.set_weights(averages)
    assert swapped == pytest.approx(model.evaluate(X, Y, verbose=0), rel=1e-6)

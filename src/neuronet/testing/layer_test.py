"""run_layer_test: the contract every layer keeps, checked in one call.

    run_layer_test(Dense, {"units": 4}, input_shape=(6, 3),
                   expected_output_shape=(6, 4), expected_num_trainable_weights=2)

It checks: lazy build on the first call; output shape and dtype (also against
`compute_output_shape` and a symbolic call); weight counts and dtypes; the
get_config / from_config round-trip; one SGD step lowering the loss when the layer has
trainable weights; batch invariance in inference mode.
"""
import numpy as np

from .. import backend
from ..autograd import GradientTape, no_grad
from ..layers.symbolic import SymbolicTensor
from ..ops import math as m


def _check(condition, layer_cls, message):
    if not condition:
        raise AssertionError(f"run_layer_test({layer_cls.__name__}): {message}")


def _make_input(input_shape, input_dtype, seed):
    rng = np.random.default_rng(seed)
    if backend.is_float_dtype(input_dtype):
        return rng.standard_normal(input_shape).astype(input_dtype)
    return rng.integers(0, 10, size=input_shape).astype(input_dtype)


def _infer(layer, x, call_kwargs):
    """The layer's output array in inference mode, with no graph recorded."""
    with no_grad():
        return layer(x, training=False, **call_kwargs).data


def _training_loss(layer, x, call_kwargs, seed):
    """mean(output^2) in training mode, with the random stream reset to `seed`."""
    backend.set_random_seed(seed)
    return m.mean(m.square(layer(x, training=True, **call_kwargs)))


def run_layer_test(layer_cls, init_kwargs=None, input_shape=(2, 3), input_dtype="float32",
                   expected_output_shape=None, expected_num_trainable_weights=None,
                   expected_num_non_trainable_weights=None, supports_training=True,
                   input_data=None, call_kwargs=None, expected_output_dtype=None,
                   expected_output=None, batch_invariant=True, learning_rate=0.01, seed=0,
                   rtol=1e-5, atol=1e-6):
    """Check the layer contract for `layer_cls(**init_kwargs)`; raise AssertionError if broken.

    input_shape: the test batch's shape (batch axis first; the batch should be >= 2), or
    pass `input_data` directly. expected_output_dtype defaults to floatx().
    supports_training: run the training step (loss = mean(output^2), w -= lr * dL/dw,
    the loss must go down) when the layer has trainable weights; the step reseeds
    `backend.set_random_seed(seed)` so that random layers draw the same values twice.
    batch_invariant: check that the output for a batch equals the outputs for its two
    halves, concatenated (inference mode). Returns the built layer.
    """
    init_kwargs = dict(init_kwargs or {})
    call_kwargs = dict(call_kwargs or {})
    x = (_make_input(input_shape, input_dtype, seed) if input_data is None
         else np.asarray(input_data))
    expected_output_dtype = np.dtype(expected_output_dtype or backend.floatx())

    # build on the first call
    layer = layer_cls(**init_kwargs)
    _check(not layer.built and not layer.weights, layer_cls,
           "the layer is built (or has weights) before its first call")
    out = _infer(layer, x, call_kwargs)
    _check(layer.built, layer_cls, "the layer is not built after its first call")

    # output shape and dtype
    _check(np.isfinite(out).all() or not backend.is_float_dtype(out.dtype), layer_cls,
           "the output has NaN or inf values")
    if expected_output_shape is not None:
        _check(out.shape == tuple(expected_output_shape), layer_cls,
               f"expected output shape {tuple(expected_output_shape)}, received {out.shape}")
    _check(out.dtype == expected_output_dtype, layer_cls,
           f"expected output dtype {expected_output_dtype}, received {out.dtype}")
    if expected_output is not None:
        np.testing.assert_allclose(out, expected_output, rtol=rtol, atol=atol)
    unbatched = (None,) + out.shape[1:]
    inferred = tuple(layer.compute_output_shape((None,) + x.shape[1:]))
    _check(inferred == unbatched, layer_cls,
           f"compute_output_shape gives {inferred}, the call gives {unbatched}")
    symbolic = layer_cls(**init_kwargs)(SymbolicTensor((None,) + x.shape[1:], str(x.dtype)))
    _check(symbolic.shape == unbatched, layer_cls,
           f"a symbolic call gives shape {symbolic.shape}, the call gives {unbatched}")

    # weights
    if expected_num_trainable_weights is not None:
        count = len(layer.trainable_weights)
        _check(count == expected_num_trainable_weights, layer_cls,
               f"expected {expected_num_trainable_weights} trainable weights, found {count}")
    if expected_num_non_trainable_weights is not None:
        count = len(layer.non_trainable_weights)
        _check(count == expected_num_non_trainable_weights, layer_cls,
               f"expected {expected_num_non_trainable_weights} non-trainable weights, "
               f"found {count}")
    for w in layer.weights:
        _check(not backend.is_float_dtype(w.dtype) or w.dtype == layer.dtype, layer_cls,
               f"weight {w.name!r} has dtype {w.dtype}, the layer computes in {layer.dtype}")

    # config round-trip: same config, and the same output once the weights are copied
    config = layer.get_config()
    clone = layer_cls.from_config(config)
    _check(clone.get_config() == config, layer_cls,
           f"from_config(get_config()) changes the config:\n{config}\n!=\n{clone.get_config()}")
    _infer(clone, x, call_kwargs)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(_infer(clone, x, call_kwargs), out, rtol=rtol, atol=atol,
                               err_msg=f"{layer_cls.__name__}: the clone's output differs")

    # one training step lowers the loss
    if supports_training and layer.trainable_weights:
        weights = layer.trainable_weights
        with GradientTape() as tape:
            loss = _training_loss(layer, x, call_kwargs, seed)
        grads = tape.gradient(loss, weights)
        for w, g in zip(weights, grads):
            _check(g is not None, layer_cls, f"weight {w.name!r} receives no gradient")
            _check(g.dtype == w.dtype, layer_cls,
                   f"the gradient of {w.name!r} has dtype {g.dtype}, the weight {w.dtype}")
            w.assign_sub(learning_rate * g.data)
        with no_grad():
            new_loss = _training_loss(layer, x, call_kwargs, seed)
        _check(new_loss.item() < loss.item(), layer_cls,
               f"one SGD step (lr={learning_rate}) did not lower the loss: "
               f"{loss.item():.6g} -> {new_loss.item():.6g}")

    # batch invariance (inference mode)
    if batch_invariant:
        _check(len(x) >= 2, layer_cls, "batch invariance needs a batch of at least 2 samples")
        half = len(x) // 2
        full = _infer(layer, x, call_kwargs)
        parts = np.concatenate([_infer(layer, x[:half], call_kwargs),
                                _infer(layer, x[half:], call_kwargs)])
        np.testing.assert_allclose(parts, full, rtol=rtol, atol=atol, err_msg=(
            f"{layer_cls.__name__}: the output for a batch differs from its halves' outputs"))
    return layer

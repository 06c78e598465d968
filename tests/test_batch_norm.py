import numpy as np
import pytest

from neuronet import Tensor
from neuronet.autograd import GradientTape
from neuronet.layers import BatchNormalization
from neuronet.ops.normalization import batch_norm_train, batch_normalization
from neuronet.testing import gradcheck, run_layer_test


def _normal(*shape, seed=0, scale=1.0, shift=0.0):
    return np.random.default_rng(seed).standard_normal(shape) * scale + shift


# --- the ops -------------------------------------------------------------------------------

@pytest.mark.parametrize("shape, axis", [((6, 3), -1), ((3, 4, 5, 2), -1), ((3, 2, 4, 3), 1),
                                         ((3, 4, 2), (1, 2))])
def test_batch_norm_train_gradcheck(shape, axis):
    features = (shape[1], shape[2]) if axis == (1, 2) else (shape[axis],)
    x = _normal(*shape, scale=2.0, shift=1.0)
    scale, offset = _normal(*features, seed=1, shift=1.0), _normal(*features, seed=2)
    gradcheck(lambda x, s, o: batch_norm_train(x, axis, o, s, epsilon=1e-3)[0], [x, scale, offset])
    gradcheck(lambda x: batch_norm_train(x, axis)[0], [x])


def test_batch_normalization_inference_gradcheck_in_every_argument():
    x = _normal(4, 3, 5, scale=2.0)
    mean, variance = _normal(5, seed=1), np.random.default_rng(2).uniform(0.5, 2.0, 5)
    scale, offset = _normal(5, seed=3, shift=1.0), _normal(5, seed=4)
    gradcheck(lambda *a: batch_normalization(a[0], a[1], a[2], -1, a[4], a[3]),
              [x, mean, variance, scale, offset])
    gradcheck(lambda x, m, v: batch_normalization(x, m, v, axis=1),
              [x, _normal(3, seed=5), np.array([0.5, 1.0, 2.0])])


def test_batch_norm_train_statistics_and_output():
    x = _normal(50, 3, scale=3.0, shift=2.0).astype(np.float32)
    out, mean, variance = batch_norm_train(x, -1, epsilon=1e-3)
    np.testing.assert_allclose(mean, x.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(variance, x.var(axis=0), rtol=1e-5)         # biased, ddof=0
    np.testing.assert_allclose(out.data, (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3),
                               rtol=1e-4, atol=1e-5)
    assert out.dtype == mean.dtype == variance.dtype == np.float32
    integers = np.arange(12).reshape(4, 3)
    assert batch_norm_train(integers)[0].dtype == np.float32
    assert batch_normalization(integers, mean, variance).dtype == np.float32


def test_ops_errors():
    with pytest.raises(ValueError, match=r"batch_norm_train: axis 3 is out of range"):
        batch_norm_train(np.zeros((2, 3)), axis=3)
    with pytest.raises(ValueError, match=r"batch_normalization: expected 'mean' of shape \(3,\)"):
        batch_normalization(np.zeros((2, 3)), np.zeros(4), np.ones(3))


# --- PyTorch as the oracle ------------------------------------------------------------------

def test_training_forward_gradients_and_moving_stats_match_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    momentum, eps = 0.9, 1e-3
    x = _normal(6, 5, 4, 3, scale=2.0, shift=0.5).astype(np.float32)        # NHWC, 3 channels
    gamma, beta = _normal(3, seed=1, shift=1.0), _normal(3, seed=2)
    layer = BatchNormalization(momentum=momentum, epsilon=eps,
                               moving_mean_initializer="ones", moving_variance_initializer="ones")
    layer(np.zeros((1, 5, 4, 3), np.float32))                                # builds the weights
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    xt = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)          # NCHW
    gt = torch.tensor(gamma, dtype=torch.float32, requires_grad=True)
    bt = torch.tensor(beta, dtype=torch.float32, requires_grad=True)
    running_mean, running_var = torch.ones(3), torch.ones(3)
    g = _normal(*x.shape, seed=3).astype(np.float32)

    ours_x = Tensor(x, requires_grad=True)
    with GradientTape() as tape:
        tape.watch(ours_x)
        out = layer(ours_x, training=True)
        loss = (out * g).sum()
    gx, ggamma, gbeta = tape.gradient(loss, [ours_x, layer.gamma, layer.beta])
    expected = F.batch_norm(xt, running_mean, running_var, gt, bt, training=True,
                            momentum=1 - momentum, eps=eps)        # torch's momentum: 1 - Keras'
    (expected * torch.from_numpy(g.transpose(0, 3, 1, 2))).sum().backward()

    close = dict(rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(out.data, expected.detach().numpy().transpose(0, 2, 3, 1), **close)
    np.testing.assert_allclose(gx.data, xt.grad.numpy().transpose(0, 2, 3, 1), **close)
    np.testing.assert_allclose(ggamma.data, gt.grad.numpy(), **close)
    np.testing.assert_allclose(gbeta.data, bt.grad.numpy(), **close)
    np.testing.assert_allclose(layer.moving_mean.data, running_mean.numpy(), **close)
    # torch's running variance uses the unbiased batch variance, Keras' the biased one:
    # recover torch's batch variance from its update and rescale it by (n - 1) / n
    count = x.size // 3
    torch_batch_var = (running_var.numpy() - momentum * 1.0) / (1 - momentum)
    expected_moving_var = momentum * 1.0 + (1 - momentum) * torch_batch_var * (count - 1) / count
    np.testing.assert_allclose(layer.moving_variance.data, expected_moving_var, **close)


def test_inference_matches_torch_eval_mode():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = _normal(4, 3, 5, 5, seed=4).astype(np.float32)                      # channels first
    layer = BatchNormalization(axis=1)
    layer(np.zeros((1, 3, 5, 5), np.float32))
    weights = [_normal(3, seed=s).astype(np.float32) for s in (5, 6, 7)]
    weights.append(np.random.default_rng(8).uniform(0.5, 2, 3).astype(np.float32))
    layer.set_weights(weights)                                              # gamma, beta, mean, var
    gamma, beta, mean, var = map(torch.from_numpy, weights)
    expected = F.batch_norm(torch.from_numpy(x), mean, var, gamma, beta, training=False, eps=1e-3)
    np.testing.assert_allclose(layer(x, training=False).data, expected.numpy(),
                               rtol=1e-5, atol=1e-6)


# --- the layer ---------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, shape, n_trainable", [
    ({}, (8, 3), 2), ({}, (8, 5, 4, 3), 2), ({"axis": 1}, (8, 3, 4, 4), 2),
    ({"center": False}, (8, 5, 3), 1), ({"scale": False, "center": False}, (8, 3), 0),
    ({"axis": [1, 2]}, (8, 3, 2), 2),
])
def test_layer_contract(kwargs, shape, n_trainable):
    layer = run_layer_test(BatchNormalization, kwargs, input_shape=shape,
                           expected_output_shape=shape,
                           expected_num_trainable_weights=n_trainable,
                           expected_num_non_trainable_weights=2)
    assert [w.name for w in layer.non_trainable_weights] == ["moving_mean", "moving_variance"]


def test_weights_defaults_and_order_follow_keras():
    layer = BatchNormalization()
    assert (layer.axis, layer.momentum, layer.epsilon) == (-1, 0.99, 1e-3)
    layer(np.zeros((2, 4), np.float32))
    assert [w.name for w in layer.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    gamma, beta, mean, var = layer.get_weights()
    np.testing.assert_array_equal(np.stack([gamma, beta, mean, var]),
                                  [[1] * 4, [0] * 4, [0] * 4, [1] * 4])


def test_moving_statistics_update_only_in_training():
    layer = BatchNormalization(momentum=0.8)
    x = _normal(32, 2, scale=3.0, shift=5.0).astype(np.float32)
    layer(x, training=False)
    np.testing.assert_array_equal(layer.moving_mean.data, [0, 0])
    for step in range(2):
        layer(x, training=True)
    kept = 0.8 ** 2                                     # two updates from mean 0 / variance 1
    np.testing.assert_allclose(layer.moving_mean.data, (1 - kept) * x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.data, kept + (1 - kept) * x.var(0),
                               rtol=1e-5)
    inference = layer(x, training=False).data
    expected = (x - layer.moving_mean.data) / np.sqrt(layer.moving_variance.data + 1e-3)
    np.testing.assert_allclose(inference, expected, rtol=1e-4, atol=1e-5)


def test_frozen_layer_runs_in_inference_mode_even_when_training():
    layer = BatchNormalization()
    x = _normal(16, 3, shift=4.0).astype(np.float32)
    layer(x)
    layer.trainable = False
    out = layer(x, training=True).data
    np.testing.assert_array_equal(layer.moving_mean.data, [0, 0, 0])
    np.testing.assert_allclose(out, x / np.sqrt(1 + 1e-3), rtol=1e-6)


def test_layer_errors():
    with pytest.raises(ValueError, match=r"BatchNormalization layer 'bn': axis 3 is out of "
                                         r"range"):
        BatchNormalization(axis=3, name="bn")(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"'axis', received axis='x'"):
        BatchNormalization(axis="x")
    layer = BatchNormalization(name="bn2")
    layer(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"layer 'bn2' is incompatible.*expected axis -1 of input "
                                         r"shape to have value 3"):
        layer(np.zeros((2, 4)))


def test_config_round_trip():
    layer = BatchNormalization(axis=1, momentum=0.9, center=False)
    config = layer.get_config()
    assert config["axis"] == 1 and config["momentum"] == 0.9 and config["center"] is False
    assert config["gamma_initializer"]["class_name"] == "Ones"
    assert BatchNormalization.from_config(config).get_config() == config


# --- masks (Keras 3: masked positions stay out of the batch statistics) ----------------------

def _mask(*shape, seed=7):
    mask = np.random.default_rng(seed).random(shape) < 0.6
    mask[0, 0] = True
    return mask


@pytest.mark.parametrize("shape, axis", [((4, 5, 3), -1), ((3, 4, 5, 2), -1), ((3, 4, 5), 1)])
def test_masked_batch_norm_train_gradcheck(shape, axis):
    x = _normal(*shape, scale=2.0, shift=1.0)
    features = (shape[axis],)
    weights = _mask(*shape[:-1])[..., None].astype(float)
    scale, offset = _normal(*features, seed=1, shift=1.0), _normal(*features, seed=2)
    gradcheck(lambda x, s, o: batch_norm_train(x, axis, o, s, 1e-3, weights)[0],
              [x, scale, offset])


def test_masked_statistics_are_those_of_the_unmasked_values():
    x = _normal(6, 5, 3, scale=3.0, shift=2.0)
    mask = _mask(6, 5)
    out, mean, variance = batch_norm_train(x, -1, epsilon=1e-3, weights=mask[..., None])
    kept = x[mask]                                           # (count, 3)
    np.testing.assert_allclose(mean, kept.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(variance, kept.var(axis=0), rtol=1e-6)
    np.testing.assert_allclose(out.data, (x - mean) / np.sqrt(variance + 1e-3), rtol=1e-6)


def test_layer_with_a_mask_matches_keras(real_keras):
    keras = real_keras
    x = _normal(4, 6, 3, scale=2.0, shift=1.0).astype(np.float32)
    mask = _mask(4, 6)
    theirs = keras.layers.BatchNormalization(momentum=0.9)
    expected = np.asarray(theirs(x, training=True, mask=mask))
    ours = BatchNormalization(momentum=0.9)
    got = ours(x, training=True, mask=mask)
    np.testing.assert_allclose(got.data, expected, rtol=1e-5, atol=1e-5)
    for mine, other in zip(ours.weights, theirs.weights):
        np.testing.assert_allclose(mine.data, np.asarray(other), rtol=1e-5, atol=1e-6)
    assert np.abs(ours.moving_mean.data).max() > 1e-2        # the statistics really moved


def test_the_mask_passes_through_and_a_wrong_rank_is_refused():
    import neuronet as nn
    ids = np.array([[3, 5, 0, 0], [2, 0, 0, 0]])
    model = nn.Sequential([nn.Input((4,), dtype="int32"),
                           nn.layers.Embedding(8, 3, mask_zero=True),
                           nn.layers.BatchNormalization()])
    out = model(ids, training=True)
    np.testing.assert_array_equal(np.asarray(out._keras_mask), ids != 0)
    with pytest.raises(ValueError, match=r"one dimension less than the inputs.*mask.shape=\(2, 4, 3\)"):
        BatchNormalization()(np.ones((2, 4, 3), np.float32), training=True,
                             mask=np.ones((2, 4, 3), bool))

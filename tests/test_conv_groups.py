"""Grouped, depthwise and separable convolutions: the ops and Conv2D/Conv1D(groups),
DepthwiseConv2D and SeparableConv2D."""
import numpy as np
import pytest

from neuronet import Tensor
from neuronet.layers import Conv1D, Conv2D, DepthwiseConv2D, SeparableConv2D
from neuronet.layers.symbolic import SymbolicTensor
from neuronet.ops.conv import conv1d, conv2d, depthwise_conv2d, separable_conv2d
from neuronet.testing import gradcheck, run_layer_test


def _normal(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _float32(*shape, seed=0):
    return _normal(*shape, seed=seed).astype(np.float32)


# --- gradients (float64 central differences) --------------------------------------------------

GROUPED_CASES = [  # (strides, padding, dilation, groups): odd sizes, both paddings, dilation
    (1, "valid", 1, 2), (2, "same", 1, 3), ((2, 1), "same", 1, 2), (2, "valid", 1, 6),
    (1, "valid", 2, 3), (1, "same", (2, 1), 2),
]


@pytest.mark.parametrize("strides, padding, dilation, groups", GROUPED_CASES)
def test_grouped_conv2d_gradcheck(strides, padding, dilation, groups):
    x, kernel = _normal(2, 7, 5, 6), _normal(3, 2, 6 // groups, 6, seed=1)
    bias = _normal(6, seed=2)
    gradcheck(lambda x, k, b: conv2d(x, k, b, strides, padding, dilation, groups),
              [x, kernel, bias])


@pytest.mark.parametrize("strides, padding, dilation, multiplier", [
    (1, "valid", 1, 1), (2, "same", 1, 2), ((1, 2), "valid", 1, 3), (1, "same", 2, 2)])
def test_depthwise_conv2d_gradcheck(strides, padding, dilation, multiplier):
    x, kernel = _normal(2, 7, 6, 3), _normal(3, 2, 3, multiplier, seed=1)
    bias = _normal(3 * multiplier, seed=2)
    gradcheck(lambda x, k, b: depthwise_conv2d(x, k, b, strides, padding, dilation),
              [x, kernel, bias])


@pytest.mark.parametrize("strides, padding, dilation", [(2, "same", 1), (1, "valid", 2)])
def test_separable_conv2d_gradcheck(strides, padding, dilation):
    x, depthwise = _normal(2, 7, 5, 3), _normal(3, 3, 3, 2, seed=1)
    pointwise, bias = _normal(1, 1, 6, 4, seed=2), _normal(4, seed=3)
    gradcheck(lambda x, d, p, b: separable_conv2d(x, d, p, b, strides, padding, dilation),
              [x, depthwise, pointwise, bias])


@pytest.mark.parametrize("strides, padding, dilation", [(1, "causal", 2), (2, "same", 1)])
def test_grouped_conv1d_gradcheck(strides, padding, dilation):
    x, kernel, bias = _normal(2, 9, 4), _normal(3, 2, 6, seed=1), _normal(6, seed=2)
    gradcheck(lambda x, k, b: conv1d(x, k, b, strides, padding, dilation, groups=2),
              [x, kernel, bias])


def test_float32_stays_float32_with_its_gradients():
    x = Tensor(_float32(2, 5, 5, 4), requires_grad=True)
    kernel = Tensor(_float32(3, 3, 4, 2, seed=1), requires_grad=True)
    pointwise = Tensor(_float32(1, 1, 8, 3, seed=2), requires_grad=True)
    bias = Tensor(np.zeros(3, np.float32), requires_grad=True)
    out = separable_conv2d(x, kernel, pointwise, bias, 2, "same")
    assert out.dtype == np.float32
    out.sum().backward()
    assert x.grad.dtype == kernel.grad.dtype == pointwise.grad.dtype == bias.grad.dtype \
        == np.float32
    grouped = Tensor(_float32(3, 3, 2, 6, seed=3), requires_grad=True)
    grouped_bias = Tensor(np.zeros(6, np.float32), requires_grad=True)
    out = conv2d(x, grouped, grouped_bias, 2, "same", groups=2)
    assert out.dtype == np.float32
    out.sum().backward()
    assert grouped.grad.dtype == grouped_bias.grad.dtype == np.float32


def test_no_gradient_is_computed_for_what_does_not_need_one():
    x = Tensor(_float32(2, 5, 5, 4))
    kernel = Tensor(_float32(3, 3, 2, 6, seed=1), requires_grad=True)
    conv2d(x, kernel, groups=2).sum().backward()
    assert x.grad is None and kernel.grad.shape == (3, 3, 2, 6)


# --- PyTorch as the oracle (float32, NHWC <-> NCHW) ---------------------------------------------

def _tf_same_pads(length, kernel, stride, dilation):
    """TensorFlow's 'same' padding along one axis: (before, after), the extra one after."""
    span = (kernel - 1) * dilation + 1
    total = max((-(-length // stride) - 1) * stride + span - length, 0)
    return total // 2, total - total // 2


def _pair(v):
    return (v, v) if isinstance(v, int) else v


def _torch_conv(torch, xt, kt, bt, strides, padding, dilation, groups):
    """torch's conv2d on NCHW with TensorFlow's padding, back in NHWC."""
    F = torch.nn.functional
    (sh, sw), (dh, dw) = _pair(strides), _pair(dilation)
    if padding == "same":                                  # TF pads asymmetrically: pad first
        top, bottom = _tf_same_pads(xt.shape[2], kt.shape[2], sh, dh)
        left, right = _tf_same_pads(xt.shape[3], kt.shape[3], sw, dw)
        xt = F.pad(xt, (left, right, top, bottom))
    out = F.conv2d(xt, kt, bt, stride=(sh, sw), dilation=(dh, dw), groups=groups)
    return out.permute(0, 2, 3, 1)


def _leaf(torch, array):
    return torch.tensor(array, requires_grad=True)


def _close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5)


def _check_against_torch(torch, out, expected, pairs):
    """Values, then the gradients for a random cotangent: pairs of (our leaf, torch leaf,
    the function taking torch's gradient to our layout)."""
    _close(out.data, expected.detach().numpy())
    g = _float32(*out.shape, seed=9)
    out.backward(g)
    expected.backward(torch.from_numpy(g))
    for ours, theirs, to_ours in pairs:
        _close(ours.grad, to_ours(theirs.grad.numpy()))


def _nchw_to_nhwc(a):
    return a.transpose(0, 2, 3, 1)


def _oihw_to_hwio(a):
    return a.transpose(2, 3, 1, 0)


def _identity(a):
    return a


@pytest.mark.parametrize("strides, padding, dilation, groups", GROUPED_CASES)
def test_grouped_conv2d_matches_torch(strides, padding, dilation, groups):
    torch = pytest.importorskip("torch")
    x, kernel, bias = _float32(3, 8, 7, 6), _float32(3, 2, 6 // groups, 12, seed=1), \
        _float32(12, seed=2)
    ours = [Tensor(a, requires_grad=True) for a in (x, kernel, bias)]
    out = conv2d(*ours, strides, padding, dilation, groups)
    xt, kt, bt = (_leaf(torch, a) for a in (x.transpose(0, 3, 1, 2),
                                            kernel.transpose(3, 2, 0, 1), bias))
    expected = _torch_conv(torch, xt, kt, bt, strides, padding, dilation, groups)
    _check_against_torch(torch, out, expected, [(ours[0], xt, _nchw_to_nhwc),
                                                (ours[1], kt, _oihw_to_hwio),
                                                (ours[2], bt, _identity)])


def _depthwise_to_torch(kernel):
    """(kh, kw, c, m) -> torch's (c*m, 1, kh, kw): output channel c*m + j is kernel[..., c, j]."""
    kh, kw, c, m = kernel.shape
    return kernel.transpose(2, 3, 0, 1).reshape(c * m, 1, kh, kw)


def _depthwise_from_torch(kernel_grad, multiplier):
    """The inverse of `_depthwise_to_torch`, for a gradient."""
    cm, _, kh, kw = kernel_grad.shape
    return kernel_grad.reshape(cm // multiplier, multiplier, kh, kw).transpose(2, 3, 0, 1)


@pytest.mark.parametrize("strides, padding, dilation, multiplier", [
    (1, "valid", 1, 1), (2, "same", 1, 2), ((2, 1), "same", 1, 3), (1, "valid", 2, 2),
    (1, "same", (1, 2), 1)])
def test_depthwise_conv2d_matches_torch(strides, padding, dilation, multiplier):
    torch = pytest.importorskip("torch")
    x, kernel = _float32(3, 8, 7, 5), _float32(3, 3, 5, multiplier, seed=1)
    bias = _float32(5 * multiplier, seed=2)
    ours = [Tensor(a, requires_grad=True) for a in (x, kernel, bias)]
    out = depthwise_conv2d(*ours, strides, padding, dilation)
    assert out.shape[3] == 5 * multiplier
    xt, kt, bt = (_leaf(torch, a) for a in (x.transpose(0, 3, 1, 2),
                                            _depthwise_to_torch(kernel), bias))
    expected = _torch_conv(torch, xt, kt, bt, strides, padding, dilation, groups=5)
    _check_against_torch(torch, out, expected, [
        (ours[0], xt, _nchw_to_nhwc), (ours[1], kt, lambda g: _depthwise_from_torch(g, multiplier)),
        (ours[2], bt, _identity)])


def test_separable_conv2d_matches_torch():
    torch = pytest.importorskip("torch")
    x, depthwise = _float32(2, 9, 8, 3), _float32(3, 3, 3, 2, seed=1)
    pointwise, bias = _float32(1, 1, 6, 4, seed=2), _float32(4, seed=3)
    ours = [Tensor(a, requires_grad=True) for a in (x, depthwise, pointwise, bias)]
    out = separable_conv2d(*ours, strides=2, padding="same")
    xt, dt, pt, bt = (_leaf(torch, a) for a in (x.transpose(0, 3, 1, 2),
                                                _depthwise_to_torch(depthwise),
                                                pointwise.transpose(3, 2, 0, 1), bias))
    hidden = _torch_conv(torch, xt, dt, None, 2, "same", 1, groups=3).permute(0, 3, 1, 2)
    expected = torch.nn.functional.conv2d(hidden, pt, bt).permute(0, 2, 3, 1)
    _check_against_torch(torch, out, expected, [
        (ours[0], xt, _nchw_to_nhwc), (ours[1], dt, lambda g: _depthwise_from_torch(g, 2)),
        (ours[2], pt, _oihw_to_hwio), (ours[3], bt, _identity)])


def test_grouped_conv1d_matches_torch():
    torch = pytest.importorskip("torch")
    x, kernel, bias = _float32(2, 11, 6), _float32(3, 2, 9, seed=1), _float32(9, seed=2)
    ours = [Tensor(a, requires_grad=True) for a in (x, kernel, bias)]
    out = conv1d(*ours, strides=1, padding="causal", dilation_rate=2, groups=3)
    xt, kt, bt = (_leaf(torch, a) for a in (x.transpose(0, 2, 1), kernel.transpose(2, 1, 0), bias))
    padded = torch.nn.functional.pad(xt, (4, 0))               # causal: (3 - 1) * 2 on the left
    expected = torch.nn.functional.conv1d(padded, kt, bt, dilation=2, groups=3).permute(0, 2, 1)
    _check_against_torch(torch, out, expected, [(ours[0], xt, lambda g: g.transpose(0, 2, 1)),
                                                (ours[1], kt, lambda g: g.transpose(2, 1, 0)),
                                                (ours[2], bt, _identity)])


# --- layers ------------------------------------------------------------------------------------

LAYER_CASES = [
    # (id, class, init kwargs, input shape, expected output shape, trainable weights)
    ("conv2d_groups", Conv2D, {"filters": 6, "kernel_size": 3, "groups": 2},
     (4, 7, 6, 4), (4, 5, 4, 6), 2),
    ("conv2d_groups_channels_first", Conv2D,
     {"filters": 4, "kernel_size": 3, "groups": 2, "padding": "same",
      "data_format": "channels_first"}, (4, 6, 5, 6), (4, 4, 5, 6), 2),
    ("conv1d_groups_causal", Conv1D, {"filters": 6, "kernel_size": 3, "groups": 3,
                                      "padding": "causal"}, (4, 9, 3), (4, 9, 6), 2),
    ("depthwise", DepthwiseConv2D, {"kernel_size": 3}, (4, 7, 6, 3), (4, 5, 4, 3), 2),
    ("depthwise_multiplier_same_stride2", DepthwiseConv2D,
     {"kernel_size": (3, 2), "strides": 2, "padding": "same", "depth_multiplier": 2,
      "activation": "relu"}, (4, 7, 6, 3), (4, 4, 3, 6), 2),
    ("depthwise_dilated_no_bias", DepthwiseConv2D,
     {"kernel_size": 3, "dilation_rate": 2, "use_bias": False}, (4, 7, 6, 2), (4, 3, 2, 2), 1),
    ("depthwise_channels_first", DepthwiseConv2D,
     {"kernel_size": 3, "depth_multiplier": 2, "data_format": "channels_first"},
     (4, 3, 6, 5), (4, 6, 4, 3), 2),
    ("separable", SeparableConv2D, {"filters": 4, "kernel_size": 3}, (4, 7, 6, 3),
     (4, 5, 4, 4), 3),
    ("separable_multiplier_same_stride2_tanh", SeparableConv2D,
     {"filters": 5, "kernel_size": 3, "strides": 2, "padding": "same", "depth_multiplier": 2,
      "activation": "tanh"}, (4, 7, 6, 3), (4, 4, 3, 5), 3),
    ("separable_no_bias_channels_first", SeparableConv2D,
     {"filters": 2, "kernel_size": 2, "use_bias": False, "data_format": "channels_first"},
     (4, 3, 5, 6), (4, 2, 4, 5), 2),
]


@pytest.mark.parametrize("cls, kwargs, shape, out_shape, n_trainable",
                         [c[1:] for c in LAYER_CASES], ids=[c[0] for c in LAYER_CASES])
def test_layer_contract(cls, kwargs, shape, out_shape, n_trainable):
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=out_shape,
                   expected_num_trainable_weights=n_trainable,
                   expected_num_non_trainable_weights=0)


def test_weights_follow_keras_names_shapes_and_order():
    conv = Conv2D(6, (3, 2), groups=3)
    conv(np.zeros((1, 6, 6, 9), np.float32))
    assert conv.kernel.shape == (3, 2, 3, 6) and conv.bias.shape == (6,)
    conv1 = Conv1D(4, 3, groups=2)
    conv1(np.zeros((1, 6, 4), np.float32))
    assert conv1.kernel.shape == (3, 2, 4)
    depthwise = DepthwiseConv2D((3, 2), depth_multiplier=2)
    depthwise(np.zeros((1, 6, 6, 5), np.float32))
    assert [(w.name, w.shape) for w in depthwise.weights] == [("kernel", (3, 2, 5, 2)),
                                                             ("bias", (10,))]
    separable = SeparableConv2D(7, 3, depth_multiplier=2)
    separable(np.zeros((1, 6, 6, 5), np.float32))
    assert [(w.name, w.shape) for w in separable.weights] == [
        ("depthwise_kernel", (3, 3, 5, 2)), ("pointwise_kernel", (1, 1, 10, 7)), ("bias", (7,))]


def test_depthwise_layer_orders_channels_input_major():
    """Output channel c * depth_multiplier + m: input channel c through kernel[..., c, m]."""
    layer = DepthwiseConv2D(3, depth_multiplier=2, use_bias=False)
    x = _float32(2, 5, 5, 3)
    out = layer(x).data
    kernel = layer.kernel.data
    for c in range(3):
        for m in range(2):
            single = conv2d(x[..., c:c + 1], kernel[:, :, c:c + 1, m:m + 1]).data
            np.testing.assert_allclose(out[..., c * 2 + m], single[..., 0], rtol=1e-5, atol=1e-6)


def test_grouped_conv2d_layer_equals_separate_convolutions_per_group():
    layer = Conv2D(4, 3, groups=2, padding="same", bias_initializer="random_normal")
    x = _float32(2, 5, 6, 6)
    out = layer(x).data
    kernel, bias = layer.kernel.data, layer.bias.data
    for k in range(2):
        part = conv2d(x[..., 3 * k:3 * k + 3], kernel[..., 2 * k:2 * k + 2],
                      bias[2 * k:2 * k + 2], padding="same").data
        np.testing.assert_allclose(out[..., 2 * k:2 * k + 2], part, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kwargs", [{"strides": 2, "padding": "same"},
                                    {"dilation_rate": 2, "activation": "relu"}])
def test_separable_equals_depthwise_then_pointwise_conv2d(kwargs):
    separable = SeparableConv2D(4, 3, depth_multiplier=2, bias_initializer="random_normal",
                                **kwargs)
    x = _float32(2, 7, 6, 3)
    out = separable(x).data
    activation = kwargs.pop("activation", None)
    depthwise = DepthwiseConv2D(3, depth_multiplier=2, use_bias=False, **kwargs)
    pointwise = Conv2D(4, 1, activation=activation)
    hidden = depthwise(x)
    pointwise(hidden)
    depthwise_kernel, pointwise_kernel, bias = separable.get_weights()
    depthwise.set_weights([depthwise_kernel])
    pointwise.set_weights([pointwise_kernel, bias])
    np.testing.assert_allclose(out, pointwise(depthwise(x)).data, rtol=1e-5, atol=1e-6)


def test_symbolic_calls_give_keras_shapes():
    x = SymbolicTensor((None, 28, 28, 4), "float32")
    assert DepthwiseConv2D(3, depth_multiplier=3)(x).shape == (None, 26, 26, 12)
    assert SeparableConv2D(8, 3, strides=2, padding="same")(x).shape == (None, 14, 14, 8)
    assert Conv2D(6, 3, groups=2)(x).shape == (None, 26, 26, 6)
    free = SymbolicTensor((None, None, None, 3), "float32")
    assert DepthwiseConv2D(3, depth_multiplier=2)(free).shape == (None, None, None, 6)
    assert DepthwiseConv2D(3).compute_output_shape((None, 8, 8, None)) == (None, 6, 6, None)


def test_configs_use_keras_keys_and_round_trip():
    config = DepthwiseConv2D(3, depth_multiplier=2, depthwise_regularizer="l2").get_config()
    assert config["depth_multiplier"] == 2 and config["kernel_size"] == (3, 3)
    assert config["depthwise_initializer"]["class_name"] == "GlorotUniform"
    assert config["depthwise_regularizer"] is not None
    assert not {"filters", "groups", "kernel_initializer", "kernel_regularizer"} & set(config)
    assert DepthwiseConv2D.from_config(config).get_config() == config
    config = SeparableConv2D(5, 3, depth_multiplier=2, pointwise_initializer="he_normal",
                             pointwise_constraint="non_neg").get_config()
    assert config["filters"] == 5 and config["depth_multiplier"] == 2
    assert config["pointwise_initializer"]["class_name"] == "HeNormal"
    assert config["pointwise_constraint"]["class_name"] == "NonNeg"
    assert {"depthwise_initializer", "bias_initializer", "depthwise_constraint"} <= set(config)
    assert "groups" not in config and "kernel_initializer" not in config
    assert SeparableConv2D.from_config(config).get_config() == config
    assert Conv2D(4, 3, groups=2).get_config()["groups"] == 2


def test_regularizers_and_constraints_reach_their_weights():
    layer = SeparableConv2D(3, 2, depthwise_regularizer="l2", pointwise_regularizer="l1",
                            pointwise_constraint="non_neg")
    layer(_float32(1, 4, 4, 2))
    assert len(layer.losses) == 2
    assert layer.pointwise_kernel.constraint is not None
    assert layer.depthwise_kernel.constraint is None


def test_separable_layer_matches_keras(real_keras):
    """Keras' weight layouts, channel order and config keys (of the depthwise step too)."""
    x = _float32(2, 7, 6, 6, seed=4)
    kwargs = {"filters": 5, "kernel_size": (3, 2), "depth_multiplier": 2, "dilation_rate": 2}
    theirs = real_keras.layers.SeparableConv2D(**kwargs, bias_initializer="random_normal")
    expected = np.asarray(theirs(x))
    ours = SeparableConv2D(**kwargs)
    ours(x)
    ours.set_weights([np.asarray(w) for w in theirs.get_weights()])
    np.testing.assert_allclose(ours(x).data, expected, rtol=1e-5, atol=1e-5)
    assert set(ours.get_config()) - {"activity_regularizer"} == \
        set(theirs.get_config()) - {"activity_regularizer"}


# --- errors -------------------------------------------------------------------------------------

def test_layer_errors_name_the_layer_argument_and_values():
    with pytest.raises(ValueError, match=r"Conv2D layer 'g5': expected 'filters' divisible by "
                                         r"groups=2, received filters=5"):
        Conv2D(5, 3, groups=2, name="g5")
    with pytest.raises(ValueError, match=r"Conv2D layer 'g3': expected a number of input "
                                         r"channels divisible by groups=2, received 3 channels"):
        Conv2D(4, 3, groups=2, name="g3")(np.zeros((1, 5, 5, 3), np.float32))
    with pytest.raises(ValueError, match=r"Conv1D layer 'g1d': expected a number of input "
                                         r"channels divisible by groups=4, received 6 channels"):
        Conv1D(4, 3, groups=4, name="g1d")(np.zeros((1, 5, 6), np.float32))
    with pytest.raises(ValueError, match=r"Conv2D: expected a positive integer for argument "
                                         r"'groups', received groups=0"):
        Conv2D(4, 3, groups=0)
    with pytest.raises(ValueError, match=r"DepthwiseConv2D: expected a positive integer for "
                                         r"argument 'depth_multiplier', received "
                                         r"depth_multiplier=0"):
        DepthwiseConv2D(3, depth_multiplier=0)
    with pytest.raises(ValueError, match=r"SeparableConv2D: expected a positive integer for "
                                         r"argument 'filters', received filters=0"):
        SeparableConv2D(0, 3)
    with pytest.raises(ValueError, match=r"strides > 1 is not supported together with "
                                         r"dilation_rate > 1"):
        DepthwiseConv2D(3, strides=2, dilation_rate=2)
    layer = DepthwiseConv2D(3, name="dw")
    layer(np.zeros((1, 5, 5, 2), np.float32))
    with pytest.raises(ValueError, match=r"layer 'dw'.*expected axis -1 of input shape to have "
                                         r"value 2"):
        layer(np.zeros((1, 5, 5, 3), np.float32))


def test_op_errors_name_the_op_argument_and_values():
    x = np.zeros((1, 5, 5, 6), np.float32)
    with pytest.raises(ValueError, match=r"conv2d: expected the kernel's filters \(kernel.shape"
                                         r"\[3\]\) divisible by groups=4, received kernel shape "
                                         r"\(3, 3, 1, 6\)"):
        conv2d(x, np.zeros((3, 3, 1, 6), np.float32), groups=4)
    with pytest.raises(ValueError, match=r"conv2d: the input has 6 channels .* expects 4 "
                                         r"\(kernel.shape\[2\] \* groups = 2 \* 2\)"):
        conv2d(x, np.zeros((3, 3, 2, 4), np.float32), groups=2)
    with pytest.raises(ValueError, match=r"conv1d: expected a positive int for argument "
                                         r"'groups', received groups=1.5"):
        conv1d(np.zeros((1, 5, 2)), np.zeros((3, 2, 2)), groups=1.5)
    with pytest.raises(ValueError, match=r"depthwise_conv2d: the input has 6 channels .* "
                                         r"expects 3 \(kernel.shape\[2\]\)"):
        depthwise_conv2d(x, np.zeros((3, 3, 3, 1), np.float32))
    with pytest.raises(ValueError, match=r"separable_conv2d: expected pointwise_kernel of shape "
                                         r"\(1, 1, 12, filters\) .* received shape \(1, 1, 6, 4\)"):
        separable_conv2d(x, np.zeros((3, 3, 6, 2), np.float32), np.zeros((1, 1, 6, 4), np.float32))

import numpy as np
import pytest

from neuronet import Tensor
from neuronet.layers import Conv1D, Conv2D, Conv2DTranspose
from neuronet.layers.symbolic import SymbolicTensor
from neuronet.ops.conv import (conv1d, conv2d, conv_output_length, conv_transpose2d,
                               conv_transpose_output_length, crop2d, zero_pad2d)
from neuronet.testing import gradcheck, run_layer_test


def _normal(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


# --- output sizes (TensorFlow / Keras rules) ---------------------------------------------------

@pytest.mark.parametrize("length, kernel, stride, padding, dilation, expected", [
    (7, 3, 1, "valid", 1, 5), (7, 3, 2, "valid", 1, 3), (8, 3, 2, "valid", 1, 3),
    (7, 3, 2, "same", 1, 4), (8, 3, 2, "same", 1, 4), (7, 3, 1, "valid", 2, 3),
    (7, 3, 1, "same", 2, 7), (7, 3, 1, "causal", 2, 7), (3, 5, 1, "valid", 1, -1),
])
def test_conv_output_length(length, kernel, stride, padding, dilation, expected):
    assert conv_output_length(length, kernel, stride, padding, dilation) == expected


@pytest.mark.parametrize("length, kernel, stride, padding, output_padding, expected", [
    # Keras: valid -> length * stride + max(kernel - stride, 0); same -> length * stride;
    # with output_padding: (length - 1) * stride + kernel - 2 * pad + output_padding
    (5, 3, 2, "valid", None, 11), (5, 3, 2, "same", None, 10), (5, 2, 3, "valid", None, 15),
    (5, 3, 2, "valid", 1, 12), (5, 3, 2, "same", 1, 10), (5, 3, 1, "same", 0, 5),
])
def test_conv_transpose_output_length(length, kernel, stride, padding, output_padding, expected):
    assert conv_transpose_output_length(length, kernel, stride, padding, output_padding) == expected


# --- gradients (float64 central differences) --------------------------------------------------

CONV2D_CASES = [  # (strides, padding, dilation): odd sizes, both paddings, strides 1 and 2
    (1, "valid", 1), (1, "same", 1), (2, "valid", 1), (2, "same", 1), ((2, 1), "same", 1),
    (1, "valid", 2), (1, "same", (2, 1)),
]


@pytest.mark.parametrize("strides, padding, dilation", CONV2D_CASES)
def test_conv2d_gradcheck(strides, padding, dilation):
    x, kernel, bias = _normal(2, 7, 6, 3), _normal(3, 2, 3, 2, seed=1), _normal(2, seed=2)
    gradcheck(lambda x, k, b: conv2d(x, k, b, strides, padding, dilation), [x, kernel, bias])


@pytest.mark.parametrize("strides, padding, dilation", [
    (1, "valid", 1), (2, "same", 1), (2, "causal", 1), (1, "causal", 2), (1, "same", 2)])
def test_conv1d_gradcheck(strides, padding, dilation):
    x, kernel, bias = _normal(2, 9, 3), _normal(3, 3, 2, seed=1), _normal(2, seed=2)
    gradcheck(lambda x, k, b: conv1d(x, k, b, strides, padding, dilation), [x, kernel, bias])


@pytest.mark.parametrize("strides, padding, output_padding, dilation", [
    (1, "valid", None, 1), (1, "same", None, 1), (2, "valid", None, 1), (2, "same", None, 1),
    (2, "valid", 1, 1), (2, "same", 1, 1), (1, "same", None, 2)])
def test_conv_transpose2d_gradcheck(strides, padding, output_padding, dilation):
    x, kernel, bias = _normal(2, 3, 4, 3), _normal(3, 2, 2, 3, seed=1), _normal(2, seed=2)
    gradcheck(lambda x, k, b: conv_transpose2d(x, k, b, strides, padding, output_padding, dilation),
              [x, kernel, bias])


def test_zero_pad_and_crop_gradcheck_and_values():
    x = _normal(2, 3, 4, 2)
    gradcheck(lambda x: zero_pad2d(x, ((1, 2), (0, 1))), [x])
    gradcheck(lambda x: crop2d(x, ((1, 0), (1, 2))), [x])
    padded = zero_pad2d(Tensor(x), ((1, 2), (0, 1))).data
    assert padded.shape == (2, 6, 5, 2)
    np.testing.assert_array_equal(padded[:, 1:4, :4], x)
    assert padded.sum() == pytest.approx(x.sum())
    np.testing.assert_array_equal(crop2d(Tensor(x), ((1, 0), (1, 2))).data, x[:, 1:, 1:2])


@pytest.mark.parametrize("op, kernel_shape", [(conv2d, (3, 3, 3, 4)),
                                               (conv_transpose2d, (3, 3, 4, 3))])
def test_float32_stays_float32_with_its_gradients(op, kernel_shape):
    x = Tensor(_normal(2, 5, 5, 3).astype(np.float32), requires_grad=True)
    kernel = Tensor(_normal(*kernel_shape).astype(np.float32), requires_grad=True)
    bias = Tensor(np.zeros(4, np.float32), requires_grad=True)
    out = op(x, kernel, bias, 2, "same")
    assert out.dtype == np.float32
    out.sum().backward()
    assert x.grad.dtype == kernel.grad.dtype == bias.grad.dtype == np.float32


# --- PyTorch as the oracle (float32, NHWC <-> NCHW) ---------------------------------------------

def _tf_same_pads(length, kernel, stride, dilation):
    """TensorFlow's 'same' padding along one axis: (before, after), the extra one after."""
    span = (kernel - 1) * dilation + 1
    out = -(-length // stride)
    total = max((out - 1) * stride + span - length, 0)
    return total // 2, total - total // 2


def _pairs(v):
    return (v, v) if isinstance(v, int) else v


def _grads(out, g, *tensors):
    """Backward of `out` with cotangent g; the gradients of `tensors` (neuronet or torch)."""
    if isinstance(out, Tensor):
        out.backward(g)
        return [t.grad for t in tensors]
    import torch
    out.backward(torch.from_numpy(g))
    return [t.grad.numpy() for t in tensors]


def _close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=2e-5)


def _torch_leaves(torch, x, kernel, bias):
    """x NHWC -> NCHW, kernel (kh, kw, a, b) -> (b, a, kh, kw), bias: torch leaf tensors."""
    return [torch.tensor(a, requires_grad=True)
            for a in (x.transpose(0, 3, 1, 2), kernel.transpose(3, 2, 0, 1), bias)]


def _check_2d_against_torch(out, expected, ours, theirs):
    """Values, then gradients for a random cotangent, of our 2-D op (x, kernel, bias in
    `ours`) against PyTorch's (`expected` already back in NHWC; leaves `theirs` from
    `_torch_leaves`)."""
    _close(out.data, expected.detach().numpy())
    g = _normal(*out.shape, seed=6).astype(np.float32)
    gx, gk, gb = _grads(out, g, *ours)
    gxt, gkt, gbt = _grads(expected, g, *theirs)
    _close(gx, gxt.transpose(0, 2, 3, 1))
    _close(gk, gkt.transpose(2, 3, 1, 0))
    _close(gb, gbt)


@pytest.mark.parametrize("strides, padding, dilation", CONV2D_CASES + [(2, "same", 1)])
def test_conv2d_matches_torch(strides, padding, dilation):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = _normal(3, 8, 7, 4, seed=3).astype(np.float32)
    kernel = _normal(3, 3, 4, 5, seed=4).astype(np.float32)
    bias = _normal(5, seed=5).astype(np.float32)
    ours = [Tensor(a, requires_grad=True) for a in (x, kernel, bias)]
    out = conv2d(*ours, strides, padding, dilation)

    xt, kt, bt = _torch_leaves(torch, x, kernel, bias)      # kernel (out, in, kh, kw)
    (sh, sw), (dh, dw) = _pairs(strides), _pairs(dilation)
    padded = xt
    if padding == "same":                                  # TF pads asymmetrically: pad first
        top, bottom = _tf_same_pads(8, 3, sh, dh)
        left, right = _tf_same_pads(7, 3, sw, dw)
        padded = F.pad(xt, (left, right, top, bottom))
    expected = F.conv2d(padded, kt, bt, stride=(sh, sw), dilation=(dh, dw)).permute(0, 2, 3, 1)
    _check_2d_against_torch(out, expected, ours, (xt, kt, bt))


@pytest.mark.parametrize("stride, padding, dilation", [
    (1, "valid", 1), (2, "same", 1), (1, "causal", 2), (3, "valid", 1)])
def test_conv1d_matches_torch(stride, padding, dilation):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = _normal(2, 11, 3, seed=3).astype(np.float32)
    kernel = _normal(3, 3, 4, seed=4).astype(np.float32)
    ours = [Tensor(a, requires_grad=True) for a in (x, kernel)]
    out = conv1d(*ours, strides=stride, padding=padding, dilation_rate=dilation)

    xt = torch.tensor(x.transpose(0, 2, 1), requires_grad=True)             # (n, c, steps)
    kt = torch.tensor(kernel.transpose(2, 1, 0), requires_grad=True)        # (out, in, k)
    pads = {"valid": (0, 0), "same": _tf_same_pads(11, 3, stride, dilation),
            "causal": ((3 - 1) * dilation, 0)}[padding]
    expected = F.conv1d(F.pad(xt, pads), kt, stride=stride, dilation=dilation).permute(0, 2, 1)
    _close(out.data, expected.detach().numpy())
    g = _normal(*out.shape, seed=6).astype(np.float32)
    gx, gk = _grads(out, g, *ours)
    gxt, gkt = _grads(expected, g, xt, kt)
    _close(gx, gxt.transpose(0, 2, 1))
    _close(gk, gkt.transpose(2, 1, 0))


def _keras_transpose_length(length, kernel, stride, padding, output_padding):
    """Conv2DTranspose's output length, from Keras' documentation of the layer."""
    if output_padding is None:
        return length * stride + (max(kernel - stride, 0) if padding == "valid" else 0)
    pad = kernel // 2 if padding == "same" else 0
    return (length - 1) * stride + kernel - 2 * pad + output_padding


@pytest.mark.parametrize("strides, padding, output_padding", [
    (1, "valid", None), (2, "valid", None), (2, "same", None), (2, "valid", 1), (2, "same", 1),
    (3, "same", None), (3, "valid", 2)])
def test_conv_transpose2d_matches_torch(strides, padding, output_padding):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    h, w, k = 4, 5, 3
    x = _normal(2, h, w, 3, seed=3).astype(np.float32)
    kernel = _normal(k, k, 6, 3, seed=4).astype(np.float32)                 # (kh, kw, out, in)
    bias = _normal(6, seed=5).astype(np.float32)
    ours = [Tensor(a, requires_grad=True) for a in (x, kernel, bias)]
    out = conv_transpose2d(*ours, strides, padding, output_padding)

    # torch computes the full transposed convolution (no padding); Keras' output is a window
    # of it: it starts after the convolution's top/left padding and may run past its end
    out_h, out_w = (_keras_transpose_length(n, k, strides, padding, output_padding) for n in (h, w))
    assert out.shape == (2, out_h, out_w, 6)
    top = _tf_same_pads(out_h, k, strides, 1)[0] if padding == "same" else 0
    left = _tf_same_pads(out_w, k, strides, 1)[0] if padding == "same" else 0
    xt, kt, bt = _torch_leaves(torch, x, kernel, bias)      # kernel (in, out, kh, kw)
    full = F.conv_transpose2d(xt, kt, stride=strides)
    full = F.pad(full, (0, max(left + out_w - full.shape[3], 0),
                        0, max(top + out_h - full.shape[2], 0)))
    expected = full[:, :, top:top + out_h, left:left + out_w] + bt[:, None, None]
    expected = expected.permute(0, 2, 3, 1)
    _check_2d_against_torch(out, expected, ours, (xt, kt, bt))


@pytest.mark.parametrize("kernel_size, strides, padding, output_padding", [
    (4, 2, "same", None), ((3, 2), (2, 1), "valid", (1, 0)), (5, 2, "same", 0)])
def test_conv2d_transpose_layer_matches_keras(kernel_size, strides, padding, output_padding,
                                              real_keras):
    keras = real_keras
    x = _normal(2, 5, 6, 3, seed=7).astype(np.float32)
    kwargs = dict(filters=4, kernel_size=kernel_size, strides=strides, padding=padding,
                  output_padding=output_padding)
    theirs = keras.layers.Conv2DTranspose(**kwargs)
    expected = np.asarray(theirs(x))
    ours = Conv2DTranspose(**kwargs)
    ours(x)
    ours.set_weights([np.asarray(w) for w in theirs.get_weights()])
    np.testing.assert_allclose(ours(x).data, expected, rtol=1e-5, atol=1e-5)


# --- op errors ------------------------------------------------------------------------------

def test_conv_op_errors():
    x = Tensor(np.zeros((1, 4, 4, 3), np.float32))
    kernel = Tensor(np.zeros((3, 3, 2, 5), np.float32))
    with pytest.raises(ValueError, match=r"conv2d: the input has 3 channels .* expects 2"):
        conv2d(x, kernel)
    with pytest.raises(ValueError, match=r"conv2d: expected x of rank 4"):
        conv2d(np.zeros((4, 4, 3)), Tensor(np.zeros((3, 3, 3, 5))))
    with pytest.raises(ValueError, match=r"does not fit in the input's spatial size \(4, 4\)"):
        conv2d(x, Tensor(np.zeros((5, 5, 3, 2), np.float32)))
    with pytest.raises(ValueError, match=r"conv2d: expected one of \('valid', 'same'\)"):
        conv2d(x, Tensor(np.zeros((3, 3, 3, 2), np.float32)), padding="full")
    with pytest.raises(ValueError, match=r"'strides', received strides=0"):
        conv2d(x, Tensor(np.zeros((3, 3, 3, 2), np.float32)), strides=0)
    with pytest.raises(ValueError, match=r"output_padding smaller than the strides"):
        conv_transpose2d(x, Tensor(np.zeros((3, 3, 2, 3), np.float32)), strides=2,
                         output_padding=2)


# --- layers ------------------------------------------------------------------------------------

LAYER_CASES = [
    # (id, class, init kwargs, input shape, expected output shape, trainable weights)
    ("conv2d", Conv2D, {"filters": 4, "kernel_size": 3}, (4, 7, 6, 2), (4, 5, 4, 4), 2),
    ("conv2d_same_stride2_relu", Conv2D, {"filters": 3, "kernel_size": (3, 2), "strides": 2,
                                          "padding": "same", "activation": "relu"},
     (4, 7, 6, 2), (4, 4, 3, 3), 2),
    ("conv2d_dilated_no_bias", Conv2D, {"filters": 3, "kernel_size": 3, "dilation_rate": 2,
                                        "use_bias": False}, (4, 7, 6, 2), (4, 3, 2, 3), 1),
    ("conv2d_channels_first", Conv2D, {"filters": 3, "kernel_size": 3, "padding": "same",
                                       "data_format": "channels_first"},
     (4, 2, 5, 6), (4, 3, 5, 6), 2),
    ("conv1d", Conv1D, {"filters": 4, "kernel_size": 3}, (4, 9, 2), (4, 7, 4), 2),
    ("conv1d_causal_dilated", Conv1D, {"filters": 4, "kernel_size": 3, "padding": "causal",
                                       "dilation_rate": 2}, (4, 9, 2), (4, 9, 4), 2),
    ("conv1d_strided_same", Conv1D, {"filters": 2, "kernel_size": 2, "strides": 2,
                                     "padding": "same"}, (4, 9, 3), (4, 5, 2), 2),
    ("conv2d_transpose", Conv2DTranspose, {"filters": 3, "kernel_size": 3, "strides": 2},
     (4, 3, 4, 2), (4, 7, 9, 3), 2),
    ("conv2d_transpose_same_output_padding", Conv2DTranspose,
     {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same", "output_padding": 1},
     (4, 3, 4, 2), (4, 6, 8, 3), 2),
]


@pytest.mark.parametrize("cls, kwargs, shape, out_shape, n_trainable",
                         [c[1:] for c in LAYER_CASES], ids=[c[0] for c in LAYER_CASES])
def test_layer_contract(cls, kwargs, shape, out_shape, n_trainable):
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=out_shape,
                   expected_num_trainable_weights=n_trainable,
                   expected_num_non_trainable_weights=0)


def test_weight_shapes_follow_keras():
    conv = Conv2D(5, (3, 2))
    conv(np.zeros((1, 6, 6, 4)))
    assert conv.kernel.shape == (3, 2, 4, 5) and conv.bias.shape == (5,)
    transposed = Conv2DTranspose(5, (3, 2))
    transposed(np.zeros((1, 6, 6, 4)))
    assert transposed.kernel.shape == (3, 2, 5, 4)
    conv1 = Conv1D(5, 3)
    conv1(np.zeros((1, 6, 4)))
    assert conv1.kernel.shape == (3, 4, 5)


def test_conv2d_layer_computes_conv_plus_bias_then_activation():
    layer = Conv2D(2, 3, padding="same", activation="relu", bias_initializer="ones")
    x = _normal(2, 5, 4, 3).astype(np.float32)
    out = layer(x).data
    expected = np.maximum(conv2d(Tensor(x), layer.kernel, padding="same").data + 1, 0)
    np.testing.assert_allclose(out, expected, rtol=1e-6)


@pytest.mark.parametrize("cls, kwargs", [
    (Conv2D, {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"}),
    (Conv2DTranspose, {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"}),
])
def test_channels_first_equals_channels_last_on_transposed_input(cls, kwargs):
    last = cls(**kwargs)
    first = cls(**kwargs, data_format="channels_first")
    x = _normal(2, 5, 6, 4).astype(np.float32)
    out_last = last(x).data
    first(x.transpose(0, 3, 1, 2))
    first.set_weights(last.get_weights())
    np.testing.assert_allclose(first(x.transpose(0, 3, 1, 2)).data,
                               out_last.transpose(0, 3, 1, 2), rtol=1e-6)


def test_layer_gradcheck_through_conv2d_layer(float64):
    layer = Conv2D(2, 3, strides=2, padding="same", activation="tanh", dtype="float64")
    layer(np.zeros((1, 5, 5, 2)))

    def fn(x, kernel, bias):
        layer.kernel, layer.bias = kernel, bias
        return layer(x)
    gradcheck(fn, [_normal(2, 5, 5, 2), layer.kernel.data.copy(), _normal(2, seed=3)])


def test_symbolic_call_gives_keras_shapes():
    x = SymbolicTensor((None, 28, 28, 1), "float32")
    assert Conv2D(8, 3)(x).shape == (None, 26, 26, 8)
    assert Conv2D(8, 3, strides=2, padding="same")(x).shape == (None, 14, 14, 8)
    assert Conv2DTranspose(4, 3, strides=2)(x).shape == (None, 57, 57, 4)
    assert Conv2D(8, 3)(SymbolicTensor((None, None, None, 3), "float32")).shape == \
        (None, None, None, 8)


def test_layer_errors_name_the_layer():
    with pytest.raises(ValueError, match=r"layer 'c2' is incompatible with the layer: "
                                         r"expected ndim=4, found ndim=3"):
        Conv2D(4, 3, name="c2")(np.zeros((2, 8, 3)))
    with pytest.raises(ValueError, match=r"Conv2D layer 'big'.*does not fit in the input's "
                                         r"spatial size \(3, 3\)"):
        Conv2D(4, 5, name="big")(np.zeros((1, 3, 3, 1)))
    layer = Conv2D(4, 3, name="c3")
    layer(np.zeros((1, 5, 5, 2)))
    with pytest.raises(ValueError, match=r"layer 'c3'.*expected axis -1 of input shape to have "
                                         r"value 2"):
        layer(np.zeros((1, 5, 5, 3)))
    with pytest.raises(ValueError, match=r"layer 'c1' is incompatible.*expected ndim=3"):
        Conv1D(4, 3, name="c1")(np.zeros((2, 8, 3, 1)))
    with pytest.raises(ValueError, match=r"strides > 1 is not supported together with "
                                         r"dilation_rate > 1"):
        Conv2D(4, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match=r"Conv2D: expected one of \('valid', 'same'\)"):
        Conv2D(4, 3, padding="causal")
    with pytest.raises(ValueError, match=r"'filters', received filters=0"):
        Conv2D(0, 3)
    with pytest.raises(ValueError, match=r"'kernel_size', received kernel_size=\(3, 3, 3\)"):
        Conv2D(4, (3, 3, 3))
    with pytest.raises(ValueError, match=r"data_format"):
        Conv2D(4, 3, data_format="NHWC")
    with pytest.raises(ValueError, match=r"output_padding < strides"):
        Conv2DTranspose(4, 3, strides=2, output_padding=2)


def test_config_round_trip_keeps_keras_keys():
    layer = Conv2DTranspose(4, 3, strides=2, padding="same", output_padding=1)
    config = layer.get_config()
    assert config["output_padding"] == (1, 1) and "groups" not in config
    assert Conv2DTranspose.from_config(config).get_config() == config
    config = Conv2D(4, 3).get_config()
    assert config["kernel_size"] == (3, 3) and config["strides"] == (1, 1)
    assert config["padding"] == "valid" and config["data_format"] == "channels_last"
    assert config["kernel_initializer"]["class_name"] == "GlorotUniform"


def test_one_dimensional_errors_speak_of_steps():
    with pytest.raises(ValueError, match=r"conv1d: the window \(5,\) .* spatial size \(3,\)"):
        conv1d(np.zeros((1, 3, 2)), Tensor(np.zeros((5, 2, 4))))
    with pytest.raises(ValueError, match=r"conv1d: expected one of \('valid', 'same', 'causal'\)"):
        conv1d(np.zeros((1, 3, 2)), Tensor(np.zeros((2, 2, 4))), padding="full")
    with pytest.raises(ValueError, match=r"zero_pad2d: expected padding \(\(top, bottom\), "
                                         r"\(left, right\)\)"):
        zero_pad2d(np.zeros((1, 3, 3, 1)), ((1, -1), (0, 0)))
    with pytest.raises(ValueError, match=r"crop2d: cropping .* removes everything"):
        crop2d(np.zeros((1, 3, 3, 1)), ((2, 1), (0, 0)))

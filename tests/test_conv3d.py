"""Conv3D, Conv1DTranspose and the 3-D pooling layers, and their ops."""
import numpy as np
import pytest

from neuronet import Tensor, layers
from neuronet.layers import (AveragePooling3D, Conv1DTranspose, Conv3D, GlobalAveragePooling3D,
                             GlobalMaxPooling3D, MaxPooling3D)
from neuronet.layers.symbolic import SymbolicTensor
from neuronet.ops.conv import conv3d, conv_transpose1d
from neuronet.ops.pool import avg_pool3d, max_pool3d
from neuronet.testing import gradcheck, run_layer_test


def _normal(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _distinct(*shape, seed=0):
    """Values without ties (so that every pooling window has a single maximum)."""
    values = np.random.default_rng(seed).permutation(int(np.prod(shape))) / 10.0 - 5
    return values.reshape(shape)


# --- gradients (float64 central differences) --------------------------------------------------

CONV3D_CASES = [  # (strides, padding, dilation): odd sizes, both paddings, strides, dilation
    (1, "valid", 1), (1, "same", 1), (2, "valid", 1), (2, "same", 1), ((2, 1, 3), "same", 1),
    (1, "valid", 2), (1, "same", (2, 1, 1)),
]


@pytest.mark.parametrize("strides, padding, dilation", CONV3D_CASES)
def test_conv3d_gradcheck(strides, padding, dilation):
    x, kernel, bias = _normal(2, 5, 4, 5, 3), _normal(3, 2, 3, 3, 2, seed=1), _normal(2, seed=2)
    gradcheck(lambda x, k, b: conv3d(x, k, b, strides, padding, dilation), [x, kernel, bias])


@pytest.mark.parametrize("channels, kernel_channels, filters, groups", [
    (8, 8, 3, 1),      # >= 8 channels: the im2col copies all fields at once
    (4, 2, 6, 2),      # grouped
    (3, 1, 6, 3),      # depthwise: one input channel per group
])
def test_conv3d_gradcheck_channels_and_groups(channels, kernel_channels, filters, groups):
    x = _normal(2, 4, 3, 5, channels)
    kernel = _normal(2, 2, 3, kernel_channels, filters, seed=1)
    gradcheck(lambda x, k, b: conv3d(x, k, b, (1, 2, 1), "same", groups=groups),
              [x, kernel, _normal(filters, seed=2)])
    gradcheck(lambda x, k: conv3d(x, k, None, 1, "valid", groups=groups), [x, kernel])


POOL3D_CASES = [  # (pool, strides, padding): odd sizes, overlapping, disjoint and gapped windows
    (2, None, "valid"), (3, 2, "valid"), ((3, 2, 1), 1, "valid"), (2, None, "same"),
    (3, 2, "same"), ((2, 3, 2), (1, 2, 3), "same"), (2, 3, "valid"),
]


@pytest.mark.parametrize("op", [max_pool3d, avg_pool3d])
@pytest.mark.parametrize("pool, strides, padding", POOL3D_CASES)
def test_pool3d_gradcheck(op, pool, strides, padding):
    gradcheck(lambda x: op(x, pool, strides, padding), [_distinct(2, 5, 4, 7, 2)])


def test_max_pool3d_tiled_windows_gradcheck():
    """Windows that cover the input exactly (no overlap, no gap)."""
    gradcheck(lambda x: max_pool3d(x, 2), [_distinct(2, 4, 2, 6, 3)])


TRANSPOSE1D_CASES = [  # (strides, padding, output_padding, dilation)
    (1, "valid", None, 1), (1, "same", None, 1), (2, "valid", None, 1), (2, "same", None, 1),
    (2, "valid", 1, 1), (3, "same", 2, 1), (4, "valid", None, 1), (1, "same", None, 2),
    (1, "valid", 0, 2),
]


@pytest.mark.parametrize("strides, padding, output_padding, dilation", TRANSPOSE1D_CASES)
def test_conv_transpose1d_gradcheck(strides, padding, output_padding, dilation):
    x, kernel, bias = _normal(2, 5, 3), _normal(3, 4, 3, seed=1), _normal(4, seed=2)
    gradcheck(lambda x, k, b: conv_transpose1d(x, k, b, strides, padding, output_padding,
                                               dilation), [x, kernel, bias])


@pytest.mark.parametrize("op, x_shape, kernel_shape", [
    (conv3d, (2, 5, 5, 5, 3), (3, 3, 3, 3, 4)), (conv_transpose1d, (2, 5, 3), (3, 4, 3))])
def test_float32_stays_float32_with_its_gradients(op, x_shape, kernel_shape):
    x, kernel, bias = (Tensor(a.astype(np.float32), requires_grad=True)
                       for a in (_normal(*x_shape), _normal(*kernel_shape), _normal(4)))
    out = op(x, kernel, bias, 2, "same")
    assert out.dtype == np.float32
    out.sum().backward()
    assert x.grad.dtype == kernel.grad.dtype == bias.grad.dtype == np.float32


@pytest.mark.parametrize("pool", [max_pool3d, avg_pool3d])
def test_pool3d_keeps_float32_and_integer_volumes_become_floats(pool):
    volume = Tensor(np.ones((1, 4, 4, 4, 2), np.float32), requires_grad=True)
    pooled = pool(volume, 2)
    pooled.sum().backward()
    assert pooled.dtype == volume.grad.dtype == np.float32
    assert pool(np.arange(64).reshape(1, 4, 4, 4, 1), 2).dtype == np.float32


# --- PyTorch as the oracle (float32, NDHWC <-> NCDHW) -------------------------------------------

def _tf_same_pads(length, kernel, stride, dilation=1):
    """TensorFlow's 'same' padding along one axis: (before, after), the extra one after."""
    span = (kernel - 1) * dilation + 1
    out = -(-length // stride)
    total = max((out - 1) * stride + span - length, 0)
    return total // 2, total - total // 2


def _triple(v):
    return (v,) * 3 if isinstance(v, int) else tuple(v)


def _torch_pads(spatial, kernel, strides, dilation, padding):
    """F.pad's argument (last axis first) for TensorFlow's padding of the spatial axes."""
    pads = [_tf_same_pads(n, k, s, d) if padding == "same" else (0, 0)
            for n, k, s, d in zip(spatial, kernel, strides, dilation)]
    return tuple(p for pair in reversed(pads) for p in pair)


def _close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=2e-5)


def _check_against_torch(torch, out, expected, ours, theirs, layouts):
    """Values, then the gradients for one random cotangent, of our op (leaves `ours`) against
    PyTorch's (`expected` already channels last, leaves `theirs`); `layouts`[k] is the axis
    permutation that takes torch's gradient k to ours (None: the same layout)."""
    _close(out.data, expected.detach().numpy())
    g = _normal(*out.shape, seed=6).astype(np.float32)
    out.backward(g)
    expected.backward(torch.from_numpy(g))
    for mine, leaf, layout in zip(ours, theirs, layouts):
        grad = leaf.grad.numpy()
        _close(mine.grad, grad if layout is None else grad.transpose(layout))


@pytest.mark.parametrize("strides, padding, dilation, groups", [
    (1, "valid", 1, 1), (2, "same", 1, 1), ((1, 2, 3), "same", 1, 1), (1, "same", (2, 1, 2), 1),
    (1, "valid", 1, 2), (2, "same", 1, 4),
])
def test_conv3d_matches_torch(strides, padding, dilation, groups):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    spatial, ksize = (6, 5, 7), (3, 2, 3)
    x = _normal(2, *spatial, 4, seed=3).astype(np.float32)
    kernel = _normal(*ksize, 4 // groups, 8, seed=4).astype(np.float32)
    bias = _normal(8, seed=5).astype(np.float32)
    ours = [Tensor(a, requires_grad=True) for a in (x, kernel, bias)]
    out = conv3d(*ours, strides, padding, dilation, groups)

    xt = torch.tensor(x.transpose(0, 4, 1, 2, 3), requires_grad=True)         # (n, c, d, h, w)
    kt = torch.tensor(kernel.transpose(4, 3, 0, 1, 2), requires_grad=True)    # (f, c/g, kd, kh, kw)
    bt = torch.tensor(bias, requires_grad=True)
    strides, dilation = _triple(strides), _triple(dilation)
    padded = F.pad(xt, _torch_pads(spatial, ksize, strides, dilation, padding))
    expected = F.conv3d(padded, kt, bt, stride=strides, dilation=dilation, groups=groups)
    _check_against_torch(torch, out, expected.permute(0, 2, 3, 4, 1), ours, (xt, kt, bt),
                         [(0, 2, 3, 4, 1), (2, 3, 4, 1, 0), None])


def _torch_pool3d(torch, kind, x, pool, strides, padding):
    """PyTorch's 3-D pooling on NCDHW, with TensorFlow's 'same' padding made explicit."""
    F = torch.nn.functional
    pool = _triple(pool)
    strides = pool if strides is None else _triple(strides)
    pads = _torch_pads(x.shape[2:], pool, strides, (1, 1, 1), padding)
    if kind == "max":
        return F.max_pool3d(F.pad(x, pads, value=-float("inf")), pool, strides)
    # the average over the real voxels only: sum of the zero-padded window / count of real ones
    window_sum = F.avg_pool3d(F.pad(x, pads), pool, strides, divisor_override=1)
    ones = F.pad(torch.ones_like(x[:1, :1]), pads)
    return window_sum / F.avg_pool3d(ones, pool, strides, divisor_override=1)


@pytest.mark.parametrize("kind, op", [("max", max_pool3d), ("avg", avg_pool3d)])
@pytest.mark.parametrize("pool, strides, padding", [
    (2, None, "valid"), (3, 2, "same"), ((2, 3, 2), (1, 2, 3), "same"), (2, 3, "valid")])
def test_pool3d_matches_torch(kind, op, pool, strides, padding):
    torch = pytest.importorskip("torch")
    x = _distinct(2, 5, 6, 7, 3, seed=2).astype(np.float32)
    xt = torch.tensor(x.transpose(0, 4, 1, 2, 3), requires_grad=True)
    ours = Tensor(x, requires_grad=True)
    out = op(ours, pool, strides, padding)
    expected = _torch_pool3d(torch, kind, xt, pool, strides, padding).permute(0, 2, 3, 4, 1)
    _check_against_torch(torch, out, expected, [ours], [xt], [(0, 2, 3, 4, 1)])


def _keras_transpose_length(length, kernel, stride, padding, output_padding, dilation=1):
    """Conv1DTranspose's output length, from Keras' documentation of the layer."""
    span = (kernel - 1) * dilation + 1
    if output_padding is None:
        return length * stride + (max(span - stride, 0) if padding == "valid" else 0)
    pad = span // 2 if padding == "same" else 0
    return (length - 1) * stride + span - 2 * pad + output_padding


@pytest.mark.parametrize("strides, padding, output_padding, dilation", TRANSPOSE1D_CASES)
def test_conv_transpose1d_matches_torch(strides, padding, output_padding, dilation):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    steps, k = 6, 3
    x = _normal(2, steps, 3, seed=3).astype(np.float32)
    kernel = _normal(k, 5, 3, seed=4).astype(np.float32)                    # (k, out, in)
    bias = _normal(5, seed=5).astype(np.float32)
    ours = [Tensor(a, requires_grad=True) for a in (x, kernel, bias)]
    out = conv_transpose1d(*ours, strides, padding, output_padding, dilation)

    # torch computes the full transposed convolution (no padding); Keras' output is a window
    # of it: it starts after the convolution's left padding and may run past its end
    out_steps = _keras_transpose_length(steps, k, strides, padding, output_padding, dilation)
    assert out.shape == (2, out_steps, 5)
    left = _tf_same_pads(out_steps, k, strides, dilation)[0] if padding == "same" else 0
    xt = torch.tensor(x.transpose(0, 2, 1), requires_grad=True)              # (n, in, steps)
    kt = torch.tensor(kernel.transpose(2, 1, 0), requires_grad=True)         # (in, out, k)
    bt = torch.tensor(bias, requires_grad=True)
    full = F.conv_transpose1d(xt, kt, stride=strides, dilation=dilation)
    full = F.pad(full, (0, max(left + out_steps - full.shape[2], 0)))
    expected = (full[:, :, left:left + out_steps] + bt[:, None]).permute(0, 2, 1)
    _check_against_torch(torch, out, expected, ours, (xt, kt, bt), [(0, 2, 1), (2, 1, 0), None])


# --- layers -----------------------------------------------------------------------------------

LAYER_CASES = [
    # (id, class, init kwargs, input shape, expected output shape, trainable weights)
    ("conv3d", Conv3D, {"filters": 4, "kernel_size": 3}, (4, 5, 6, 7, 2), (4, 3, 4, 5, 4), 2),
    ("conv3d_same_strided_relu", Conv3D, {"filters": 3, "kernel_size": (3, 2, 3), "strides": 2,
                                          "padding": "same", "activation": "relu"},
     (4, 5, 6, 7, 2), (4, 3, 3, 4, 3), 2),
    ("conv3d_dilated_no_bias", Conv3D, {"filters": 3, "kernel_size": 2, "dilation_rate": 2,
                                        "use_bias": False}, (4, 5, 6, 7, 2), (4, 3, 4, 5, 3), 1),
    ("conv3d_channels_first_groups", Conv3D, {"filters": 4, "kernel_size": 3, "padding": "same",
                                              "groups": 2, "data_format": "channels_first"},
     (4, 2, 5, 4, 3), (4, 4, 5, 4, 3), 2),
    ("conv1d_transpose", Conv1DTranspose, {"filters": 3, "kernel_size": 3, "strides": 2},
     (4, 5, 2), (4, 11, 3), 2),
    ("conv1d_transpose_same_output_padding", Conv1DTranspose,
     {"filters": 3, "kernel_size": 4, "strides": 3, "padding": "same", "output_padding": 1},
     (4, 5, 2), (4, 13, 3), 2),
    ("conv1d_transpose_channels_first", Conv1DTranspose,
     {"filters": 3, "kernel_size": 2, "padding": "same", "data_format": "channels_first"},
     (4, 2, 5), (4, 3, 5), 2),
    ("max3d", MaxPooling3D, {}, (4, 5, 6, 7, 2), (4, 2, 3, 3, 2), 0),
    ("max3d_same_strided", MaxPooling3D, {"pool_size": 3, "strides": 2, "padding": "same"},
     (4, 5, 6, 7, 2), (4, 3, 3, 4, 2), 0),
    ("avg3d", AveragePooling3D, {"pool_size": (2, 3, 1)}, (4, 5, 6, 7, 2), (4, 2, 2, 7, 2), 0),
    ("avg3d_channels_first", AveragePooling3D, {"padding": "same",
                                                "data_format": "channels_first"},
     (4, 2, 5, 6, 7), (4, 2, 3, 3, 4), 0),
    ("gap3d", GlobalAveragePooling3D, {}, (4, 3, 4, 5, 2), (4, 2), 0),
    ("gmp3d_channels_first_keepdims", GlobalMaxPooling3D,
     {"data_format": "channels_first", "keepdims": True}, (4, 2, 3, 4, 5), (4, 2, 1, 1, 1), 0),
]


@pytest.mark.parametrize("cls, kwargs, shape, out_shape, n_trainable",
                         [c[1:] for c in LAYER_CASES], ids=[c[0] for c in LAYER_CASES])
def test_layer_contract(cls, kwargs, shape, out_shape, n_trainable):
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=out_shape,
                   expected_num_trainable_weights=n_trainable,
                   expected_num_non_trainable_weights=0)


def test_weight_shapes_follow_keras():
    conv = Conv3D(5, (3, 2, 1))
    conv(np.zeros((1, 4, 4, 4, 6)))
    assert conv.kernel.shape == (3, 2, 1, 6, 5) and conv.bias.shape == (5,)
    grouped = Conv3D(4, 2, groups=2)
    grouped(np.zeros((1, 4, 4, 4, 6)))
    assert grouped.kernel.shape == (2, 2, 2, 3, 4)
    transposed = Conv1DTranspose(5, 3)
    transposed(np.zeros((1, 6, 4)))
    assert transposed.kernel.shape == (3, 5, 4) and transposed.bias.shape == (5,)


def test_layers_compute_their_ops():
    x = _distinct(2, 4, 5, 6, 3).astype(np.float32)
    conv = Conv3D(2, 3, strides=2, padding="same", activation="relu", bias_initializer="ones")
    out = conv(x).data
    expected = np.maximum(conv3d(x, conv.kernel, strides=2, padding="same").data + 1, 0)
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    np.testing.assert_array_equal(MaxPooling3D()(x).data, max_pool3d(x, 2).data)
    np.testing.assert_allclose(AveragePooling3D(3, 1, "same")(x).data,
                               avg_pool3d(x, 3, 1, "same").data)
    np.testing.assert_allclose(GlobalAveragePooling3D()(x).data, x.mean(axis=(1, 2, 3)),
                               rtol=1e-6)
    np.testing.assert_array_equal(GlobalMaxPooling3D()(x).data, x.max(axis=(1, 2, 3)))
    seq = x.reshape(2, 20, 18)
    transposed = Conv1DTranspose(4, 3, strides=2, padding="same")
    np.testing.assert_allclose(transposed(seq).data,
                               conv_transpose1d(seq, transposed.kernel, transposed.bias, 2,
                                                "same").data, rtol=1e-6)


def test_max_pool3d_values_and_gradient_go_to_each_window_maximum():
    x = _distinct(1, 2, 2, 4, 1)
    xt = Tensor(x, requires_grad=True)
    out = max_pool3d(xt, 2)                                # two windows along the width
    np.testing.assert_array_equal(out.data[0, 0, 0, :, 0],
                                  [x[0, :, :, :2].max(), x[0, :, :, 2:].max()])
    out.sum().backward()
    expected = np.zeros_like(x)
    for half in (slice(0, 2), slice(2, 4)):
        block = x[0, :, :, half, 0]
        expected[0, :, :, half, 0] = block == block.max()
    np.testing.assert_array_equal(xt.grad, expected)


def test_avg_pool3d_same_does_not_count_the_padding():
    out = avg_pool3d(np.ones((1, 3, 3, 3, 1)), 2, padding="same").data
    np.testing.assert_allclose(out, np.ones((1, 2, 2, 2, 1)))


@pytest.mark.parametrize("cls, kwargs, shape", [
    (Conv3D, {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"}, (2, 5, 4, 6, 3)),
    (Conv1DTranspose, {"filters": 3, "kernel_size": 3, "strides": 2}, (2, 5, 3)),
    (MaxPooling3D, {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 5, 4, 6, 3)),
    (AveragePooling3D, {"pool_size": (1, 2, 3)}, (2, 5, 4, 6, 3)),
    (GlobalAveragePooling3D, {"keepdims": True}, (2, 5, 4, 6, 3)),
    (GlobalMaxPooling3D, {}, (2, 5, 4, 6, 3)),
])
def test_channels_first_equals_channels_last_on_transposed_input(cls, kwargs, shape):
    to_first = (0, len(shape) - 1, *range(1, len(shape) - 1))
    last = cls(**kwargs)
    first = cls(**kwargs, data_format="channels_first")
    x = _distinct(*shape).astype(np.float32)
    out_last = last(x).data
    first(x.transpose(to_first))
    first.set_weights(last.get_weights())
    out_first = first(x.transpose(to_first)).data
    if out_last.ndim == len(shape):
        out_last = out_last.transpose(to_first)
    np.testing.assert_allclose(out_first, out_last, rtol=1e-6)


def test_symbolic_call_gives_keras_shapes():
    volume = SymbolicTensor((None, 16, 16, 16, 1), "float32")
    assert Conv3D(8, 3)(volume).shape == (None, 14, 14, 14, 8)
    assert Conv3D(8, 3, strides=2, padding="same")(volume).shape == (None, 8, 8, 8, 8)
    assert MaxPooling3D()(volume).shape == (None, 8, 8, 8, 1)
    assert AveragePooling3D(3, 2)(volume).shape == (None, 7, 7, 7, 1)
    assert GlobalMaxPooling3D()(volume).shape == (None, 1)
    assert Conv3D(4, 3)(SymbolicTensor((None, None, None, None, 2), "float32")).shape == \
        (None, None, None, None, 4)
    sequence = SymbolicTensor((None, 10, 3), "float32")
    assert Conv1DTranspose(4, 3, strides=2)(sequence).shape == (None, 21, 4)
    assert Conv1DTranspose(4, 3, strides=2, padding="same")(sequence).shape == (None, 20, 4)


def test_defaults_config_and_aliases_follow_keras():
    conv = Conv3D(4, 3)
    assert conv.strides == (1, 1, 1) and conv.dilation_rate == (1, 1, 1) and conv.groups == 1
    config = conv.get_config()
    assert config["kernel_size"] == (3, 3, 3) and config["padding"] == "valid"
    assert Conv3D.from_config(config).get_config() == config
    transposed = Conv1DTranspose(4, 3, strides=2, padding="same", output_padding=1)
    config = transposed.get_config()
    assert config["output_padding"] == (1,) and config["strides"] == (2,)
    assert "groups" not in config
    assert Conv1DTranspose.from_config(config).get_config() == config
    pool = MaxPooling3D()
    assert pool.pool_size == (2, 2, 2) and pool.strides == (2, 2, 2) and pool.padding == "valid"
    assert AveragePooling3D(3, strides=1).strides == (1, 1, 1)
    assert GlobalAveragePooling3D().get_config()["keepdims"] is False
    assert (layers.Convolution3D, layers.Convolution1DTranspose, layers.MaxPool3D,
            layers.AvgPool3D, layers.GlobalAvgPool3D, layers.GlobalMaxPool3D) == (
        Conv3D, Conv1DTranspose, MaxPooling3D, AveragePooling3D, GlobalAveragePooling3D,
        GlobalMaxPooling3D)


KERAS_CASES = [
    (Conv3D, {"filters": 4, "kernel_size": (3, 2, 2), "strides": (1, 2, 1), "padding": "same"},
     (2, 5, 6, 4, 3)),
    (Conv3D, {"filters": 6, "kernel_size": 2, "dilation_rate": (1, 2, 1), "groups": 3,
              "data_format": "channels_first"}, (2, 3, 5, 6, 4)),
    (Conv1DTranspose, {"filters": 4, "kernel_size": 4, "strides": 2, "padding": "same"},
     (2, 7, 3)),
    (Conv1DTranspose, {"filters": 2, "kernel_size": 3, "strides": 3, "output_padding": 2,
                       "dilation_rate": 1, "use_bias": False}, (2, 7, 3)),
    (MaxPooling3D, {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 5, 6, 4, 3)),
    (AveragePooling3D, {"pool_size": (1, 3, 2), "strides": (2, 1, 2)}, (2, 5, 6, 4, 3)),
    (GlobalMaxPooling3D, {"keepdims": True, "data_format": "channels_first"}, (2, 5, 6, 4, 3)),
]


@pytest.mark.parametrize("cls, kwargs, shape", KERAS_CASES)
def test_output_shapes_match_keras(cls, kwargs, shape, real_keras):
    theirs = getattr(real_keras.layers, cls.__name__)(**kwargs)
    assert cls(**kwargs).compute_output_shape(shape) == tuple(theirs.compute_output_shape(shape))


def test_conv1d_transpose_layer_matches_keras(real_keras):
    """The values too (one case: each Keras layer call compiles in JAX)."""
    kwargs = {"filters": 4, "kernel_size": 4, "strides": 2, "padding": "same"}
    x = _normal(2, 7, 3, seed=7).astype(np.float32)
    theirs = real_keras.layers.Conv1DTranspose(**kwargs)
    expected = np.asarray(theirs(x))
    ours = Conv1DTranspose(**kwargs)
    ours(x)
    ours.set_weights([np.asarray(w) for w in theirs.get_weights()])
    np.testing.assert_allclose(ours(x).data, expected, rtol=1e-5, atol=1e-5)


# --- errors -----------------------------------------------------------------------------------

def test_op_errors():
    volume = np.zeros((1, 4, 4, 4, 2))
    with pytest.raises(ValueError, match=r"conv3d: expected x of rank 5 \(batch, depth, height, "
                                         r"width, channels\), received shape \(1, 4, 4, 2\)"):
        conv3d(np.zeros((1, 4, 4, 2)), np.zeros((2, 2, 2, 2, 3)))
    with pytest.raises(ValueError, match=r"conv3d: expected kernel of rank 5 \(kd, kh, kw, "
                                         r"in_channels / groups, filters\)"):
        conv3d(volume, np.zeros((2, 2, 2, 3)))
    with pytest.raises(ValueError, match=r"conv3d: the input has 2 channels .* expects 3 "
                                         r"\(kernel.shape\[3\]\)"):
        conv3d(volume, np.zeros((2, 2, 2, 3, 4)))
    with pytest.raises(ValueError, match=r"conv3d: expected the kernel's filters "
                                         r"\(kernel.shape\[4\]\) divisible by groups=2"):
        conv3d(volume, np.zeros((2, 2, 2, 1, 3)), groups=2)
    with pytest.raises(ValueError, match=r"conv3d: the window \(5, 5, 5\) .* does not fit in "
                                         r"the input's spatial size \(4, 4, 4\)"):
        conv3d(volume, np.zeros((5, 5, 5, 2, 1)))
    with pytest.raises(ValueError, match=r"conv3d: expected one of \('valid', 'same'\)"):
        conv3d(volume, np.zeros((2, 2, 2, 2, 1)), padding="causal")
    with pytest.raises(ValueError, match=r"conv3d: .* tuple of 3 positive ints for argument "
                                         r"'strides', received strides=\(1, 2\)"):
        conv3d(volume, np.zeros((2, 2, 2, 2, 1)), strides=(1, 2))
    with pytest.raises(ValueError, match=r"max_pool3d: expected x of rank 5 .* received shape "
                                         r"\(1, 4, 4, 2\)"):
        max_pool3d(np.zeros((1, 4, 4, 2)), 2)
    with pytest.raises(ValueError, match=r"avg_pool3d: the window \(2, 5, 2\).*does not fit"):
        avg_pool3d(volume, (2, 5, 2))
    sequence = np.zeros((1, 5, 3))
    with pytest.raises(ValueError, match=r"conv_transpose1d: expected x of rank 3 \(batch, "
                                         r"steps, channels\), received shape \(1, 5, 3, 1\)"):
        conv_transpose1d(np.zeros((1, 5, 3, 1)), np.zeros((3, 2, 3)))
    with pytest.raises(ValueError, match=r"conv_transpose1d: the input has 3 channels .* "
                                         r"expects 4 \(kernel.shape\[2\]\)"):
        conv_transpose1d(sequence, np.zeros((3, 2, 4)))
    with pytest.raises(ValueError, match=r"conv_transpose1d: expected output_padding smaller "
                                         r"than the strides \(2,\)"):
        conv_transpose1d(sequence, np.zeros((3, 2, 3)), strides=2, output_padding=2)


def test_layer_errors_name_the_layer_and_the_shapes():
    with pytest.raises(ValueError, match=r"layer 'c3' is incompatible with the layer: expected "
                                         r"ndim=5, found ndim=4. Full shape received: "
                                         r"\(2, 5, 5, 3\)"):
        Conv3D(4, 3, name="c3")(np.zeros((2, 5, 5, 3)))
    with pytest.raises(ValueError, match=r"layer 't1' is incompatible.*expected ndim=3, found "
                                         r"ndim=4. Full shape received: \(2, 5, 5, 3\)"):
        Conv1DTranspose(4, 3, name="t1")(np.zeros((2, 5, 5, 3)))
    with pytest.raises(ValueError, match=r"layer 'mp3' is incompatible.*expected ndim=5, found "
                                         r"ndim=4"):
        MaxPooling3D(name="mp3")(np.zeros((2, 5, 5, 3)))
    with pytest.raises(ValueError, match=r"layer 'gp3' is incompatible.*expected ndim=5"):
        GlobalAveragePooling3D(name="gp3")(np.zeros((2, 5, 5, 3)))
    layer = Conv3D(4, 3, name="c3b")
    layer(np.zeros((1, 5, 5, 5, 2)))
    with pytest.raises(ValueError, match=r"layer 'c3b'.*expected axis -1 of input shape to have "
                                         r"value 2, but received input with shape "
                                         r"\(1, 5, 5, 5, 3\)"):
        layer(np.zeros((1, 5, 5, 5, 3)))
    with pytest.raises(ValueError, match=r"Conv3D layer 'big'.*does not fit in the input's "
                                         r"spatial size \(3, 3, 3\)"):
        Conv3D(4, 5, name="big")(np.zeros((1, 3, 3, 3, 1)))
    with pytest.raises(ValueError, match=r"AveragePooling3D layer 'ap'.*does not fit"):
        AveragePooling3D(4, name="ap")(np.zeros((1, 3, 5, 5, 1)))
    with pytest.raises(ValueError, match=r"'kernel_size', received kernel_size=\(3, 3\)"):
        Conv3D(4, (3, 3))
    with pytest.raises(ValueError, match=r"'pool_size', received pool_size=\(2, 2\)"):
        MaxPooling3D((2, 2))
    with pytest.raises(ValueError, match=r"Conv1DTranspose: expected one of \('valid', 'same'\)"):
        Conv1DTranspose(4, 3, padding="causal")
    with pytest.raises(ValueError, match=r"Conv1DTranspose: expected output_padding < strides"):
        Conv1DTranspose(4, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError, match=r"strides > 1 is not supported together with "
                                         r"dilation_rate > 1"):
        Conv3D(4, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match=r"Conv3D layer 'g3': expected 'filters' divisible by "
                                         r"groups=2"):
        Conv3D(3, 3, groups=2, name="g3")

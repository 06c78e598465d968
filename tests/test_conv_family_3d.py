"""Conv3DTranspose, UpSampling3D, ZeroPadding3D, Cropping3D, SpatialDropout3D, SeparableConv1D,
DepthwiseConv1D and RMSNormalization, and the ops under them."""
import inspect

import numpy as np
import pytest

from neuronet import Tensor, backend, layers
from neuronet.layers import (Conv3DTranspose, Cropping3D, DepthwiseConv1D, RMSNormalization,
                             SeparableConv1D, SpatialDropout3D, UpSampling3D, ZeroPadding3D)
from neuronet.layers.symbolic import SymbolicTensor
from neuronet.ops.conv import (conv_transpose3d, crop, crop2d, depthwise_conv1d,
                               separable_conv1d, zero_pad, zero_pad2d)
from neuronet.ops.nn_functions import rms_normalization
from neuronet.ops.pool import upsample_nearest, upsample_nearest2d
from neuronet.testing import gradcheck, run_layer_test


def _normal(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _float32(*shape, seed=0):
    return _normal(*shape, seed=seed).astype(np.float32)


def _triple(v):
    return (v,) * 3 if isinstance(v, int) else tuple(v)


# --- gradients (float64 central differences) --------------------------------------------------

TRANSPOSE3D_CASES = [  # (strides, padding, output_padding, dilation)
    (1, "valid", None, 1), (1, "same", None, 1), (2, "same", None, 1),
    ((2, 1, 3), "valid", None, 1), ((3, 2, 1), "same", (1, 1, 0), 1), (2, "valid", (1, 0, 1), 1),
    (1, "same", None, (2, 1, 2)), (1, "valid", 0, 2),
]


@pytest.mark.parametrize("strides, padding, output_padding, dilation", TRANSPOSE3D_CASES)
def test_conv_transpose3d_gradcheck(strides, padding, output_padding, dilation):
    x, kernel, bias = _normal(2, 3, 2, 3, 2), _normal(3, 2, 3, 3, 2, seed=1), _normal(3, seed=2)
    gradcheck(lambda x, k, b: conv_transpose3d(x, k, b, strides, padding, output_padding,
                                               dilation), [x, kernel, bias])


DEPTHWISE1D_CASES = [  # (strides, padding, dilation): odd lengths, strides above the kernel
    (1, "valid", 1), (1, "same", 1), (2, "valid", 1), (2, "same", 1), (4, "same", 1),
    (1, "valid", 2), (1, "same", 3),
]


@pytest.mark.parametrize("strides, padding, dilation", DEPTHWISE1D_CASES)
def test_depthwise_and_separable_conv1d_gradcheck(strides, padding, dilation):
    x, depthwise = _normal(2, 9, 3), _normal(3, 3, 2, seed=1)          # depth_multiplier 2
    pointwise, bias = _normal(1, 6, 4, seed=2), _normal(6, seed=3)
    gradcheck(lambda x, k, b: depthwise_conv1d(x, k, b, strides, padding, dilation),
              [x, depthwise, bias])
    gradcheck(lambda x, k, p, b: separable_conv1d(x, k, p, b, strides, padding, dilation),
              [x, depthwise, pointwise, bias[:4]])


def test_pad_crop_and_upsample_gradcheck():
    volume = _normal(2, 3, 2, 4, 2)
    gradcheck(lambda x: zero_pad(x, ((1, 2), (0, 1), (3, 0))), [volume])
    gradcheck(lambda x: crop(x, ((1, 1), (0, 1), (2, 1))), [volume])
    gradcheck(lambda x: upsample_nearest(x, (2, 1, 3)), [volume])
    gradcheck(lambda x: upsample_nearest(x, 3), [_normal(2, 5, 3)])         # one spatial axis


def test_rms_normalization_gradcheck_over_several_axes():
    x, scale = _normal(2, 3, 5), _normal(3, 5, seed=1)
    gradcheck(lambda x, s: rms_normalization(x, s, (1, 2), 1e-6), [x, scale])


CHANNELS_FIRST_CASES = [
    (Conv3DTranspose, {"filters": 2, "kernel_size": (3, 3, 2), "strides": (1, 2, 2),
                       "padding": "same", "output_padding": (0, 1, 1)}, (2, 2, 3, 2, 3)),
    (SeparableConv1D, {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same",
                       "depth_multiplier": 2}, (2, 2, 7)),
    (DepthwiseConv1D, {"kernel_size": 3, "dilation_rate": 2, "depth_multiplier": 2}, (2, 2, 7)),
    (UpSampling3D, {"size": (1, 2, 3)}, (2, 2, 3, 2, 2)),
    (ZeroPadding3D, {"padding": (1, 0, 2)}, (2, 2, 3, 2, 2)),
    (Cropping3D, {"cropping": ((0, 1), (1, 0), (1, 1))}, (2, 2, 3, 2, 4)),
]


@pytest.mark.parametrize("cls, kwargs, shape", CHANNELS_FIRST_CASES,
                         ids=[case[0].__name__ for case in CHANNELS_FIRST_CASES])
def test_layers_gradcheck_in_channels_first(cls, kwargs, shape):
    layer = cls(**kwargs, data_format="channels_first", dtype="float64")
    gradcheck(lambda x: layer(x), [_normal(*shape)])


def test_rms_normalization_layer_gradcheck():
    layer = RMSNormalization(axis=[1, 3], dtype="float64")
    layer(np.zeros((2, 3, 2, 4)))
    layer.set_weights([_normal(3, 4, seed=1)])
    gradcheck(lambda x: layer(x), [_normal(2, 3, 2, 4)])


def test_spatial_dropout3d_gradcheck_in_training():
    gradcheck(lambda x: SpatialDropout3D(0.4, seed=5, dtype="float64")(x, training=True),
              [_normal(3, 2, 3, 2, 4)])


@pytest.mark.parametrize("op, shapes, options", [
    (conv_transpose3d, [(2, 3, 2, 3, 2), (2, 2, 2, 3, 2), (3,)], (2, "same", 1)),
    (depthwise_conv1d, [(2, 7, 3), (3, 3, 2), (6,)], (2, "same")),
    (separable_conv1d, [(2, 7, 3), (3, 3, 2), (1, 6, 4), (4,)], (1, "valid")),
    (zero_pad, [(2, 3, 3, 3, 2)], (((1, 1), (0, 2), (1, 0)),)),
    (crop, [(2, 3, 3, 3, 2)], (((1, 0), (0, 1), (1, 1)),)),
    (upsample_nearest, [(2, 3, 3, 3, 2)], (2,)),
])
def test_float32_stays_float32_with_its_gradients(op, shapes, options):
    leaves = [Tensor(_float32(*shape, seed=k), requires_grad=True)
              for k, shape in enumerate(shapes)]
    out = op(*leaves, *options)
    assert out.dtype == np.float32
    out.sum().backward()
    assert all(leaf.grad.dtype == np.float32 for leaf in leaves)


# --- PyTorch as the oracle (float32; channels last <-> channels first) -------------------------

def _tf_same_pads(length, kernel, stride, dilation=1):
    """TensorFlow's 'same' padding along one axis: (before, after), the extra one after."""
    span = (kernel - 1) * dilation + 1
    total = max((-(-length // stride) - 1) * stride + span - length, 0)
    return total // 2, total - total // 2


def _keras_transpose_length(length, kernel, stride, padding, output_padding, dilation):
    """A transposed convolution's output length, as Keras documents it."""
    span = (kernel - 1) * dilation + 1
    if output_padding is None:
        return length * stride + (max(span - stride, 0) if padding == "valid" else 0)
    pad = span // 2 if padding == "same" else 0
    return (length - 1) * stride + span - 2 * pad + output_padding


def _compare_with_torch(torch, out, expected, ours, theirs):
    """Values, then the gradients for one random cotangent: our op's output `out` (leaves
    `ours`) against PyTorch's `expected` (leaves `theirs`), both in our (channels-last)
    layout; the torch side permutes its leaves into torch's layout inside its graph."""
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-5, atol=2e-5)
    g = _float32(*out.shape, seed=9)
    out.backward(g)
    expected.backward(torch.from_numpy(g))
    for mine, leaf in zip(ours, theirs):
        np.testing.assert_allclose(mine.grad, leaf.grad.numpy(), rtol=1e-5, atol=2e-5)


def _leaves(torch, *arrays):
    """Each array as our leaf Tensor and as torch's leaf tensor."""
    ours = [Tensor(a, requires_grad=True) for a in arrays]
    return ours, [torch.tensor(a, requires_grad=True) for a in arrays]


TO_NCDHW, TO_NDHWC = (0, 4, 1, 2, 3), (0, 2, 3, 4, 1)


@pytest.mark.parametrize("strides, padding, output_padding, dilation", TRANSPOSE3D_CASES)
def test_conv_transpose3d_matches_torch(strides, padding, output_padding, dilation):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    spatial, ksize = (3, 4, 3), (3, 2, 3)
    ours, theirs = _leaves(torch, _float32(2, *spatial, 3, seed=3),
                           _float32(*ksize, 4, 3, seed=4), _float32(4, seed=5))
    out = conv_transpose3d(*ours, strides, padding, output_padding, dilation)

    # torch computes the full transposed convolution (no padding); Keras' output is a window of
    # it along each axis, starting after the convolution's 'same' padding before that axis
    strides, dilation = _triple(strides), _triple(dilation)
    paddings = (None,) * 3 if output_padding is None else _triple(output_padding)
    out_size = tuple(_keras_transpose_length(*args, padding, p, d) for *args, p, d in
                     zip(spatial, ksize, strides, paddings, dilation))
    assert out.shape == (2, *out_size, 4)
    xt, kt, bt = theirs
    full = F.conv_transpose3d(xt.permute(TO_NCDHW), kt.permute(4, 3, 0, 1, 2),  # (in, out, k..)
                              stride=strides, dilation=dilation)
    starts = [_tf_same_pads(n, k, s, d)[0] if padding == "same" else 0
              for n, k, s, d in zip(out_size, ksize, strides, dilation)]
    room = [max(start + n - length, 0)
            for start, n, length in zip(starts, out_size, full.shape[2:])]
    full = F.pad(full, (0, room[2], 0, room[1], 0, room[0]))
    window = full[:, :, starts[0]:starts[0] + out_size[0], starts[1]:starts[1] + out_size[1],
                  starts[2]:starts[2] + out_size[2]]
    _compare_with_torch(torch, out, window.permute(TO_NDHWC) + bt, ours, theirs)


@pytest.mark.parametrize("size", [(2, 1, 3), 2])
def test_upsample_nearest_matches_torch_interpolate(size):
    torch = pytest.importorskip("torch")
    ours, theirs = _leaves(torch, _float32(2, 3, 2, 4, 3))
    expected = torch.nn.functional.interpolate(theirs[0].permute(TO_NCDHW),
                                               scale_factor=_triple(size), mode="nearest")
    _compare_with_torch(torch, upsample_nearest(ours[0], size), expected.permute(TO_NDHWC),
                        ours, theirs)


@pytest.mark.parametrize("pairs", [((1, 2), (0, 1), (3, 0)), ((0, 0), (2, 2), (1, 1))])
def test_zero_pad_and_crop_match_torch_pad(pairs):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    flat = tuple(p for pair in reversed(pairs) for p in pair)   # F.pad: the last axis first
    for op, sign, shape in ((zero_pad, 1, (2, 3, 2, 4, 3)), (crop, -1, (2, 4, 5, 4, 3))):
        ours, theirs = _leaves(torch, _float32(*shape, seed=1))
        expected = F.pad(theirs[0].permute(TO_NCDHW), tuple(sign * p for p in flat))  # < 0: crop
        _compare_with_torch(torch, op(ours[0], pairs), expected.permute(TO_NDHWC), ours, theirs)


@pytest.mark.parametrize("strides, padding, dilation, multiplier", [
    (1, "valid", 1, 1), (2, "same", 1, 2), (3, "valid", 1, 3), (1, "same", 2, 2), (4, "same", 1, 1),
])
def test_depthwise_and_separable_conv1d_match_torch(strides, padding, dilation, multiplier):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    steps, k, c, filters = 10, 3, 4, 5
    x, depthwise = _float32(2, steps, c, seed=3), _float32(k, c, multiplier, seed=4)
    pointwise = _float32(1, c * multiplier, filters, seed=5)
    pads = _tf_same_pads(steps, k, strides, dilation) if padding == "same" else (0, 0)

    def torch_depthwise(xt, kt):
        """torch's filter c*multiplier + m is our kernel[:, c, m]: weight (c*multiplier, 1, k)."""
        weight = kt.permute(1, 2, 0).reshape(c * multiplier, 1, k)
        return F.conv1d(F.pad(xt.permute(0, 2, 1), pads), weight, stride=strides,
                        dilation=dilation, groups=c)                      # (n, c*m, out_steps)

    ours, theirs = _leaves(torch, x, depthwise, _float32(c * multiplier, seed=6))
    out = depthwise_conv1d(*ours, strides, padding, dilation)
    expected = torch_depthwise(*theirs[:2]).permute(0, 2, 1) + theirs[2]
    _compare_with_torch(torch, out, expected, ours, theirs)

    ours, theirs = _leaves(torch, x, depthwise, pointwise, _float32(filters, seed=7))
    out = separable_conv1d(*ours, strides, padding, dilation)
    mixed = F.conv1d(torch_depthwise(*theirs[:2]), theirs[2].permute(2, 1, 0))  # (f, c*m, 1)
    _compare_with_torch(torch, out, mixed.permute(0, 2, 1) + theirs[3], ours, theirs)


@pytest.mark.parametrize("axis, normalized", [(-1, (5,)), ([1, 2], (3, 5))])
def test_rms_normalization_layer_matches_torch_rms_norm(axis, normalized):
    torch = pytest.importorskip("torch")
    x, scale = _float32(4, 3, 5), _float32(*normalized, seed=1)
    layer = RMSNormalization(axis=axis)
    layer(x)
    layer.set_weights([scale])
    ours, theirs = _leaves(torch, x, scale)
    expected = torch.nn.functional.rms_norm(theirs[0], normalized, theirs[1], eps=1e-6)
    _compare_with_torch(torch, layer(ours[0]), expected, [ours[0], layer.scale], theirs)


# --- values and behaviour ------------------------------------------------------------------------

def test_rms_normalization_follows_its_formula_and_keras_defaults():
    layer = RMSNormalization()
    assert layer.axis == -1 and layer.epsilon == 1e-6
    x = _float32(2, 3, 4)
    out = layer(x)
    assert layer.scale.shape == (4,) and [w.name for w in layer.weights] == ["scale"]
    np.testing.assert_allclose(out.data, x / np.sqrt((x ** 2).mean(-1, keepdims=True) + 1e-6),
                               rtol=1e-6)
    assert out.dtype == np.float32
    config = layer.get_config()
    assert config["axis"] == -1 and config["epsilon"] == 1e-6


def test_spatial_dropout3d_drops_whole_channels_in_training_only():
    for data_format, channel_axis in (("channels_last", 4), ("channels_first", 1)):
        shape = (6, 3, 4, 2, 5) if channel_axis == 4 else (6, 5, 3, 4, 2)
        x = np.ones(shape, np.float32)
        layer = SpatialDropout3D(0.5, data_format=data_format, seed=2)
        out = layer(x, training=True).data
        volumes = np.moveaxis(out, channel_axis, 1).reshape(6, 5, -1)   # (sample, channel, voxels)
        assert set(np.unique(out)) == {0.0, 2.0}                        # kept ones scaled by 2
        assert (volumes.min(axis=2) == volumes.max(axis=2)).all()       # kept or dropped whole
        np.testing.assert_array_equal(layer(x).data, x)                 # inference: unchanged
    backend.set_random_seed(7)
    first = SpatialDropout3D(0.3)(np.ones((4, 2, 2, 2, 3)), training=True).data
    backend.set_random_seed(7)
    np.testing.assert_array_equal(SpatialDropout3D(0.3)(np.ones((4, 2, 2, 2, 3)),
                                                        training=True).data, first)


def test_layers_compute_their_ops():
    volume = _float32(2, 3, 4, 2, 3)
    np.testing.assert_array_equal(UpSampling3D()(volume).data,
                                  volume.repeat(2, 1).repeat(2, 2).repeat(2, 3))
    padded = ZeroPadding3D()(volume).data
    assert padded.shape == (2, 5, 6, 4, 3) and np.count_nonzero(padded) == volume.size
    np.testing.assert_array_equal(padded[:, 1:-1, 1:-1, 1:-1], volume)
    np.testing.assert_array_equal(Cropping3D(((1, 0), (1, 2), (0, 1)))(volume).data,
                                  volume[:, 1:, 1:2, :1])
    sequence = _float32(2, 9, 3)
    depthwise = DepthwiseConv1D(3, strides=2, padding="same", depth_multiplier=2)
    np.testing.assert_allclose(depthwise(sequence).data, depthwise_conv1d(
        sequence, depthwise.kernel, depthwise.bias, 2, "same").data, rtol=1e-6)
    separable = SeparableConv1D(4, 3, activation="relu", bias_initializer="ones")
    out = separable(sequence).data
    expected = np.maximum(separable_conv1d(sequence, separable.depthwise_kernel,
                                           separable.pointwise_kernel).data + 1, 0)
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    transposed = Conv3DTranspose(2, 3, strides=2, padding="same")
    np.testing.assert_allclose(transposed(volume).data, conv_transpose3d(
        volume, transposed.kernel, transposed.bias, 2, "same").data, rtol=1e-6)


def test_nd_ops_equal_the_2d_ones_on_images():
    image = _float32(2, 5, 4, 3)
    pairs = ((1, 2), (0, 1))
    np.testing.assert_array_equal(zero_pad(image, pairs).data, zero_pad2d(image, pairs).data)
    np.testing.assert_array_equal(crop(image, pairs).data, crop2d(image, pairs).data)
    np.testing.assert_array_equal(upsample_nearest(image, (2, 3)).data,
                                  upsample_nearest2d(image, (2, 3)).data)
    with pytest.raises(ValueError, match=r"upsample_nearest2d: expected x of rank 4 \(batch, "
                                         r"height, width, channels\), received shape "
                                         r"\(2, 3, 2, 4, 3\)"):
        upsample_nearest2d(_float32(2, 3, 2, 4, 3), 2)
    with pytest.raises(ValueError, match=r"zero_pad2d: expected padding \(\(top, bottom\), "
                                         r"\(left, right\)\)"):
        zero_pad2d(_float32(2, 3, 2, 4, 3), ((1, 1),) * 3)


# --- layers: the contract, shapes, Keras --------------------------------------------------------

LAYER_CASES = [
    # (id, class, init kwargs, input shape, expected output shape, trainable weights)
    ("conv3d_transpose", Conv3DTranspose, {"filters": 3, "kernel_size": 3, "strides": 2},
     (4, 3, 2, 3, 2), (4, 7, 5, 7, 3), 2),
    ("conv3d_transpose_same_output_padding", Conv3DTranspose,
     {"filters": 2, "kernel_size": (3, 2, 3), "strides": (2, 3, 1), "padding": "same",
      "output_padding": (1, 2, 0), "use_bias": False}, (4, 3, 2, 3, 2), (4, 6, 5, 3, 2), 1),
    ("conv3d_transpose_channels_first", Conv3DTranspose,
     {"filters": 2, "kernel_size": 2, "data_format": "channels_first", "dilation_rate": 2},
     (4, 2, 3, 2, 3), (4, 2, 5, 4, 5), 2),
    ("up_sampling3d", UpSampling3D, {"size": (1, 2, 3)}, (4, 2, 3, 2, 2), (4, 2, 6, 6, 2), 0),
    ("zero_padding3d", ZeroPadding3D, {"padding": 2}, (4, 2, 3, 2, 2), (4, 6, 7, 6, 2), 0),
    ("cropping3d_channels_first", Cropping3D, {"cropping": (1, 0, 1),
                                               "data_format": "channels_first"},
     (4, 2, 3, 2, 4), (4, 2, 1, 2, 2), 0),
    ("spatial_dropout3d", SpatialDropout3D, {"rate": 0.5, "seed": 1}, (4, 2, 3, 2, 2),
     (4, 2, 3, 2, 2), 0),
    ("separable_conv1d", SeparableConv1D, {"filters": 4, "kernel_size": 3, "strides": 2,
                                           "padding": "same", "depth_multiplier": 2},
     (4, 7, 3), (4, 4, 4), 3),
    ("depthwise_conv1d_channels_first", DepthwiseConv1D,
     {"kernel_size": 3, "depth_multiplier": 3, "data_format": "channels_first"},
     (4, 2, 7), (4, 6, 5), 2),
    ("rms_normalization", RMSNormalization, {"axis": [1, 2]}, (4, 3, 5), (4, 3, 5), 1),
]


@pytest.mark.parametrize("cls, kwargs, shape, out_shape, n_trainable",
                         [c[1:] for c in LAYER_CASES], ids=[c[0] for c in LAYER_CASES])
def test_layer_contract(cls, kwargs, shape, out_shape, n_trainable):
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=out_shape,
                   expected_num_trainable_weights=n_trainable,
                   expected_num_non_trainable_weights=0)


def test_symbolic_calls_and_unknown_sizes():
    volume = SymbolicTensor((None, 4, None, 5, 2), "float32")
    assert Conv3DTranspose(3, 3, strides=2)(volume).shape == (None, 9, None, 11, 3)
    assert UpSampling3D(2)(volume).shape == (None, 8, None, 10, 2)
    assert ZeroPadding3D(1)(volume).shape == (None, 6, None, 7, 2)
    assert Cropping3D(1)(volume).shape == (None, 2, None, 3, 2)
    sequence = SymbolicTensor((None, 10, 3), "float32")
    assert SeparableConv1D(4, 3, strides=2, padding="same")(sequence).shape == (None, 5, 4)
    assert DepthwiseConv1D(3, depth_multiplier=2)(sequence).shape == (None, 8, 6)


def test_weight_shapes_and_aliases_follow_keras():
    transposed = Conv3DTranspose(5, (3, 2, 1))
    transposed(np.zeros((1, 3, 3, 3, 4)))
    assert transposed.kernel.shape == (3, 2, 1, 5, 4) and transposed.bias.shape == (5,)
    separable = SeparableConv1D(5, 3, depth_multiplier=2)
    separable(np.zeros((1, 6, 4)))
    assert [(w.name, w.shape) for w in separable.weights] == [
        ("depthwise_kernel", (3, 4, 2)), ("pointwise_kernel", (1, 8, 5)), ("bias", (5,))]
    depthwise = DepthwiseConv1D(3, depth_multiplier=2)
    depthwise(np.zeros((1, 6, 4)))
    assert [(w.name, w.shape) for w in depthwise.weights] == [("kernel", (3, 4, 2)),
                                                              ("bias", (8,))]
    assert layers.Convolution3DTranspose is Conv3DTranspose
    assert layers.SeparableConvolution1D is SeparableConv1D


NEW_LAYERS = [Conv3DTranspose, UpSampling3D, ZeroPadding3D, Cropping3D, SpatialDropout3D,
              SeparableConv1D, DepthwiseConv1D, RMSNormalization]


def _arguments(cls):
    """(name, default) of the constructor's named arguments, Keras' name and dtype left out."""
    return [(p.name, p.default) for p in inspect.signature(cls).parameters.values()
            if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL) and p.name not in ("name", "dtype")]


@pytest.mark.parametrize("cls", NEW_LAYERS, ids=lambda cls: cls.__name__)
def test_signatures_and_configs_match_keras(cls, real_keras):
    theirs = getattr(real_keras.layers, cls.__name__)
    assert _arguments(cls) == _arguments(theirs)
    args = {"filters": 2, "kernel_size": 3, "rate": 0.5}
    needed = {name: args[name] for name, default in _arguments(cls) if default is inspect._empty}
    config, keras_config = cls(**needed).get_config(), theirs(**needed).get_config()
    keras_config.pop("activity_regularizer", None)     # neuronet writes it only when one is set
    assert set(config) == set(keras_config)
    for key in ("strides", "padding", "size", "cropping", "data_format", "epsilon",
                "depth_multiplier", "output_padding", "dilation_rate"):
        if key in config:
            expected = keras_config[key]
            assert config[key] == (tuple(expected) if isinstance(expected, list) else expected)


SHAPE_CASES = [
    (Conv3DTranspose, {"filters": 2, "kernel_size": (4, 3, 2), "strides": (3, 2, 1),
                       "padding": "same"}, (2, None, 4, 3, 3)),
    (Conv3DTranspose, {"filters": 2, "kernel_size": 3, "strides": (2, 3, 2), "output_padding": 1,
                       "data_format": "channels_first"}, (2, 3, 4, 5, 2)),
    (UpSampling3D, {"size": (3, 1, 2)}, (2, None, 4, 5, 3)),
    (ZeroPadding3D, {"padding": ((0, 3), 2, (1, 0)), "data_format": "channels_first"},
     (2, 3, 4, None, 2)),
    (Cropping3D, {"cropping": 1}, (2, 3, 4, 5, 3)),
    (SeparableConv1D, {"filters": 3, "kernel_size": 4, "strides": 3, "padding": "same"},
     (2, 11, 3)),
    (DepthwiseConv1D, {"kernel_size": 3, "dilation_rate": 3, "data_format": "channels_first"},
     (2, 3, 11)),
    (RMSNormalization, {"axis": 1}, (2, 3, 4)),
]


@pytest.mark.parametrize("cls, kwargs, shape", SHAPE_CASES)
def test_output_shapes_match_keras(cls, kwargs, shape, real_keras):
    theirs = getattr(real_keras.layers, cls.__name__)(**kwargs)
    assert cls(**kwargs).compute_output_shape(shape) == tuple(theirs.compute_output_shape(shape))


KERAS_VALUE_CASES = [
    (Conv3DTranspose, {"filters": 3, "kernel_size": (3, 2, 3), "strides": (2, 1, 3),
                       "padding": "same"}, (2, 3, 4, 2, 2)),
    (Conv3DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 1,
                       "data_format": "channels_first"}, (2, 2, 3, 4, 3)),
    (SeparableConv1D, {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same",
                       "depth_multiplier": 2}, (2, 9, 3)),
    (SeparableConv1D, {"filters": 3, "kernel_size": 2, "dilation_rate": 2,
                       "data_format": "channels_first"}, (2, 3, 9)),
    (DepthwiseConv1D, {"kernel_size": 3, "strides": 2, "padding": "same",
                       "depth_multiplier": 3}, (2, 9, 2)),
    (DepthwiseConv1D, {"kernel_size": 4, "dilation_rate": 2, "depth_multiplier": 2,
                       "data_format": "channels_first"}, (2, 2, 11)),
    (UpSampling3D, {"size": (2, 1, 3), "data_format": "channels_first"}, (2, 2, 3, 2, 2)),
    (ZeroPadding3D, {"padding": ((1, 2), (0, 1), (2, 0))}, (2, 2, 3, 2, 2)),
    (Cropping3D, {"cropping": ((1, 0), (0, 1), (1, 1)), "data_format": "channels_first"},
     (2, 2, 3, 3, 4)),
    (RMSNormalization, {"axis": [1, 2], "epsilon": 1e-3}, (2, 3, 5)),
]
# Keras' random initializers compile slowly in JAX; its layers start from zeros and take our
# (random) weights
_ZERO_INITIALIZERS = ("kernel_initializer", "depthwise_initializer", "pointwise_initializer")


@pytest.mark.parametrize("cls, kwargs, shape", KERAS_VALUE_CASES,
                         ids=[f"{case[0].__name__}-{k}" for k, case in enumerate(KERAS_VALUE_CASES)])
def test_layer_values_match_keras(cls, kwargs, shape, real_keras):
    x = _float32(*shape, seed=7)
    ours = cls(**kwargs)
    ours(x)
    ours.set_weights([_float32(*w.shape, seed=k) for k, w in enumerate(ours.weights)])
    keras_class = getattr(real_keras.layers, cls.__name__)
    zeros = {name: "zeros" for name in _ZERO_INITIALIZERS
             if name in inspect.signature(keras_class).parameters}
    theirs = keras_class(**kwargs, **zeros)
    theirs.build(shape)
    assert [w.path.split("/")[-1] for w in theirs.weights] == [w.name for w in ours.weights]
    theirs.set_weights(ours.get_weights())
    expected = np.asarray(theirs(x))
    out = ours(x).data
    assert out.shape == expected.shape == ours.compute_output_shape(shape)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def test_channels_first_equals_channels_last_on_transposed_input():
    for cls, kwargs, shape in [
            (Conv3DTranspose, {"filters": 2, "kernel_size": 2, "strides": (1, 2, 3)},
             (2, 3, 2, 2, 3)),
            (UpSampling3D, {"size": (2, 3, 1)}, (2, 3, 2, 2, 3)),
            (ZeroPadding3D, {"padding": (1, 2, 0)}, (2, 3, 2, 2, 3)),
            (Cropping3D, {"cropping": ((1, 0), (0, 1), (0, 0))}, (2, 3, 2, 2, 3)),
            (SeparableConv1D, {"filters": 3, "kernel_size": 2, "depth_multiplier": 2}, (2, 5, 3)),
            (DepthwiseConv1D, {"kernel_size": 2, "padding": "same"}, (2, 5, 3))]:
        to_first = (0, len(shape) - 1, *range(1, len(shape) - 1))
        x = _float32(*shape)
        last, first = cls(**kwargs), cls(**kwargs, data_format="channels_first")
        out_last = last(x).data
        first(x.transpose(to_first))
        first.set_weights(last.get_weights())
        np.testing.assert_allclose(first(x.transpose(to_first)).data, out_last.transpose(to_first),
                                   rtol=1e-6, err_msg=cls.__name__)


# --- errors -------------------------------------------------------------------------------------

def test_op_errors_name_the_op_and_the_values():
    volume = np.zeros((1, 3, 2, 4, 2))
    with pytest.raises(ValueError, match=r"conv_transpose3d: expected x of rank 5 \(batch, depth, "
                                         r"height, width, channels\), received shape \(1, 3, 2\)"):
        conv_transpose3d(np.zeros((1, 3, 2)), np.zeros((2, 2, 2, 3, 2)))
    with pytest.raises(ValueError, match=r"conv_transpose3d: the input has 2 channels .* expects "
                                         r"3 \(kernel.shape\[4\]\)"):
        conv_transpose3d(volume, np.zeros((2, 2, 2, 4, 3)))
    with pytest.raises(ValueError, match=r"conv_transpose3d: expected output_padding smaller than "
                                         r"the strides \(2, 2, 1\)"):
        conv_transpose3d(volume, np.zeros((2, 2, 2, 4, 2)), strides=(2, 2, 1), output_padding=1)
    sequence = np.zeros((1, 7, 3))
    with pytest.raises(ValueError, match=r"depthwise_conv1d: the input has 3 channels .* expects 2 "
                                         r"\(kernel.shape\[1\]\)"):
        depthwise_conv1d(sequence, np.zeros((3, 2, 1)))
    with pytest.raises(ValueError, match=r"depthwise_conv1d: expected one of \('valid', 'same'\) "
                                         r"for argument 'padding', received padding='causal'"):
        depthwise_conv1d(sequence, np.zeros((3, 3, 1)), padding="causal")
    with pytest.raises(ValueError, match=r"depthwise_conv1d: the window \(9,\) .* does not fit in "
                                         r"the input's spatial size \(7,\)"):
        depthwise_conv1d(sequence, np.zeros((9, 3, 1)))
    with pytest.raises(ValueError, match=r"separable_conv1d: expected pointwise_kernel of shape "
                                         r"\(1, 6, filters\) .* received shape \(1, 3, 4\)"):
        separable_conv1d(sequence, np.zeros((3, 3, 2)), np.zeros((1, 3, 4)))
    with pytest.raises(ValueError, match=r"zero_pad: expected padding \(\(front, back\), "
                                         r"\(top, bottom\), \(left, right\)\) of non-negative "
                                         r"ints, received padding=\(\(1, -1\), \(0, 0\), "
                                         r"\(0, 0\)\)"):
        zero_pad(volume, ((1, -1), (0, 0), (0, 0)))
    with pytest.raises(ValueError, match=r"zero_pad: expected padding \(\(front, back\), .* "
                                         r"received padding=\(\(1, 1\), \(0, 0\)\)"):
        zero_pad(volume, ((1, 1), (0, 0)))
    with pytest.raises(ValueError, match=r"crop: cropping \(\(1, 1\), \(1, 1\), \(0, 0\)\) removes "
                                         r"everything from an input of spatial size "
                                         r"\(3, 2, 4\)"):
        crop(volume, ((1, 1), (1, 1), (0, 0)))
    with pytest.raises(ValueError, match=r"upsample_nearest: expected a positive int or a tuple of "
                                         r"3 positive ints for argument 'size', received "
                                         r"size=\(2, 0, 1\)"):
        upsample_nearest(volume, (2, 0, 1))


def test_layer_errors_name_the_layer_and_the_values():
    with pytest.raises(ValueError, match=r"Cropping3D layer 'crop': cropping \(\(2, 1\), \(0, 0\), "
                                         r"\(0, 0\)\) must leave something of the input's "
                                         r"spatial size \(3, 3, 3\)"):
        Cropping3D(((2, 1), (0, 0), (0, 0)), name="crop")(np.zeros((1, 3, 3, 3, 1)))
    with pytest.raises(ValueError, match=r"ZeroPadding3D: expected an int, a tuple of 3 ints or a "
                                         r"tuple of 3 tuples of 2 non-negative ints for argument "
                                         r"'padding', received padding=-1"):
        ZeroPadding3D(-1)
    with pytest.raises(ValueError, match=r"ZeroPadding3D: .* received padding=\(1, 2\)"):
        ZeroPadding3D((1, 2))
    with pytest.raises(ValueError, match=r"Cropping3D: .* 'cropping', received "
                                         r"cropping=\(\(1, 1\), \(1, -1\), \(0, 0\)\)"):
        Cropping3D(((1, 1), (1, -1), (0, 0)))
    with pytest.raises(ValueError, match=r"UpSampling3D: expected a positive int or a tuple of 3 "
                                         r"positive ints for argument 'size', received "
                                         r"size=\(2, 2\)"):
        UpSampling3D((2, 2))
    with pytest.raises(ValueError, match=r"layer 'up' is incompatible with the layer: expected "
                                         r"ndim=5, found ndim=4"):
        UpSampling3D(name="up")(np.zeros((1, 2, 2, 2)))
    with pytest.raises(ValueError, match=r"SpatialDropout3D: expected a float between 0 and 1 for "
                                         r"argument 'rate', received rate=1.5"):
        SpatialDropout3D(1.5)
    with pytest.raises(ValueError, match=r"layer 'sd' is incompatible.*expected ndim=5"):
        SpatialDropout3D(0.5, name="sd")(np.zeros((2, 3, 3, 2)), training=True)
    with pytest.raises(ValueError, match=r"Conv3DTranspose: expected output_padding < strides, "
                                         r"received output_padding=\(1, 1, 1\), "
                                         r"strides=\(2, 1, 2\)"):
        Conv3DTranspose(2, 3, strides=(2, 1, 2), output_padding=1)
    with pytest.raises(ValueError, match=r"Conv3DTranspose: .* 'kernel_size', received "
                                         r"kernel_size=\(3, 3\)"):
        Conv3DTranspose(2, (3, 3))
    for cls, args in ((SeparableConv1D, (2, 3)), (DepthwiseConv1D, (3,))):
        with pytest.raises(ValueError, match=rf"{cls.__name__}: expected one of \('valid', "
                                             r"'same'\) for argument 'padding', received "
                                             r"padding='causal'"):
            cls(*args, padding="causal")
        with pytest.raises(ValueError, match=r"strides > 1 is not supported together with "
                                             r"dilation_rate > 1"):
            cls(*args, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match=r"SeparableConv1D: expected a positive integer for "
                                         r"argument 'filters', received filters=0"):
        SeparableConv1D(0, 3)
    with pytest.raises(ValueError, match=r"layer 'dw'.*expected axis -1 of input shape to have "
                                         r"value 3, but received input with shape \(1, 7, 2\)"):
        layer = DepthwiseConv1D(3, name="dw")
        layer(np.zeros((1, 7, 3)))
        layer(np.zeros((1, 7, 2)))
    with pytest.raises(ValueError, match=r"RMSNormalization layer 'rms': axis 3 is out of range "
                                         r"for an input of rank 2"):
        RMSNormalization(axis=3, name="rms")(np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"RMSNormalization: expected an int or a non-empty list "
                                         r"of ints for argument 'axis', received axis='last'"):
        RMSNormalization(axis="last")
    with pytest.raises(ValueError, match=r"RMSNormalization: expected a float >= 0 for argument "
                                         r"'epsilon', received epsilon=-0.1"):
        RMSNormalization(epsilon=-0.1)

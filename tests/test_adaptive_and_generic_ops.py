"""Adaptive pooling (ops and layers) and keras.ops' rank-generic convolutions and poolings,
depth_to_space / space_to_depth, psnr, unfold / fold: values against Keras 3 and PyTorch,
gradients against PyTorch and finite differences, configs and errors."""
import numpy as np
import pytest

import neuronet as nn
from neuronet import Tensor, layers, ops
from neuronet.testing import gradcheck, run_layer_test

FORMATS = ["channels_last", "channels_first"]
SPATIAL = {1: (8,), 2: (8, 6), 3: (6, 6, 4)}
# per rank: output sizes dividing the input, not dividing it, larger than it, equal to it
OUTPUT_SIZES = {1: [(4,), (3,), (11,), (8,)], 2: [(4, 3), (3, 4), (2, 9), (8, 1)],
                3: [(3, 2, 2), (4, 4, 3), (7, 1, 5), (6, 6, 4)]}
ADAPTIVE = {"average": ops.adaptive_average_pool, "max": ops.adaptive_max_pool}


def _input(rank, data_format, channels=3, batch=2, seed=0, spatial=None):
    """Distinct float32 values (no ties within a window), laid out in `data_format`."""
    spatial = SPATIAL[rank] if spatial is None else spatial
    shape = ((batch, *spatial, channels) if data_format == "channels_last"
             else (batch, channels, *spatial))
    size = int(np.prod(shape))
    values = np.random.default_rng(seed).permutation(size) * (6.0 / size) - 3.0
    return values.reshape(shape).astype(np.float32)


def _close(actual, expected, rtol=1e-5, atol=1e-5):
    np.testing.assert_allclose(np.asarray(actual), np.asarray(expected), rtol=rtol, atol=atol)


def _reference_adaptive(x, size, kind, data_format):
    """Adaptive pooling by its definition, a loop over the output positions: bin i of an axis
    of length L pooled to O covers [floor(i L / O), ceil((i + 1) L / O)), PyTorch's and
    Keras' rule."""
    x = np.asarray(x) if data_format == "channels_last" else np.moveaxis(x, 1, -1)
    spatial = x.shape[1:-1]
    size = (size,) * len(spatial) if isinstance(size, int) else tuple(size)
    reduce = np.mean if kind == "average" else np.max
    out = np.empty((x.shape[0], *size, x.shape[-1]), x.dtype)
    for index in np.ndindex(*size):
        window = tuple(slice(i * length // count, -(-(i + 1) * length // count))
                       for i, length, count in zip(index, spatial, size))
        out[(slice(None), *index)] = reduce(x[(slice(None), *window)],
                                            axis=tuple(range(1, 1 + len(spatial))))
    return out if data_format == "channels_last" else np.moveaxis(out, -1, 1)


# --- adaptive pooling: ops --------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["average", "max"])
def test_adaptive_pool_and_layer_match_keras_on_jax(real_keras, kind):
    x = _input(2, "channels_last")
    expected = getattr(real_keras.ops, f"adaptive_{kind}_pool")(x, (3, 4))
    _close(ADAPTIVE[kind](x, (3, 4)).data, expected)
    name = f"Adaptive{kind.title()}Pooling2D"
    _close(getattr(layers, name)((3, 4))(x).data, getattr(real_keras.layers, name)((3, 4))(x))


@pytest.mark.parametrize("kind", ["average", "max"])
@pytest.mark.parametrize("rank", [1, 2, 3])
@pytest.mark.parametrize("data_format", FORMATS)
def test_adaptive_pool_matches_its_definition(kind, rank, data_format):
    x = _input(rank, data_format)
    for size in OUTPUT_SIZES[rank]:
        out = ADAPTIVE[kind](x, size, data_format)
        assert out.dtype == np.float32
        _close(out.data, _reference_adaptive(x, size, kind, data_format))


@pytest.mark.parametrize("kind", ["average", "max"])
@pytest.mark.parametrize("rank", [1, 2, 3])
def test_adaptive_pool_matches_torch_forward_and_gradient(kind, rank):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    torch_op = getattr(F, f"adaptive_{'avg' if kind == 'average' else 'max'}_pool{rank}d")
    x = _input(rank, "channels_first", seed=rank)
    for size in OUTPUT_SIZES[rank]:
        ours = Tensor(x, requires_grad=True)
        out = ADAPTIVE[kind](ours, size, data_format="channels_first")
        xt = torch.tensor(x, requires_grad=True)
        expected = torch_op(xt, size)
        _close(out.data, expected.detach().numpy())
        g = np.random.default_rng(5).standard_normal(out.shape).astype(np.float32)
        out.backward(g)
        expected.backward(torch.from_numpy(g))
        assert ours.grad.dtype == np.float32
        _close(ours.grad, xt.grad.numpy())


def test_adaptive_max_pool_sends_ties_to_the_first_maximum_as_torch():
    torch = pytest.importorskip("torch")
    x = np.round(np.random.default_rng(3).standard_normal((2, 2, 7, 9, 5))).astype(np.float32)
    ours = Tensor(x, requires_grad=True)
    out = ops.adaptive_max_pool(ours, (3, 4, 2), data_format="channels_first")
    xt = torch.tensor(x, requires_grad=True)
    expected = torch.nn.functional.adaptive_max_pool3d(xt, (3, 4, 2))
    g = np.random.default_rng(4).standard_normal(out.shape).astype(np.float32)
    out.backward(g)
    expected.backward(torch.from_numpy(g))
    _close(out.data, expected.detach().numpy())
    _close(ours.grad, xt.grad.numpy())


def test_adaptive_bins_follow_the_floor_ceil_rule():
    x = np.arange(5, dtype=np.float32).reshape(1, 5, 1)     # bins of 5 -> 3: [0,2) [1,4) [3,5)
    _close(ops.adaptive_average_pool(x, 3).data.ravel(), [0.5, 2.0, 3.5])
    _close(ops.adaptive_max_pool(x, 3).data.ravel(), [1.0, 3.0, 4.0])
    _close(ops.adaptive_max_pool(x, 1).data.ravel(), [4.0])
    for op in ADAPTIVE.values():                           # as many bins as positions: x itself
        np.testing.assert_array_equal(op(x, 5).data, x)


@pytest.mark.parametrize("kind", ["average", "max"])
@pytest.mark.parametrize("rank, data_format, size", [
    (1, "channels_last", 3), (1, "channels_first", 11), (2, "channels_last", (3, 4)),
    (2, "channels_first", (2, 9)), (3, "channels_last", (4, 4, 3)),
    (3, "channels_first", (7, 1, 5))])
def test_adaptive_pool_gradcheck(kind, rank, data_format, size):
    x = _input(rank, data_format, channels=2, batch=1, seed=7)
    gradcheck(lambda t: ADAPTIVE[kind](t, size, data_format), [x])


def test_adaptive_pool_dtypes():
    x = _input(2, "channels_last")
    assert ops.adaptive_max_pool(x.astype(np.float64), 2).dtype == np.float64
    assert ops.adaptive_average_pool(x.astype(np.float64), 2).dtype == np.float64
    ints = np.arange(2 * 4 * 4 * 1).reshape(2, 4, 4, 1)
    out = ops.adaptive_average_pool(ints, 2)
    assert out.dtype == np.float32
    _close(out.data[0, :, :, 0], [[2.5, 4.5], [10.5, 12.5]])


@pytest.mark.parametrize("op_name", ["adaptive_average_pool", "adaptive_max_pool"])
def test_adaptive_pool_errors(op_name):
    op = getattr(ops, op_name)
    x = _input(2, "channels_last")
    with pytest.raises(ValueError, match=rf"{op_name}.*output_size=\(2, 3, 4\)"):
        op(x, (2, 3, 4))
    with pytest.raises(ValueError, match=rf"{op_name}.*output_size=0"):
        op(x, 0)
    with pytest.raises(ValueError, match=rf"{op_name}.*rank 3, 4 or 5.*\(2, 6\)"):
        op(np.ones((2, 6), np.float32), 2)
    with pytest.raises(ValueError, match=rf"{op_name}.*data_format='nhwc'"):
        op(x, 2, data_format="nhwc")


def test_adaptive_pool_records_graph_nodes_on_symbolic_inputs():
    inputs = nn.Input((None, None, 3))
    out = ops.adaptive_average_pool(inputs, (2, 3))
    assert tuple(out.shape) == (None, 2, 3, 3)
    model = nn.Model(inputs, out)
    x = _input(2, "channels_last")
    _close(model.predict(x, verbose=0), ops.adaptive_average_pool(x, (2, 3)).data)


# --- adaptive pooling: layers -----------------------------------------------------------------

LAYERS = [(f"Adaptive{kind}Pooling{rank}D", rank) for kind in ("Average", "Max")
          for rank in (1, 2, 3)]


@pytest.mark.parametrize("name, rank", LAYERS)
@pytest.mark.parametrize("data_format", FORMATS)
def test_adaptive_layers_match_keras(real_keras, name, rank, data_format):
    x = _input(rank, data_format, seed=11)
    size = OUTPUT_SIZES[rank][1]
    ours = getattr(layers, name)(size, data_format=data_format)
    theirs = getattr(real_keras.layers, name)(size, data_format=data_format)
    kind = "max" if "Max" in name else "average"
    _close(ours(x).data, _reference_adaptive(x, theirs.output_size, kind, theirs.data_format))
    ours_config, their_config = ours.get_config(), theirs.get_config()
    assert ours_config["output_size"] == their_config["output_size"] == tuple(size)
    assert ours_config["data_format"] == their_config["data_format"] == data_format


@pytest.mark.parametrize("name, rank", LAYERS)
def test_adaptive_layer_contract_and_config_round_trip(name, rank):
    cls = getattr(layers, name)
    spatial = SPATIAL[rank]
    run_layer_test(cls, {"output_size": 3, "data_format": "channels_first"},
                   input_shape=(4, 2, *spatial), expected_output_shape=(4, 2) + (3,) * rank,
                   expected_num_trainable_weights=0)
    layer = cls(OUTPUT_SIZES[rank][2], name="pool")
    config = layer.get_config()
    assert config["output_size"] == OUTPUT_SIZES[rank][2]
    clone = cls.from_config(config)
    assert clone.get_config() == config
    x = _input(rank, "channels_last")
    _close(clone(x).data, layer(x).data)
    assert layer.compute_output_shape((None, *spatial, 3)) == (None, *OUTPUT_SIZES[rank][2], 3)


def test_adaptive_layer_errors():
    with pytest.raises(ValueError, match=r"AdaptiveMaxPooling2D.*output_size=\(2, 3, 4\)"):
        layers.AdaptiveMaxPooling2D((2, 3, 4))
    with pytest.raises(ValueError, match=r"AdaptiveAveragePooling1D.*output_size=-1"):
        layers.AdaptiveAveragePooling1D(-1)
    with pytest.raises(ValueError, match="AdaptiveAveragePooling3D.*data_format"):
        layers.AdaptiveAveragePooling3D(2, data_format="channels_middle")
    with pytest.raises(ValueError, match="adaptive_max_pooling2d.*expected ndim=4"):
        layers.AdaptiveMaxPooling2D(2)(_input(1, "channels_last"))


# --- rank-generic convolutions and poolings ---------------------------------------------------

def _generic_cases(rank, data_format, rng):
    """(name, our call, Keras' call) per op, on one input of `rank` spatial axes."""
    x = _input(rank, data_format, channels=4, seed=rank)
    k = rng.standard_normal((3,) * rank + (4, 5)).astype(np.float32)
    grouped = rng.standard_normal((2,) * rank + (2, 6)).astype(np.float32)
    k_t = rng.standard_normal((3,) * rank + (5, 4)).astype(np.float32)
    k_d = rng.standard_normal((2,) * rank + (4, 2)).astype(np.float32)
    k_p = rng.standard_normal((1,) * rank + (8, 3)).astype(np.float32)
    df = data_format
    return x, [
        ("conv", lambda o, v: o.conv(v, k, 2, "same", df, 1)),
        ("conv grouped dilated", lambda o, v: o.conv(v, grouped, 1, "valid", df, 2)),
        ("conv_transpose", lambda o, v: o.conv_transpose(v, k_t, 2, "same", None, df)),
        ("conv_transpose output_padding",
         lambda o, v: o.conv_transpose(v, k_t, 2, "valid", 1, df)),
        ("depthwise_conv", lambda o, v: o.depthwise_conv(v, k_d, 1, "same", df, 2)),
        ("separable_conv", lambda o, v: o.separable_conv(v, k_d, k_p, 2, "valid", df)),
        ("max_pool", lambda o, v: o.max_pool(v, 3, 2, "same", df)),
        ("average_pool", lambda o, v: o.average_pool(v, 3, 2, "same", df)),
    ]


@pytest.mark.parametrize("rank, data_format", [(1, "channels_first"), (2, "channels_last"),
                                               (3, "channels_first")])
def test_generic_ops_match_keras(real_keras, rank, data_format):
    x, cases = _generic_cases(rank, data_format, np.random.default_rng(rank))
    for name, call in cases:
        out = call(ops, x)
        assert out.dtype == np.float32, name
        _close(out.data, call(real_keras.ops, x), atol=2e-5)


@pytest.mark.parametrize("rank, data_format", [(1, "channels_first"), (3, "channels_last"),
                                               (2, "channels_first")])
def test_generic_ops_gradcheck(rank, data_format):
    rng = np.random.default_rng(0)
    spatial = {1: (5,), 2: (4, 3), 3: (3, 4, 3)}[rank]
    x = _input(rank, data_format, channels=2, batch=1, spatial=spatial)
    k = rng.standard_normal((2,) * rank + (2, 2))
    k_p = rng.standard_normal((1,) * rank + (4, 2))
    df = data_format
    gradcheck(lambda v, w: ops.conv(v, w, 1, "same", df), [x, k])
    gradcheck(lambda v, w: ops.conv_transpose(v, w, 2, "valid", None, df), [x, k])
    gradcheck(lambda v, w, p: ops.separable_conv(v, w, p, 1, "same", df), [x, k, k_p])
    gradcheck(lambda v: ops.max_pool(v, 2, 1, "same", df), [x])
    gradcheck(lambda v: ops.average_pool(v, 2, 1, "same", df), [x])


def test_generic_ops_errors():
    x = _input(2, "channels_last", channels=4)
    with pytest.raises(ValueError, match=r"conv: expected inputs of rank 3, 4 or 5.*\(4, 4\)"):
        ops.conv(np.ones((4, 4), np.float32), np.ones((3, 4, 2), np.float32))
    with pytest.raises(ValueError, match="conv: the input has 4 channels"):
        ops.conv(x, np.ones((3, 3, 3, 2), np.float32))
    with pytest.raises(ValueError, match=r"conv: expected kernel of rank 4"):
        ops.conv(x, np.ones((3, 4, 2), np.float32))
    with pytest.raises(ValueError, match="max_pool.*padding='full'"):
        ops.max_pool(x, 2, padding="full")
    with pytest.raises(ValueError, match=r"average_pool.*pool_size=\(2, 2, 2\)"):
        ops.average_pool(x, (2, 2, 2))
    with pytest.raises(ValueError, match="depthwise_conv: the input has 4 channels"):
        ops.depthwise_conv(x, np.ones((3, 3, 2, 1), np.float32))
    with pytest.raises(ValueError, match="conv_transpose.*data_format='nchw'"):
        ops.conv_transpose(x, np.ones((3, 3, 2, 4), np.float32), data_format="nchw")


# --- depth_to_space, space_to_depth, psnr -----------------------------------------------------

@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("block", [2, 3])
def test_depth_space_match_keras_and_invert_each_other(real_keras, data_format, block):
    deep = _input(2, data_format, channels=2 * block * block, spatial=(3, 2))
    shallow = _input(2, data_format, channels=2, spatial=(3 * block, 2 * block))
    spread = ops.depth_to_space(deep, block, data_format)
    _close(spread.data, real_keras.ops.depth_to_space(deep, block, data_format))
    packed = ops.space_to_depth(shallow, block, data_format)
    _close(packed.data, real_keras.ops.space_to_depth(shallow, block, data_format))
    np.testing.assert_array_equal(ops.space_to_depth(spread, block, data_format).data, deep)


def test_depth_to_space_gradcheck_and_errors():
    x = _input(2, "channels_first", channels=8, batch=1, spatial=(2, 3))
    gradcheck(lambda v: ops.depth_to_space(v, 2, "channels_first") ** 2, [x])
    with pytest.raises(ValueError, match="depth_to_space.*block_size=1"):
        ops.depth_to_space(x, 1)
    with pytest.raises(ValueError, match=r"depth_to_space.*block_size \*\* 2 = 4.*6 channels"):
        ops.depth_to_space(np.ones((1, 2, 2, 6), np.float32), 2)
    with pytest.raises(ValueError, match=r"space_to_depth.*block_size=2.*\(1, 3, 4, 1\)"):
        ops.space_to_depth(np.ones((1, 3, 4, 1), np.float32), 2)
    with pytest.raises(ValueError, match=r"space_to_depth: expected x of rank 4.*\(2, 4, 4\)"):
        ops.space_to_depth(np.ones((2, 4, 4), np.float32), 2)


def test_psnr_matches_keras_and_has_gradients(real_keras):
    rng = np.random.default_rng(0)
    x1, x2 = rng.random((2, 2, 4, 4, 3), dtype=np.float32)
    value = ops.psnr(x1, x2, 1.0)
    assert value.shape == () and value.dtype == np.float32
    _close(value.data, real_keras.ops.psnr(x1, x2, 1.0))
    _close(ops.psnr(x1 * 255, x2 * 255, 255.0).data, value.data, rtol=1e-4)
    gradcheck(lambda a, b: ops.psnr(a, b, 2.0), [x1[:1, :2], x2[:1, :2]])
    with pytest.raises(ValueError, match=r"psnr.*x1.shape=\(2, 3\).*x2.shape=\(3, 2\)"):
        ops.psnr(np.ones((2, 3)), np.ones((3, 2)), 1.0)


# --- unfold and fold --------------------------------------------------------------------------

FOLD_CASES = [  # kernel_size, dilation, padding, stride
    (2, 1, 0, 1), ((2, 3), (2, 1), (1, 2), (2, 3)), (3, 1, 1, 2)]


def test_unfold_fold_match_keras_on_jax(real_keras):
    x = _input(2, "channels_first", spatial=(7, 8))
    args = dict(kernel_size=(2, 3), dilation=(2, 1), padding=(1, 2), stride=(2, 3))
    cols = ops.unfold(x, **args)
    _close(cols.data, real_keras.ops.unfold(x, **args))
    _close(ops.fold(cols, (7, 8), **args).data, real_keras.ops.fold(cols.data, (7, 8), **args))


@pytest.mark.parametrize("kernel_size, dilation, padding, stride", FOLD_CASES)
def test_unfold_fold_match_torch(kernel_size, dilation, padding, stride):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = _input(2, "channels_first", spatial=(7, 8))
    args = dict(kernel_size=kernel_size, dilation=dilation, padding=padding, stride=stride)
    ours = Tensor(x, requires_grad=True)
    cols = ops.unfold(ours, **args)
    xt = torch.tensor(x, requires_grad=True)
    expected = F.unfold(xt, **args)
    _close(cols.data, expected.detach().numpy())
    g = np.random.default_rng(1).standard_normal(cols.shape).astype(np.float32)
    cols.backward(g)
    expected.backward(torch.from_numpy(g))
    _close(ours.grad, xt.grad.numpy())

    blocks = Tensor(g, requires_grad=True)
    image = ops.fold(blocks, (7, 8), **args)
    gt = torch.tensor(g, requires_grad=True)
    expected = F.fold(gt, (7, 8), **args)
    _close(image.data, expected.detach().numpy())
    image.backward(x)
    expected.backward(torch.from_numpy(x))
    _close(blocks.grad, gt.grad.numpy())


def test_unfold_fold_gradcheck_and_errors():
    x = _input(2, "channels_first", channels=2, batch=1, spatial=(4, 5))
    gradcheck(lambda v: ops.unfold(v, 2, padding=1, stride=2) ** 2, [x])
    cols = ops.unfold(x, 2, dilation=2).data
    gradcheck(lambda v: ops.fold(v, (4, 5), 2, dilation=2) ** 2, [cols])
    assert ops.unfold(x, 2).dtype == np.float32
    with pytest.raises(ValueError, match=r"unfold: expected x of rank 4.*\(2, 3, 4\)"):
        ops.unfold(np.ones((2, 3, 4)), 2)
    with pytest.raises(ValueError, match="unfold.*does not fit"):
        ops.unfold(x, 6)
    with pytest.raises(ValueError, match=r"unfold.*stride=0"):
        ops.unfold(x, 2, stride=0)
    with pytest.raises(ValueError, match=r"fold: expected x of shape \(batch, channels \* 4, 12\)"):
        ops.fold(cols[:, :, :5], (4, 5), 2)
    with pytest.raises(ValueError, match=r"fold: expected x of rank 3"):
        ops.fold(x, (4, 5), 2)

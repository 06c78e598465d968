import numpy as np
import pytest

from neuronet import Tensor
from neuronet.layers import (AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D,
                             GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D,
                             MaxPooling1D, MaxPooling2D)
from neuronet.ops.pool import avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from neuronet.testing import gradcheck, run_layer_test


def _distinct(*shape, seed=0):
    """Values without ties (so that every window has a single maximum)."""
    values = np.random.default_rng(seed).permutation(int(np.prod(shape))) / 10.0 - 5
    return values.reshape(shape)


def _tf_same_pads(length, pool, stride):
    """TensorFlow's 'same' padding along one axis: (before, after), the extra one after."""
    out = -(-length // stride)
    total = max((out - 1) * stride + pool - length, 0)
    return total // 2, total - total // 2


POOL2D_CASES = [  # (pool, strides, padding): odd sizes, overlapping and disjoint windows
    (2, None, "valid"), (3, 2, "valid"), ((3, 2), 1, "valid"), (2, None, "same"),
    (3, 2, "same"), (3, 1, "same"), ((2, 3), (1, 2), "same"), (2, 3, "valid"),
]


@pytest.mark.parametrize("op", [max_pool2d, avg_pool2d])
@pytest.mark.parametrize("pool, strides, padding", POOL2D_CASES)
def test_pool2d_gradcheck(op, pool, strides, padding):
    gradcheck(lambda x: op(x, pool, strides, padding), [_distinct(2, 7, 5, 3)])


@pytest.mark.parametrize("op", [max_pool1d, avg_pool1d])
@pytest.mark.parametrize("pool, stride, padding", [(2, None, "valid"), (3, 2, "same"),
                                                   (3, 1, "valid")])
def test_pool1d_gradcheck(op, pool, stride, padding):
    gradcheck(lambda x: op(x, pool, stride, padding), [_distinct(2, 9, 3)])


def _torch_pool2d(torch, kind, x, pool, strides, padding):
    """PyTorch's pooling on NCHW, with TensorFlow's 'same' padding made explicit."""
    F = torch.nn.functional
    (ph, pw) = (pool, pool) if isinstance(pool, int) else pool
    strides = (ph, pw) if strides is None else strides
    (sh, sw) = (strides, strides) if isinstance(strides, int) else strides
    top, bottom = _tf_same_pads(x.shape[2], ph, sh) if padding == "same" else (0, 0)
    left, right = _tf_same_pads(x.shape[3], pw, sw) if padding == "same" else (0, 0)
    pads = (left, right, top, bottom)
    if kind == "max":
        return F.max_pool2d(F.pad(x, pads, value=-float("inf")), (ph, pw), (sh, sw))
    # the average over the real pixels only: sum of the zero-padded window / count of real ones
    window_sum = F.avg_pool2d(F.pad(x, pads), (ph, pw), (sh, sw), divisor_override=1)
    ones = F.pad(torch.ones_like(x[:1, :1]), pads)
    return window_sum / F.avg_pool2d(ones, (ph, pw), (sh, sw), divisor_override=1)


@pytest.mark.parametrize("kind, op", [("max", max_pool2d), ("avg", avg_pool2d)])
@pytest.mark.parametrize("pool, strides, padding", POOL2D_CASES)
def test_pool2d_matches_torch(kind, op, pool, strides, padding):
    torch = pytest.importorskip("torch")
    x = _distinct(3, 8, 7, 4, seed=1).astype(np.float32)
    ours = Tensor(x, requires_grad=True)
    out = op(ours, pool, strides, padding)
    xt = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
    expected = _torch_pool2d(torch, kind, xt, pool, strides, padding)
    np.testing.assert_allclose(out.data, expected.detach().numpy().transpose(0, 2, 3, 1),
                               rtol=1e-5, atol=1e-6)
    g = np.random.default_rng(2).standard_normal(out.shape).astype(np.float32)
    out.backward(g)
    expected.backward(torch.from_numpy(g.transpose(0, 3, 1, 2)))
    np.testing.assert_allclose(ours.grad, xt.grad.numpy().transpose(0, 2, 3, 1),
                               rtol=1e-5, atol=1e-6)


def test_same_padding_with_symmetric_pads_matches_torch_builtin_padding():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = _distinct(2, 5, 5, 3, seed=4).astype(np.float32)          # pool 3, stride 1: pads 1/1
    xt = torch.tensor(x.transpose(0, 3, 1, 2))
    np.testing.assert_allclose(max_pool2d(x, 3, 1, "same").data,
                               F.max_pool2d(xt, 3, 1, padding=1).numpy().transpose(0, 2, 3, 1))
    np.testing.assert_allclose(
        avg_pool2d(x, 3, 1, "same").data,
        F.avg_pool2d(xt, 3, 1, padding=1, count_include_pad=False).numpy().transpose(0, 2, 3, 1),
        rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind, op", [("max", max_pool1d), ("avg", avg_pool1d)])
def test_pool1d_matches_torch(kind, op):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = _distinct(2, 9, 3, seed=3).astype(np.float32)
    xt = torch.tensor(x.transpose(0, 2, 1))
    expected = (F.max_pool1d(xt, 3, 2) if kind == "max" else F.avg_pool1d(xt, 3, 2)).numpy()
    np.testing.assert_allclose(op(x, 3, 2).data, expected.transpose(0, 2, 1), rtol=1e-6)


def test_max_pool_gradient_goes_to_the_first_maximum_of_each_window():
    x = Tensor(np.array([[1., 5., 5., 2.],
                         [5., 0., 3., 5.]]).reshape(1, 2, 4, 1), requires_grad=True)
    out = max_pool2d(x, 2)
    np.testing.assert_array_equal(out.data.ravel(), [5, 5])
    out.backward(np.array([10., 20.]).reshape(1, 1, 2, 1))
    np.testing.assert_array_equal(x.grad.reshape(2, 4), [[0, 10, 20, 0],
                                                         [0, 0, 0, 0]])
    # overlapping windows: a value that is the maximum of two windows gets both gradients
    y = Tensor(np.array([1., 9., 2., 3.]).reshape(1, 1, 4, 1), requires_grad=True)
    max_pool2d(y, (1, 2), 1).backward(np.array([1., 2., 4.]).reshape(1, 1, 3, 1))
    np.testing.assert_array_equal(y.grad.ravel(), [0, 3, 0, 4])


def test_average_pooling_same_does_not_count_the_padding():
    x = np.arange(1, 10, dtype=np.float32).reshape(1, 3, 3, 1)
    out = avg_pool2d(x, 2, 2, "same").data.reshape(2, 2)        # pads one row/column after
    np.testing.assert_allclose(out, [[(1 + 2 + 4 + 5) / 4, (3 + 6) / 2],
                                     [(7 + 8) / 2, 9]])


def test_pooling_keeps_float32_and_integer_images_become_floats():
    x = Tensor(_distinct(2, 4, 4, 2).astype(np.float32), requires_grad=True)
    for op in (max_pool2d, avg_pool2d):
        out = op(x, 2)
        assert out.dtype == np.float32
        out.sum().backward()
        assert x.grad.dtype == np.float32
        x.grad = None
    assert max_pool2d(np.arange(16, dtype=np.uint8).reshape(1, 4, 4, 1), 2).dtype == np.float32


def test_pool_op_errors():
    with pytest.raises(ValueError, match=r"max_pool2d: expected x of rank 4"):
        max_pool2d(np.zeros((4, 4, 1)), 2)
    with pytest.raises(ValueError, match=r"max_pool2d: the window \(5, 5\).*does not fit"):
        max_pool2d(np.zeros((1, 4, 4, 1)), 5)
    with pytest.raises(ValueError, match=r"avg_pool1d: expected x of rank 3"):
        avg_pool1d(np.zeros((4, 4, 1, 1)), 2)
    with pytest.raises(ValueError, match=r"'pool_size', received pool_size=0"):
        avg_pool2d(np.zeros((1, 4, 4, 1)), 0)
    with pytest.raises(ValueError, match=r"max_pool1d: the window \(4,\) .* spatial size \(3,\)"):
        max_pool1d(np.zeros((1, 3, 2)), 4)


# --- layers ------------------------------------------------------------------------------------

LAYER_CASES = [
    # (id, class, init kwargs, input shape, expected output shape)
    ("max2d", MaxPooling2D, {}, (4, 7, 6, 2), (4, 3, 3, 2)),
    ("max2d_same_strided", MaxPooling2D, {"pool_size": 3, "strides": 2, "padding": "same"},
     (4, 7, 6, 2), (4, 4, 3, 2)),
    ("avg2d", AveragePooling2D, {"pool_size": (2, 3)}, (4, 7, 6, 2), (4, 3, 2, 2)),
    ("avg2d_channels_first", AveragePooling2D, {"padding": "same",
                                                "data_format": "channels_first"},
     (4, 2, 7, 6), (4, 2, 4, 3)),
    ("max1d", MaxPooling1D, {}, (4, 7, 3), (4, 3, 3)),
    ("max1d_channels_first", MaxPooling1D, {"data_format": "channels_first"}, (4, 3, 7),
     (4, 3, 3)),
    ("avg1d", AveragePooling1D, {"pool_size": 3, "strides": 1, "padding": "same"}, (4, 7, 3),
     (4, 7, 3)),
    ("gap1d", GlobalAveragePooling1D, {}, (4, 7, 3), (4, 3)),
    ("gmp1d_keepdims", GlobalMaxPooling1D, {"keepdims": True}, (4, 7, 3), (4, 1, 3)),
    ("gap2d", GlobalAveragePooling2D, {}, (4, 5, 6, 3), (4, 3)),
    ("gap2d_channels_first_keepdims", GlobalAveragePooling2D,
     {"data_format": "channels_first", "keepdims": True}, (4, 3, 5, 6), (4, 3, 1, 1)),
    ("gmp2d", GlobalMaxPooling2D, {}, (4, 5, 6, 3), (4, 3)),
]


@pytest.mark.parametrize("cls, kwargs, shape, out_shape", [c[1:] for c in LAYER_CASES],
                         ids=[c[0] for c in LAYER_CASES])
def test_layer_contract(cls, kwargs, shape, out_shape):
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=out_shape,
                   expected_num_trainable_weights=0, expected_num_non_trainable_weights=0)


def test_pooling_layers_compute_their_ops():
    x = _distinct(2, 6, 5, 3).astype(np.float32)
    np.testing.assert_array_equal(MaxPooling2D()(x).data, max_pool2d(x, 2).data)
    np.testing.assert_allclose(AveragePooling2D(3, 1, "same")(x).data,
                               avg_pool2d(x, 3, 1, "same").data)
    np.testing.assert_allclose(GlobalAveragePooling2D()(x).data, x.mean(axis=(1, 2)), rtol=1e-6)
    np.testing.assert_array_equal(GlobalMaxPooling2D()(x).data, x.max(axis=(1, 2)))
    seq = x.reshape(2, 90, 1)
    np.testing.assert_array_equal(MaxPooling1D(3)(seq).data, seq.reshape(2, 30, 3, 1).max(axis=2))


def test_pooling_defaults_follow_keras():
    layer = MaxPooling2D()
    assert layer.pool_size == (2, 2) and layer.strides == (2, 2) and layer.padding == "valid"
    assert MaxPooling1D().pool_size == (2,) and AveragePooling1D(3).strides == (3,)
    assert MaxPooling2D(3, strides=1).strides == (1, 1)
    assert MaxPooling2D(padding="SAME").padding == "same"


def test_global_average_pooling_1d_averages_only_the_unmasked_steps():
    x = np.arange(12, dtype=np.float32).reshape(2, 3, 2)
    mask = np.array([[True, True, False], [True, False, False]])
    layer = GlobalAveragePooling1D()
    xt = Tensor(x, requires_grad=True)
    out = layer(xt, mask=mask)
    np.testing.assert_allclose(out.data, [[1, 2], [6, 7]])
    assert getattr(out, "_keras_mask", None) is None
    out.sum().backward()
    np.testing.assert_allclose(xt.grad[:, :, 0], [[0.5, 0.5, 0], [1, 0, 0]])


def test_pooling_layer_errors_name_the_layer():
    with pytest.raises(ValueError, match=r"MaxPooling2D layer 'mp'.*does not fit in the "
                                         r"input's spatial size \(3, 3\)"):
        MaxPooling2D(4, name="mp")(np.zeros((1, 3, 3, 1)))
    with pytest.raises(ValueError, match=r"layer 'mp2' is incompatible.*expected ndim=4"):
        MaxPooling2D(name="mp2")(np.zeros((1, 3, 3)))
    with pytest.raises(ValueError, match=r"layer 'gp' is incompatible.*expected ndim=3"):
        GlobalMaxPooling1D(name="gp")(np.zeros((1, 3, 3, 1)))
    with pytest.raises(ValueError, match=r"AveragePooling2D: expected one of \('valid', "
                                         r"'same'\) for argument 'padding'"):
        AveragePooling2D(padding="causal")
    with pytest.raises(ValueError, match=r"'pool_size', received pool_size=\(2, 2, 2\)"):
        MaxPooling2D((2, 2, 2))

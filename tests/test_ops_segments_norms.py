"""segment_min / segment_prod, cdist and the singular-value and p-norms of ops.norm: values
against Keras 3, gradients against finite differences."""
import numpy as np
import pytest

from neuronet import ops
from neuronet.testing import gradcheck

DATA = np.array([[1., 2], [3, -4], [5, 6], [0, 2], [0, 0], [2, 3], [-1, 0.5]], np.float32)
IDS = np.array([0, 0, 2, 2, 3, 3, 3])


@pytest.mark.parametrize("name", ["segment_min", "segment_prod"])
def test_segment_reductions_match_keras(real_keras, name):
    for data, num_segments in ((DATA, 5), (DATA.astype(np.int32), 4)):
        mine = getattr(ops, name)(data, IDS, num_segments=num_segments).numpy()
        theirs = np.asarray(getattr(real_keras.ops, name)(data, IDS, num_segments=num_segments))
        np.testing.assert_array_equal(mine, theirs)
        assert mine.dtype == data.dtype


def test_segment_min_and_prod_gradients(float64):
    rng = np.random.default_rng(0)
    data = rng.standard_normal((7, 3))
    data[3, 0] = 0.0                                   # one zero in a segment
    data[4, 1] = data[5, 1] = 0.0                      # two zeros in another
    ids = np.array([2, 0, 0, 2, 1, 1, 1])
    gradcheck(lambda d: ops.segment_prod(d, ids, num_segments=4), [data])
    gradcheck(lambda d: ops.segment_min(d, ids, num_segments=3), [data])


def test_cdist_matches_keras_and_its_gradient(real_keras, float64):
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 5, 4))
    np.testing.assert_allclose(ops.cdist(x.astype(np.float32), y.astype(np.float32)).numpy(),
                               np.asarray(real_keras.ops.cdist(x.astype(np.float32),
                                                               y.astype(np.float32))),
                               rtol=1e-5, atol=1e-6)
    gradcheck(ops.cdist, [x, y])
    with pytest.raises(ValueError, match="cdist: expected x .* the same d"):
        ops.cdist(np.ones((2, 3)), np.ones((2, 4)))


@pytest.mark.parametrize("ord, axis", [("nuc", (1, 2)), (2, (1, 2)), (-2, (0, 2)), (0, 1),
                                       (3, 1), (0.5, 2), (-1.5, 0)])
def test_norms_match_keras(real_keras, ord, axis):
    m = np.random.default_rng(2).standard_normal((3, 4, 5)).astype(np.float32)
    for keepdims in (False, True):
        mine = ops.norm(m, ord=ord, axis=axis, keepdims=keepdims).numpy()
        theirs = np.asarray(real_keras.ops.norm(m, ord=ord, axis=axis, keepdims=keepdims))
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)
        assert mine.shape == theirs.shape and mine.dtype == np.float32


@pytest.mark.parametrize("ord, axis", [("nuc", (1, 2)), (2, (1, 2)), (-2, (0, 1)), (3, 1),
                                       (0.5, 2)])
def test_norm_gradients(float64, ord, axis):
    m = np.random.default_rng(3).standard_normal((3, 4, 5))
    gradcheck(lambda x: ops.norm(x, ord=ord, axis=axis), [m])


def test_bad_norm_orders_are_named():
    with pytest.raises(ValueError, match="invalid ord='nuc'"):
        ops.norm(np.ones(3), ord="nuc")
    with pytest.raises(ValueError, match="ord=3"):
        ops.norm(np.ones((2, 2)), ord=3)


@pytest.mark.parametrize("name", ["segment_max", "segment_min"])
def test_segment_extrema_of_booleans_match_keras(real_keras, name):
    data = np.array([[True, False], [False, False], [True, True]])
    ids = np.array([0, 0, 2])
    mine = getattr(ops, name)(data, ids, num_segments=4).numpy()
    theirs = np.asarray(getattr(real_keras.ops, name)(data, ids, num_segments=4))
    np.testing.assert_array_equal(mine, theirs)
    assert mine.dtype == np.bool_
    assert mine[3].tolist() == ([False, False] if name == "segment_max" else [True, True])

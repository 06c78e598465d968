"""Weight constraints: Keras' formulas, their use after each optimizer step, configs."""
import numpy as np
import pytest

import neuronet as keras
from neuronet import backend, constraints


def weights():
    return np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32) * 3


def test_each_constraint_projects_as_keras_defines_it():
    w = weights()
    column_norms = np.sqrt((w ** 2).sum(axis=0))
    eps = backend.epsilon()
    clipped = np.minimum(column_norms, 2.0)
    np.testing.assert_allclose(constraints.MaxNorm(2)(w), w * clipped / (eps + column_norms),
                               rtol=1e-6)
    assert np.sqrt((constraints.MaxNorm(2)(w) ** 2).sum(axis=0)).max() <= 2 + 1e-5
    half_way = 0.5 * np.clip(column_norms, 1.0, 2.0) + 0.5 * column_norms
    np.testing.assert_allclose(constraints.MinMaxNorm(1.0, 2.0, rate=0.5)(w),
                               w * half_way / (eps + column_norms), rtol=1e-6)
    np.testing.assert_array_equal(constraints.NonNeg()(w), np.where(w < 0, 0, w))
    row_norms = np.sqrt((w ** 2).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(constraints.UnitNorm(axis=1)(w), w / (eps + row_norms), rtol=1e-6)
    assert constraints.MaxNorm(2)(w).dtype == np.float32


@pytest.mark.parametrize("make", [lambda: constraints.MaxNorm(2, axis=[0, 1, 2]),
                                  lambda: constraints.MinMaxNorm(0.5, 1.0, axis=[0, 1, 2]),
                                  lambda: constraints.UnitNorm(axis=[0, 1, 2])])
def test_norm_constraints_take_a_list_of_axes_as_keras_documents_for_conv(make):
    kernel = np.random.default_rng(1).standard_normal((3, 3, 2, 4)).astype(np.float32)
    constraint = make()
    as_tuple = type(constraint).from_config({**constraint.get_config(), "axis": (0, 1, 2)})
    np.testing.assert_array_equal(constraint(kernel), as_tuple(kernel))
    norms = np.sqrt((np.asarray(constraint(kernel)) ** 2).sum(axis=(0, 1, 2)))
    assert norms.shape == (4,) and norms.max() <= 2 + 1e-5


class Clip(keras.constraints.Constraint):
    """A user constraint as GAN tutorials write it (WGAN's weight clipping)."""

    def __init__(self, value):
        self.value = value

    def __call__(self, w):
        return keras.ops.clip(w, -self.value, self.value)

    def get_config(self):
        return {"value": self.value}


def test_constraints_hold_after_every_training_step_and_survive_the_config():
    backend.set_random_seed(0)
    dense = keras.layers.Dense(3, kernel_constraint="non_neg", bias_constraint=Clip(0.01))
    model = keras.Sequential([keras.Input((4,)), dense])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    x = np.random.default_rng(1).standard_normal((8, 4)).astype(np.float32)
    model.fit(x, -np.ones((8, 3), np.float32) * 10, epochs=2, verbose=0)
    assert dense.kernel.data.min() >= 0 and np.abs(dense.bias.data).max() <= 0.01 + 1e-7
    config = dense.get_config()
    assert config["kernel_constraint"]["class_name"] == "NonNeg"
    clone = keras.layers.Dense.from_config({**config, "bias_constraint": None})
    assert isinstance(clone.kernel_constraint, constraints.NonNeg)
    for name in ("max_norm", "MaxNorm", "min_max_norm", "unit_norm", "non_neg"):
        assert isinstance(constraints.get(name), constraints.Constraint)
    with pytest.raises(ValueError, match="unknown"):
        constraints.get("no_such_constraint")

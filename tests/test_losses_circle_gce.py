"""The Circle loss (metric learning) and the generalized cross-entropy (noisy labels):
values against Keras 3, gradients against finite differences."""
import numpy as np
import pytest

import neuronet as keras
from neuronet.testing import gradcheck


def _embeddings(n, dim, seed):
    e = np.random.default_rng(seed).standard_normal((n, dim))
    return e / np.linalg.norm(e, axis=1, keepdims=True)


LABELS = np.array([0, 1, 0, 2, 1, 0])


@pytest.mark.parametrize("kwargs", [{}, {"gamma": 10.0, "margin": 0.25},
                                    {"remove_diagonal": False}])
def test_circle_matches_keras(real_keras, kwargs):
    emb = _embeddings(6, 4, 0).astype(np.float32)
    np.testing.assert_allclose(keras.losses.circle(LABELS, emb, **kwargs).numpy(),
                               np.asarray(real_keras.losses.circle(LABELS, emb, **kwargs)),
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(float(keras.losses.Circle(**kwargs)(LABELS, emb)),
                               float(real_keras.losses.Circle(**kwargs)(LABELS, emb)), rtol=1e-5)


def test_circle_against_reference_embeddings_matches_keras(real_keras):
    emb, refs = _embeddings(6, 4, 1).astype(np.float32), _embeddings(3, 4, 2).astype(np.float32)
    ref_labels = np.array([0, 1, 3])              # sample 3 (class 2) has no positive here
    mine = keras.losses.circle(LABELS, emb, ref_labels=ref_labels, ref_embeddings=refs)
    theirs = real_keras.losses.circle(LABELS, emb, ref_labels=ref_labels, ref_embeddings=refs)
    np.testing.assert_allclose(mine.numpy(), np.asarray(theirs), rtol=1e-5, atol=1e-6)
    assert mine.numpy()[3] == 0.0


def test_circle_gradient_matches_finite_differences():
    labels = np.array([0, 1, 0, 2, 1])               # class 2 alone: no positive pair
    gradcheck(lambda e: keras.losses.circle(labels, e, gamma=3.0), [_embeddings(5, 3, 3)])


def test_circle_pulls_a_class_together_in_training():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((60, 5)).astype(np.float32)
    y = (x[:, 0] > 0).astype(int)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8),
                              keras.layers.UnitNormalization()])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss=keras.losses.Circle(gamma=16.0))
    history = model.fit(x, y, epochs=30, batch_size=60, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    emb = model.predict(x, verbose=0)
    similarity = emb @ emb.T
    same = y[:, None] == y[None, :]
    assert similarity[same].mean() > similarity[~same].mean() + 0.5


@pytest.mark.parametrize("q", [0.3, 0.7])
def test_generalized_cross_entropy_matches_keras(real_keras, q):
    rng = np.random.default_rng(5)
    p = rng.random((5, 3)).astype(np.float32)
    p /= p.sum(axis=1, keepdims=True)
    y = np.array([0, 2, 1, 1, 0])
    np.testing.assert_allclose(
        keras.losses.categorical_generalized_cross_entropy(y, p, q).numpy(),
        np.asarray(real_keras.losses.categorical_generalized_cross_entropy(y, p, q)), rtol=1e-5)
    loss = keras.losses.CategoricalGeneralizedCrossEntropy(q=q)
    np.testing.assert_allclose(
        float(loss(y, p)), float(real_keras.losses.CategoricalGeneralizedCrossEntropy(q=q)(y, p)),
        rtol=1e-5)
    # labels (batch, 1), which Keras documents but broadcasts against (batch, classes)
    assert float(loss(y[:, None], p)) == float(loss(y, p))


def test_generalized_cross_entropy_tends_to_cross_entropy_and_has_its_gradient():
    rng = np.random.default_rng(6)
    p = rng.random((4, 3)) + 0.1
    p /= p.sum(axis=1, keepdims=True)
    y = np.array([2, 0, 1, 2])
    near_zero = keras.losses.categorical_generalized_cross_entropy(y, p, 1e-6).numpy()
    np.testing.assert_allclose(near_zero, -np.log(p[np.arange(4), y]), rtol=1e-4)
    gradcheck(lambda prob: keras.losses.categorical_generalized_cross_entropy(y, prob, 0.4), [p])
    with pytest.raises(ValueError, match=r"expected q in the interval \(0, 1\), received q=1.5"):
        keras.losses.CategoricalGeneralizedCrossEntropy(q=1.5)


def test_both_losses_serialize_and_resolve_by_name():
    for loss in (keras.losses.Circle(gamma=20.0, margin=0.3, remove_diagonal=False),
                 keras.losses.CategoricalGeneralizedCrossEntropy(q=0.2)):
        again = keras.losses.deserialize(keras.losses.serialize(loss))
        assert type(again) is type(loss) and again.get_config() == loss.get_config()
    assert keras.losses.get("circle") is keras.losses.circle

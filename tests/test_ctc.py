"""CTC: the loss against an enumeration of every path, PyTorch and Keras; its gradient by
finite differences; the decoders against Keras and against the exact best labelling."""
import itertools

import numpy as np
import pytest

import neuronet as keras
from neuronet import ops
from neuronet.testing import gradcheck


def _collapse(path, blank=0):
    """The labelling a path reads: repeats merged, then blanks dropped."""
    merged = [k for i, k in enumerate(path) if i == 0 or k != path[i - 1]]
    return tuple(k for k in merged if k != blank)


def _labelling_probabilities(logits, steps, blank=0):
    """{labelling: probability} over every path of `steps` steps (tiny sizes only)."""
    p = np.exp(logits[:steps] - logits[:steps].max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    totals = {}
    for path in itertools.product(range(logits.shape[1]), repeat=steps):
        label = _collapse(path, blank)
        totals[label] = totals.get(label, 0.0) + np.prod(p[np.arange(steps), path])
    return totals


CASES = [  # (targets padded with 0, target lengths, output lengths)
    ([[1, 2, 0], [2, 2, 0], [3, 0, 0], [0, 0, 0]], [2, 2, 1, 0], [5, 5, 3, 4]),
    ([[1, 1, 1], [1, 2, 1], [3, 2, 0], [2, 0, 0]], [3, 3, 2, 1], [5, 5, 2, 1]),
]


@pytest.mark.parametrize("target, target_length, output_length", CASES)
def test_loss_is_minus_the_log_of_the_summed_path_probabilities(target, target_length,
                                                                output_length):
    logits = np.random.default_rng(0).standard_normal((4, 5, 4))
    loss = ops.ctc_loss(np.array(target), logits, target_length, output_length).numpy()
    for b in range(4):
        label = tuple(target[b][:target_length[b]])
        p = _labelling_probabilities(logits[b], output_length[b]).get(label, 0.0)
        np.testing.assert_allclose(loss[b], -np.log(p), rtol=1e-10)


def test_a_labelling_that_cannot_fit_has_infinite_loss_and_no_gradient():
    logits = keras.Variable(np.random.default_rng(1).standard_normal((2, 3, 3)))
    with keras.GradientTape() as tape:           # "1 1" needs a blank between: 3 steps
        loss = ops.ctc_loss(np.array([[1, 1], [1, 2]]), logits, [2, 2], [2, 3])
        total = ops.sum(loss[1:])
    gradient = tape.gradient(total, logits).numpy()
    assert np.isinf(loss.numpy()[0]) and np.isfinite(loss.numpy()[1])
    assert np.all(np.isfinite(gradient))


@pytest.mark.parametrize("target, target_length, output_length", CASES)
def test_gradient_matches_finite_differences(target, target_length, output_length):
    logits = np.random.default_rng(2).standard_normal((4, 5, 4))
    gradcheck(lambda x: ops.ctc_loss(np.array(target), x, target_length, output_length),
              [logits])


def test_loss_and_gradient_match_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((3, 8, 6)).astype(np.float32)
    target = np.array([[1, 5, 5, 2], [3, 3, 0, 0], [4, 1, 2, 0]])
    target_length, output_length = np.array([4, 2, 3]), np.array([8, 6, 7])
    x = keras.Variable(logits)
    with keras.GradientTape() as tape:
        loss = ops.ctc_loss(target, x, target_length, output_length)
        total = ops.sum(loss)
    grad = tape.gradient(total, x).numpy()
    xt = torch.tensor(logits, requires_grad=True)
    expected = torch.nn.functional.ctc_loss(
        torch.log_softmax(xt, -1).transpose(0, 1), torch.tensor(target),
        torch.tensor(output_length), torch.tensor(target_length), blank=0, reduction="none")
    expected.sum().backward()
    assert loss.dtype == np.float32
    np.testing.assert_allclose(loss.numpy(), expected.detach().numpy(), rtol=1e-5)
    np.testing.assert_allclose(grad, xt.grad.numpy(), rtol=1e-4, atol=1e-6)


def test_loss_function_and_class_match_keras(real_keras):
    rng = np.random.default_rng(4)
    y_true = np.array([[1, 2, 0], [3, 3, 1], [2, 0, 0]])
    y_pred = rng.standard_normal((3, 7, 4)).astype(np.float32)
    np.testing.assert_allclose(keras.losses.ctc(y_true, y_pred).numpy(),
                               np.asarray(real_keras.losses.ctc(y_true, y_pred)), rtol=1e-5)
    np.testing.assert_allclose(float(keras.losses.CTC()(y_true, y_pred)),
                               float(real_keras.losses.CTC()(y_true, y_pred)), rtol=1e-5)
    np.testing.assert_allclose(
        ops.ctc_loss(y_true, y_pred, [2, 3, 1], [7, 5, 6], mask_index=0).numpy(),
        np.asarray(real_keras.ops.ctc_loss(y_true, y_pred, np.array([2, 3, 1]),
                                           np.array([7, 5, 6]))), rtol=1e-5)
    assert isinstance(keras.losses.get("ctc").__call__, object)
    config = keras.losses.serialize(keras.losses.CTC(name="c"))
    assert keras.losses.deserialize(config).name == "c"


@pytest.mark.parametrize("strategy, top_paths", [("greedy", 1),
                                                 ("beam_search", 3)])
def test_decoders_match_keras(real_keras, strategy, top_paths):
    rng = np.random.default_rng(5)
    logits = rng.standard_normal((3, 5, 4)).astype(np.float32)
    lengths = np.array([5, 3, 1])
    decoded, scores = ops.ctc_decode(logits, lengths, strategy=strategy, top_paths=top_paths,
                                     beam_width=8)
    expected, expected_scores = real_keras.ops.ctc_decode(
        logits, lengths, strategy=strategy, top_paths=top_paths, beam_width=8)
    np.testing.assert_array_equal(decoded.numpy(), np.asarray(expected))
    np.testing.assert_allclose(scores.numpy(), np.asarray(expected_scores), rtol=1e-5)


def test_beam_search_finds_the_most_likely_labellings():
    rng = np.random.default_rng(6)
    logits = rng.standard_normal((2, 5, 3)) * 2
    decoded, scores = ops.ctc_decode(logits, [5, 4], strategy="beam_search", top_paths=3,
                                     beam_width=50)
    for b, steps in enumerate([5, 4]):
        ranked = sorted(_labelling_probabilities(logits[b], steps).items(), key=lambda kv: -kv[1])
        for rank in range(3):
            label, p = ranked[rank]
            row = decoded.numpy()[rank, b]
            assert tuple(row[row >= 0]) == label
            np.testing.assert_allclose(scores.numpy()[b, rank], np.log(p), rtol=1e-6)


def test_greedy_decoding_merges_repeats_and_drops_blanks():
    path = [1, 1, 0, 1, 2, 2, 0, 0]                     # -> 1 1 2 (merged), 1 1 0 1 2 2 (not)
    logits = np.eye(3)[path][None] * 5.0
    decoded, score = ops.ctc_decode(logits, [8])
    np.testing.assert_array_equal(decoded.numpy()[0, 0], [1, 1, 2, -1, -1, -1, -1, -1])
    assert score.numpy()[0, 0] == pytest.approx(-40.0)
    unmerged, _ = ops.ctc_decode(logits, [8], merge_repeated=False)
    np.testing.assert_array_equal(unmerged.numpy()[0, 0], [1, 1, 1, 2, 2, -1, -1, -1])


def test_a_model_trained_with_ctc_reads_its_sequences():
    rng = np.random.default_rng(7)
    labels = np.empty((64, 3), int)                # labels 1..3, no two neighbours equal
    labels[:, 0] = rng.integers(1, 4, 64)
    for i in (1, 2):
        labels[:, i] = (labels[:, i - 1] - 1 + rng.integers(1, 3, 64)) % 3 + 1
    steps = np.zeros((64, 6, 4), np.float32)       # each label shown twice, in order
    steps[np.arange(64)[:, None], np.arange(6)[None, :], np.repeat(labels, 2, axis=1)] = 1.0
    model = keras.Sequential([keras.Input((6, 4)), keras.layers.Dense(16, activation="tanh"),
                              keras.layers.Dense(4)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="ctc")
    history = model.fit(steps, labels, epochs=40, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.2 * history.history["loss"][0]
    decoded, _ = ops.ctc_decode(model.predict(steps, verbose=0), np.full(64, 6))
    assert np.mean(np.all(decoded.numpy()[0, :, :3] == labels, axis=1)) > 0.9


def test_bad_arguments_are_named():
    logits = np.zeros((2, 4, 3))
    with pytest.raises(ValueError, match="differ from the blank mask_index=0"):
        ops.ctc_loss(np.array([[1, 0], [1, 2]]), logits, [2, 2], [4, 4])
    with pytest.raises(ValueError, match="'output_length' of shape \\(2,\\) with values in"):
        ops.ctc_loss(np.array([[1, 2], [1, 2]]), logits, [2, 2], [4, 5])
    with pytest.raises(ValueError, match="ctc_loss: expected float logits 'output'"):
        ops.ctc_loss(np.array([[1, 2], [1, 2]]), np.zeros((2, 4)), [2, 2], [4, 4])
    with pytest.raises(ValueError, match="invalid strategy 'best'"):
        ops.ctc_decode(logits, [4, 4], strategy="best")
    with pytest.raises(ValueError, match="top_paths=3 cannot exceed beam_width=2"):
        ops.ctc_decode(logits, [4, 4], strategy="beam_search", beam_width=2, top_paths=3)
    with pytest.raises(ValueError, match="ctc: expected y_true of shape"):
        keras.losses.ctc(np.zeros(3), logits)

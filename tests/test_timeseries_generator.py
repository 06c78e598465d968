"""TimeseriesGenerator: the classic keras.preprocessing.sequence semantics (its documented
example worked by hand), fit on it, the errors, and keras_preprocessing 1.1.2 as the
oracle."""
import numpy as np
import pytest

import neuronet as keras
from neuronet.preprocessing.sequence import TimeseriesGenerator

SERIES = np.array([[i] for i in range(50)])


def test_the_documented_example():
    gen = TimeseriesGenerator(SERIES, SERIES, length=10, sampling_rate=2, batch_size=2)
    assert len(gen) == 20
    x, y = gen[0]
    np.testing.assert_array_equal(x, [[[0], [2], [4], [6], [8]], [[1], [3], [5], [7], [9]]])
    np.testing.assert_array_equal(y, [[10], [11]])
    assert keras.preprocessing.sequence.TimeseriesGenerator is TimeseriesGenerator


def test_stride_indices_reverse_and_a_short_last_batch():
    data = np.arange(20.0)
    gen = TimeseriesGenerator(data, data * 10, length=3, stride=2, start_index=1,
                              end_index=12, batch_size=3)
    # rows 4, 6, 8, 10, 12: windows data[row - 3:row], targets 10 * row
    assert len(gen) == 2
    x, y = gen[1]
    np.testing.assert_array_equal(x, [[7.0, 8.0, 9.0], [9.0, 10.0, 11.0]])
    np.testing.assert_array_equal(y, [100.0, 120.0])
    backwards = TimeseriesGenerator(data, data, length=3, reverse=True, batch_size=4)
    np.testing.assert_array_equal(backwards[0][0][1], [3.0, 2.0, 1.0])
    assert [len(t) for _, t in TimeseriesGenerator(data, data, length=5, batch_size=4)] == \
        [4, 4, 4, 3]


def test_shuffle_draws_rows_from_numpys_global_generator():
    data = np.arange(30.0)
    gen = TimeseriesGenerator(data, data, length=4, shuffle=True, batch_size=8)
    np.random.seed(3)
    x, y = gen[0]
    np.random.seed(3)
    rows = np.random.randint(4, 30, size=8)
    np.testing.assert_array_equal(y, rows)
    np.testing.assert_array_equal(x[:, -1], rows - 1)          # each window ends before its row


def test_fit_evaluate_and_predict_take_it():
    keras.utils.set_random_seed(0)
    t = np.linspace(0, 20, 400).astype("float32")
    series = np.stack([np.sin(t), np.cos(t)], axis=1)
    gen = TimeseriesGenerator(series, series[:, 0], length=8, batch_size=32)
    model = keras.Sequential([keras.Input((8, 2)), keras.layers.LSTM(8), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(gen, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.predict(gen, verbose=0).shape == (392, 1)
    assert np.isfinite(model.evaluate(gen, verbose=0))


def test_errors_name_the_argument_and_the_values():
    data = np.arange(10)
    with pytest.raises(ValueError, match="same length, received 10 and 9"):
        TimeseriesGenerator(data, data[:9], length=2)
    with pytest.raises(ValueError, match=r"start_index \+ length = 12 is past end_index = 9"):
        TimeseriesGenerator(data, data, length=12)
    with pytest.raises(ValueError, match="'batch_size', received batch_size=0"):
        TimeseriesGenerator(data, data, length=2, batch_size=0)
    with pytest.raises(IndexError, match="batch index 3 is out of range for 1 batches"):
        TimeseriesGenerator(data, data, length=2)[3]


# ---------------------------------------------------------------- keras_preprocessing oracle

CASES = [  # generator arguments beside data and targets
    {"length": 10, "sampling_rate": 2, "batch_size": 2},
    {"length": 5, "stride": 3, "batch_size": 4},
    {"length": 7, "start_index": 4, "end_index": 40, "batch_size": 5, "reverse": True},
    {"length": 3, "sampling_rate": 3, "stride": 2, "batch_size": 6, "shuffle": True},
    {"length": 1, "batch_size": 128},
]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_matches_keras_preprocessing(case):
    kp = pytest.importorskip("keras_preprocessing.sequence")
    data = np.random.default_rng(case).normal(size=(50, 3))
    targets = np.arange(50) % 7
    expected = kp.TimeseriesGenerator(data, targets, **CASES[case])
    gen = TimeseriesGenerator(data, targets, **CASES[case])
    assert len(gen) == len(expected)
    for index in range(len(gen)):
        np.random.seed(index)
        want = expected[index]
        np.random.seed(index)
        got = gen[index]
        for ours, theirs in zip(got, want):
            assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
            np.testing.assert_array_equal(ours, theirs)

"""Tests of keras.utils.timeseries_dataset_from_array, keras.utils.split_dataset and
keras.optimizers.schedules.CosineDecayRestarts (with Keras itself as the oracle where it runs)."""
import math
import tracemalloc

import numpy as np
import pytest

import neuronet as keras
from neuronet import backend, optimizers
from neuronet.autograd import Tensor
from neuronet.optimizers import schedules
from neuronet.preprocessing.array_dataset import ArrayDataset
from neuronet.preprocessing.dataset import Dataset
from neuronet.utils import split_dataset, timeseries_dataset_from_array


@pytest.fixture
def tf_keras():
    """Keras 3 with TensorFlow, whose tf.data datasets these functions return; skips without it."""
    pytest.importorskip("tensorflow")
    return pytest.importorskip("keras")


def windows_of(dataset):
    """(all windows, all targets or None) of one pass, batches joined."""
    batches = list(dataset)
    if isinstance(batches[0], tuple):
        return (np.concatenate([b[0] for b in batches]), np.concatenate([b[1] for b in batches]))
    return np.concatenate(batches), None


# --- timeseries_dataset_from_array: the documented examples ---------------------------------------

def test_documented_example_1_windows_with_stride_and_sampling_rate():
    ds = timeseries_dataset_from_array(np.arange(99), None, sequence_length=10, sampling_rate=2,
                                       sequence_stride=3, batch_size=8)
    windows, targets = windows_of(ds)
    assert targets is None
    assert windows[0].tolist() == [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]
    assert windows[1].tolist() == [3, 5, 7, 9, 11, 13, 15, 17, 19, 21]
    assert windows[2].tolist() == [6, 8, 10, 12, 14, 16, 18, 20, 22, 24]
    assert windows[-1].tolist() == [78, 80, 82, 84, 86, 88, 90, 92, 94, 96]
    assert windows.shape == (27, 10) and len(ds) == 4 == ds.cardinality()
    assert [len(b) for b in ds] == [8, 8, 8, 3]


def test_sampling_rate_windows_without_targets_yield_inputs_only():
    ds = timeseries_dataset_from_array(np.arange(100), None, sequence_length=10, sampling_rate=2)
    batches = list(ds)
    assert len(batches) == 1 and isinstance(batches[0], np.ndarray)       # batch_size 128
    expected = np.array([[i + 2 * j for j in range(10)] for i in range(82)])
    np.testing.assert_array_equal(batches[0], expected)
    assert batches[0].dtype == np.arange(100).dtype


def test_documented_example_2_temporal_regression():
    data = np.random.default_rng(0).normal(size=60).astype("float32")
    ds = timeseries_dataset_from_array(data[:-10], data[10:], sequence_length=10, batch_size=16)
    inputs, targets = windows_of(ds)
    np.testing.assert_array_equal(inputs[0], data[:10])
    assert targets[0] == data[10]
    assert inputs.shape == (41, 10) and inputs.dtype == np.float32 and targets.dtype == np.float32
    for k in range(41):
        np.testing.assert_array_equal(inputs[k], data[k:k + 10])
        assert targets[k] == data[k + 10]


def test_documented_example_3_many_to_many():
    x = np.arange(100)
    y = x * 2
    inputs = timeseries_dataset_from_array(x, None, sequence_length=20, sequence_stride=20)
    targets = timeseries_dataset_from_array(y, None, sequence_length=20, sequence_stride=20)
    for batch_x, batch_y in zip(inputs, targets):
        np.testing.assert_array_equal(batch_x[0], x[:20])
        np.testing.assert_array_equal(batch_y[1], y[20:40])
        assert batch_x.shape == batch_y.shape == (5, 20)


# --- timeseries_dataset_from_array: indices, shapes, shuffling -----------------------------

def test_start_and_end_index_bound_the_windows_and_targets_follow_the_start():
    data = np.arange(100, dtype="float32")
    ds = timeseries_dataset_from_array(data, np.arange(100) * 10, sequence_length=5,
                                       sequence_stride=3, start_index=7, end_index=40,
                                       batch_size=4)
    windows, targets = windows_of(ds)
    starts = np.arange(7, 40 - 4, 3)                   # the last window ends before index 40
    np.testing.assert_array_equal(windows, starts[:, None] + np.arange(5))
    np.testing.assert_array_equal(targets, starts * 10)
    assert windows.dtype == np.float32 and targets.dtype == np.arange(1).dtype
    assert len(ds) == 3


def test_targets_shorter_than_data_limit_the_windows():
    ds = timeseries_dataset_from_array(np.arange(50), np.arange(20) + 100, sequence_length=5,
                                       batch_size=7)
    windows, targets = windows_of(ds)
    assert len(windows) == 20
    np.testing.assert_array_equal(targets, windows[:, 0] + 100)


def test_multichannel_data_and_single_samples():
    data = np.random.default_rng(1).normal(size=(30, 3)).astype("float32")
    labels = np.arange(30, dtype="int32")
    ds = timeseries_dataset_from_array(data, labels, sequence_length=4, sampling_rate=3,
                                       batch_size=None)
    elements = list(ds)
    assert len(elements) == len(ds) == 30 - 9
    window, target = elements[5]
    assert window.shape == (4, 3) and window.dtype == np.float32
    np.testing.assert_array_equal(window, data[[5, 8, 11, 14]])
    assert target.shape == () and target == 5 and target.dtype == np.int32
    batched = timeseries_dataset_from_array(data, labels, sequence_length=4, sampling_rate=3,
                                            batch_size=8)
    assert batched[0][0].shape == (8, 4, 3)


def test_windows_too_long_give_an_empty_dataset():
    ds = timeseries_dataset_from_array(np.arange(10), None, sequence_length=6, sampling_rate=2)
    assert ds.cardinality() == 0 and list(ds) == []


def test_shuffle_visits_every_window_in_a_new_order_each_pass_with_aligned_targets():
    data = np.arange(200)
    ds = timeseries_dataset_from_array(data, data * 10, sequence_length=3, batch_size=16,
                                       shuffle=True, seed=5)
    passes = [windows_of(ds) for _ in range(3)]
    for windows, targets in passes:
        np.testing.assert_array_equal(targets, windows[:, 0] * 10)         # still aligned
        np.testing.assert_array_equal(windows[:, 1:] - windows[:, :1], np.tile([1, 2], (198, 1)))
        assert sorted(windows[:, 0]) == list(range(198))
    firsts = [tuple(windows[:, 0]) for windows, _ in passes]
    assert len(set(firsts)) == 3 and firsts[0] != tuple(range(198))
    again = timeseries_dataset_from_array(data, data * 10, sequence_length=3, batch_size=16,
                                          shuffle=True, seed=5)
    assert [tuple(windows_of(again)[0][:, 0]) for _ in range(3)] == firsts
    other = timeseries_dataset_from_array(data, None, sequence_length=3, batch_size=16,
                                          shuffle=True, seed=6)
    assert tuple(windows_of(other)[0][:, 0]) != firsts[0]


def test_shuffle_without_seed_follows_the_framework_seed():
    def first_pass():
        ds = timeseries_dataset_from_array(np.arange(50), None, sequence_length=2, shuffle=True)
        return next(iter(ds))[:, 0].tolist()
    backend.set_random_seed(3)
    a = first_pass()
    backend.set_random_seed(3)
    assert first_pass() == a and sorted(a) == list(range(49))


def test_a_batch_is_one_gather_and_windows_are_not_materialised():
    data = np.zeros((200_000, 4), dtype="float32")       # all 128-step windows: 400 MB
    tracemalloc.start()
    ds = timeseries_dataset_from_array(data, None, sequence_length=128, batch_size=64,
                                       shuffle=True, seed=0)
    batch = ds[3]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert batch.shape == (64, 128, 4)
    assert peak < 8 * 2**20                             # positions and one batch only


def test_timeseries_dataset_is_a_chaining_sequence_dataset():
    ds = timeseries_dataset_from_array(np.arange(40), np.arange(40), sequence_length=4,
                                       batch_size=10)
    assert isinstance(ds, Dataset) and len(ds) == 4 and ds.batch_size == 10
    x, y = ds[-1]
    assert x.shape == (7, 4) and y.tolist() == list(range(30, 37))
    with pytest.raises(IndexError, match="out of range"):
        ds[4]
    doubled = ds.map(lambda x, y: (x * 2, y)).take(2)
    assert doubled.cardinality() == 2
    assert [b[0][0, 0] for b in doubled] == [0, 20]
    assert len(list(ds.unbatch())) == 37
    assert "TimeseriesDataset" in repr(ds)


def test_fit_evaluate_predict_read_a_timeseries_dataset():
    series = np.sin(np.arange(300) * 0.1).astype("float32")
    ds = timeseries_dataset_from_array(series[:-8], series[8:], sequence_length=8,
                                       batch_size=32, shuffle=True, seed=0)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])
    model.compile(optimizer=optimizers.SGD(0.05), loss="mse")
    history = model.fit(ds, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert np.isfinite(model.evaluate(ds, verbose=0))
    inputs = timeseries_dataset_from_array(series[:-8], None, sequence_length=8, batch_size=32)
    predictions = model.predict(inputs, verbose=0)
    assert predictions.shape == (285, 1)


@pytest.mark.parametrize("kwargs, match", [
    (dict(start_index=-1), "start_index"),
    (dict(start_index=50), "start_index.*lower than the length"),
    (dict(end_index=50), "end_index.*lower than the length"),
    (dict(end_index=0), "end_index"),
    (dict(end_index=-3), "end_index"),
    (dict(start_index=20, end_index=20), "end_index must be higher than start_index"),
    (dict(sampling_rate=0), "sampling_rate"),
    (dict(sampling_rate=50), "sampling_rate.*lower than the length"),
    (dict(sequence_stride=0), "sequence_stride"),
    (dict(sequence_stride=50), "sequence_stride.*lower than the length"),
    (dict(sequence_length=0), "sequence_length"),
    (dict(batch_size=0), "batch_size"),
    (dict(sequence_length=2.5), "sequence_length"),
    (dict(shuffle=True, seed=-1), "seed"),
])
def test_timeseries_argument_errors(kwargs, match):
    args = dict(sequence_length=3, **kwargs) if "sequence_length" not in kwargs else kwargs
    with pytest.raises(ValueError, match=f"timeseries_dataset_from_array: .*{match}"):
        timeseries_dataset_from_array(np.arange(50), None, **args)


def test_timeseries_targets_too_short_for_the_start_index():
    with pytest.raises(ValueError, match="targets has 10 entries"):
        timeseries_dataset_from_array(np.arange(50), np.arange(10), sequence_length=3,
                                      start_index=5)
    with pytest.raises(ValueError, match="time axis"):
        timeseries_dataset_from_array(np.float32(3.0), None, sequence_length=1)


TIMESERIES_CASES = [
    dict(data=(100,), targets=True, sequence_length=10, sampling_rate=2, sequence_stride=3,
         batch_size=7),
    dict(data=(64, 3), targets=True, sequence_length=5, batch_size=None),
    dict(data=(80, 2), targets=False, sequence_length=6, sampling_rate=3, batch_size=16,
         start_index=4, end_index=70),
    dict(data=(50,), targets=True, sequence_length=4, sequence_stride=2, batch_size=5,
         start_index=9),
    dict(data=(60,), targets=(30,), sequence_length=4, batch_size=8),
    dict(data=(30,), targets=True, sequence_length=40, batch_size=8),
]


@pytest.mark.parametrize("case", range(len(TIMESERIES_CASES)))
def test_timeseries_batches_equal_keras(tf_keras, case):
    kwargs = dict(TIMESERIES_CASES[case])
    rng = np.random.default_rng(case)
    data = rng.normal(size=kwargs.pop("data")).astype("float32")
    wanted = kwargs.pop("targets")
    targets = None if wanted is False else rng.integers(0, 9, size=(
        len(data) if wanted is True else wanted[0]))
    ours = list(timeseries_dataset_from_array(data, targets, **kwargs))
    theirs = list(tf_keras.utils.timeseries_dataset_from_array(data, targets, **kwargs)
                  .as_numpy_iterator())
    assert len(ours) == len(theirs)
    for mine, expected in zip(ours, theirs):
        mine, expected = (mine, expected) if isinstance(mine, tuple) else ((mine,), (expected,))
        assert len(mine) == len(expected)
        for a, b in zip(mine, expected):
            assert a.shape == b.shape and a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)


def test_timeseries_shuffled_windows_equal_keras_as_a_set(tf_keras):
    data = np.arange(120)
    kwargs = dict(sequence_length=5, sampling_rate=2, batch_size=16, shuffle=True, seed=3)
    ours = windows_of(timeseries_dataset_from_array(data, data + 1000, **kwargs))
    theirs = list(tf_keras.utils.timeseries_dataset_from_array(data, data + 1000, **kwargs)
                  .as_numpy_iterator())
    theirs = (np.concatenate([b[0] for b in theirs]), np.concatenate([b[1] for b in theirs]))

    def pairs(windows, targets):
        return sorted((tuple(w), t) for w, t in zip(windows.tolist(), targets.tolist()))
    assert pairs(*ours) == pairs(*theirs)


@pytest.mark.parametrize("kwargs", [dict(start_index=-1), dict(start_index=50),
                                    dict(end_index=50), dict(start_index=9, end_index=9),
                                    dict(sampling_rate=0), dict(sampling_rate=50),
                                    dict(sequence_stride=0), dict(sequence_stride=60)])
def test_timeseries_errors_where_keras_raises(tf_keras, kwargs):
    with pytest.raises(ValueError):
        tf_keras.utils.timeseries_dataset_from_array(np.arange(50), None, 3, **kwargs)
    with pytest.raises(ValueError):
        timeseries_dataset_from_array(np.arange(50), None, 3, **kwargs)


# --- split_dataset ---------------------------------------------------------------------------

def test_split_array_into_unbatched_rows():
    data = np.random.default_rng(0).random(size=(1000, 4)).astype("float32")
    left, right = split_dataset(data, left_size=0.8)
    assert isinstance(left, Dataset) and isinstance(right, Dataset)
    assert left.cardinality() == 800 and right.cardinality() == 200
    rows = list(right)
    assert rows[0].shape == (4,) and rows[0].dtype == np.float32
    np.testing.assert_array_equal(np.stack(rows), data[800:])
    np.testing.assert_array_equal(np.stack(list(left)), data[:800])


def test_split_tuple_list_and_dict_samples():
    x, y = np.arange(20).reshape(10, 2), np.arange(10) * 3
    left, right = split_dataset((x, y), right_size=3)
    assert len(left) == 7 and len(right) == 3
    first = list(right)[0]
    assert isinstance(first, tuple) and first[0].tolist() == [14, 15] and first[1] == 21
    left, right = split_dataset([x, y], left_size=2)
    assert isinstance(list(left)[1], tuple) and list(left)[1][1] == 3
    left, right = split_dataset({"a": x, "b": y}, left_size=0.5)
    sample = list(right)[0]
    assert set(sample) == {"a", "b"} and sample["a"].tolist() == [10, 11] and sample["b"] == 15


@pytest.mark.parametrize("left_size, right_size, expected", [
    (0.25, None, (2, 8)),           # round(2.5) = 2: Python rounds halves to even, as Keras
    (0.35, None, (4, 6)),           # round(3.5) = 4
    (None, 0.15, (8, 2)),
    (3, 2, (3, 2)),                 # the 5 samples between are dropped
    (0.3, 0.5, (3, 5)),
    (4, 0.5, (4, 5)),
])
def test_split_sizes(left_size, right_size, expected):
    left, right = split_dataset(np.arange(10), left_size=left_size, right_size=right_size)
    assert (len(left), len(right)) == expected
    assert list(left) == list(range(expected[0]))
    assert list(right) == list(range(10 - expected[1], 10))


def test_split_shuffle_is_seeded_like_keras():
    x = np.arange(10)
    left, right = split_dataset((x, x * 2), left_size=3, right_size=2, shuffle=True, seed=3)
    # what Keras 3.15 (TensorFlow) returns for these arguments
    assert [(int(a), int(b)) for a, b in left] == [(1, 2), (5, 10), (6, 12)]
    assert [(int(a), int(b)) for a, b in right] == [(8, 16), (3, 6)]
    left, right = split_dataset(np.arange(100), left_size=0.6, shuffle=True, seed=7)
    values = list(left) + list(right)
    assert sorted(values) == list(range(100)) and values != list(range(100))
    again = split_dataset(np.arange(100), left_size=0.6, shuffle=True, seed=7)[0]
    assert list(again) == list(left)
    backend.set_random_seed(11)
    unseeded = list(split_dataset(np.arange(100), left_size=0.6, shuffle=True)[0])
    backend.set_random_seed(11)
    assert list(split_dataset(np.arange(100), left_size=0.6, shuffle=True)[0]) == unseeded


def test_split_a_batched_dataset_cuts_and_rebatches_its_samples():
    data = np.arange(40)
    ds = timeseries_dataset_from_array(data, data * 10, sequence_length=4, batch_size=6)
    left, right = split_dataset(ds, left_size=0.75)               # 37 windows: 28 + 9
    assert left.batch_size == right.batch_size == 6
    assert [len(b[0]) for b in left] == [6, 6, 6, 6, 4] and [len(b[0]) for b in right] == [6, 3]
    windows, targets = windows_of(right)
    np.testing.assert_array_equal(windows[:, 0], np.arange(28, 37))
    np.testing.assert_array_equal(targets, np.arange(28, 37) * 10)


def test_split_an_unbatched_dataset_stacks_its_elements():
    ds = ArrayDataset((np.arange(12).reshape(6, 2), np.arange(6))).map(lambda x, y: (x, y + 1))
    left, right = split_dataset(ds, left_size=4)
    assert [int(y) for _, y in left] == [1, 2, 3, 4]
    assert [x.tolist() for x, _ in right] == [[8, 9], [10, 11]]
    batches = timeseries_dataset_from_array(np.arange(10), None, 2, batch_size=4).map(lambda x: x)
    with pytest.raises(ValueError, match="split_dataset: all the dataset's samples must have "
                                         "the same structure and shapes"):
        split_dataset(batches, left_size=1)                      # batches of 4, 4 and 1


def test_array_dataset_batch_takes_one_index_per_batch():
    x, y = np.arange(14).reshape(7, 2), np.arange(7)
    ds = ArrayDataset((x, y))
    assert ds.cardinality() == 7 and ds.batch_size is None
    batched = ds.batch(3)
    assert isinstance(batched, ArrayDataset) and batched.cardinality() == 3
    generic = [(np.stack([a for a, _ in chunk]), np.stack([b for _, b in chunk]))
               for chunk in (list(ds)[0:3], list(ds)[3:6], list(ds)[6:])]
    for mine, expected in zip(batched, generic):
        np.testing.assert_array_equal(mine[0], expected[0])
        np.testing.assert_array_equal(mine[1], expected[1])
    dropped = ds.batch(3, drop_remainder=True)
    assert dropped.cardinality() == 2 and [len(b[1]) for b in dropped] == [3, 3]
    assert batched.batch(2).cardinality() == 2                  # batches of batches
    with pytest.raises(ValueError, match="batch_size must be an int >= 1"):
        ds.batch(0)
    with pytest.raises(ValueError, match="same first dimension"):
        ArrayDataset((np.arange(3), np.arange(4)))


def test_fit_on_split_parts():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5], dtype="float32"))[:, None]
    train, test = split_dataset((x, y), left_size=0.75, shuffle=True, seed=0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=optimizers.SGD(0.1), loss="mse")
    history = model.fit(train.batch(16), validation_data=test.batch(16), epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert "val_loss" in history.history
    assert model.predict(test.batch(16), verbose=0).shape == (16, 1)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(), ValueError, "at least one of left_size and right_size"),
    (dict(left_size="half"), TypeError, "left_size must be an int, a float or None"),
    (dict(right_size=True), TypeError, "right_size must be an int, a float or None"),
    (dict(left_size=0), ValueError, r"left_size must be an int in \[1, 9\]"),
    (dict(left_size=10), ValueError, "left_size must be an int"),
    (dict(right_size=1.0), ValueError, "right_size must be an int.*float in \\(0, 1\\)"),
    (dict(left_size=-0.2), ValueError, "left_size"),
    (dict(left_size=0.6, right_size=0.6), ValueError, "at most 1"),
    (dict(left_size=7, right_size=5), ValueError, "add up to 12 samples"),
    (dict(left_size=0.01), ValueError, "the left part would be empty"),
    (dict(right_size=0.04), ValueError, "the right part would be empty"),
])
def test_split_size_errors(kwargs, error, match):
    with pytest.raises(error, match=f"split_dataset: .*{match}"):
        split_dataset(np.arange(10), **kwargs)


def test_split_dataset_errors():
    with pytest.raises(ValueError, match="empty dataset"):
        split_dataset(np.zeros((0, 3)), left_size=0.5)
    with pytest.raises(ValueError, match="empty list"):
        split_dataset([], left_size=0.5)
    with pytest.raises(ValueError, match="must hold NumPy arrays.*np.asarray"):
        split_dataset([1, 2, 3, 4], left_size=2)
    with pytest.raises(ValueError, match="same first dimension.*lengths"):
        split_dataset((np.arange(4), np.arange(5)), left_size=2)
    with pytest.raises(TypeError, match="dataset must be a NumPy array.*received a str"):
        split_dataset("data", left_size=2)
    with pytest.raises(ValueError, match="infinite dataset"):
        split_dataset(ArrayDataset(np.arange(4)).repeat(), left_size=2)


SPLIT_CASES = [
    dict(left_size=0.8),
    dict(right_size=0.35),
    dict(left_size=3, right_size=4),
    dict(left_size=0.5, shuffle=True, seed=0),
    dict(left_size=6, right_size=0.2, shuffle=True, seed=42),
]


@pytest.mark.parametrize("case", range(len(SPLIT_CASES)))
@pytest.mark.parametrize("kind", ["array", "tuple", "list"])
def test_split_equals_keras(tf_keras, case, kind):
    x = np.arange(30).reshape(15, 2).astype("float32")
    y = np.arange(15) * 7
    dataset = {"array": x, "tuple": (x, y), "list": [x, y]}[kind]
    kwargs = SPLIT_CASES[case]
    for ours, theirs in zip(split_dataset(dataset, **kwargs),
                            tf_keras.utils.split_dataset(dataset, **kwargs)):
        theirs = list(theirs.as_numpy_iterator())
        ours = list(ours)
        assert len(ours) == len(theirs)
        for mine, expected in zip(ours, theirs):
            mine, expected = (mine, expected) if kind != "array" else ((mine,), (expected,))
            assert isinstance(mine, tuple) and len(mine) == len(expected)
            for a, b in zip(mine, expected):
                assert a.dtype == b.dtype
                np.testing.assert_array_equal(a, b)


def test_split_of_a_batched_timeseries_dataset_equals_keras(tf_keras):
    data = np.arange(60, dtype="float32")
    kwargs = dict(sequence_length=5, batch_size=8)
    ours = split_dataset(timeseries_dataset_from_array(data, data * 2, **kwargs), left_size=0.7)
    theirs = tf_keras.utils.split_dataset(
        tf_keras.utils.timeseries_dataset_from_array(data, data * 2, **kwargs), left_size=0.7)
    for mine, expected in zip(ours, theirs):
        expected = list(expected.as_numpy_iterator())
        assert [len(b[0]) for b in mine] == [len(b[0]) for b in expected]
        for (x, y), (ex, ey) in zip(mine, expected):
            np.testing.assert_array_equal(x, ex)
            np.testing.assert_array_equal(y, ey)


# --- CosineDecayRestarts ------------------------------------------------------------------------

RESTART_CASES = [
    (0.1, 10, 2.0, 1.0, 0.0),
    (0.1, 10, 1.0, 0.5, 0.1),
    (0.05, 3, 3.0, 0.7, 0.05),
    (1.0, 7, 1.5, 0.9, 0.0),
    (0.1, 1, 3.0, 1.0, 0.05),       # restarts at steps 1, 4, 13, 40, 121
    (0.2, 5, 0.5, 1.0, 0.0),        # shrinking periods, 10 steps in all
]


@pytest.mark.parametrize("args", RESTART_CASES)
def test_cosine_decay_restarts_equals_keras(real_keras, args):
    steps = np.arange(160) if args[2] >= 1 else np.arange(10)
    theirs = real_keras.optimizers.schedules.CosineDecayRestarts(*args)
    expected = np.asarray(theirs(steps), dtype=np.float64)
    schedule = schedules.CosineDecayRestarts(*args)
    np.testing.assert_allclose([schedule(int(s)) for s in steps], expected, rtol=1e-5, atol=1e-7)
    values = schedule(steps)
    assert values.dtype == np.float32 and values.shape == steps.shape
    np.testing.assert_allclose(values, expected, rtol=1e-5, atol=1e-7)
    assert schedule.get_config() == theirs.get_config()


def test_cosine_decay_restarts_follows_sgdr():
    schedule = schedules.CosineDecayRestarts(0.1, 10, t_mul=2.0, m_mul=0.5, alpha=0.2)
    # periods of 10, 20, 40 steps: restarts at 10, 30 and 70, with peaks 0.1, 0.05, 0.025
    for restart, peak in [(0, 1.0), (10, 0.5), (30, 0.25), (70, 0.125)]:
        assert schedule(restart) == pytest.approx(0.1 * (0.8 * peak + 0.2), rel=1e-12)
    assert schedule(5) == pytest.approx(0.1 * (0.8 * 0.5 + 0.2), rel=1e-12)          # halfway
    assert schedule(20) == pytest.approx(0.1 * (0.8 * 0.5 * 0.5 + 0.2), rel=1e-12)
    assert schedule(29.999999) == pytest.approx(0.1 * 0.2, rel=1e-6)                # the floor
    assert isinstance(schedule(3), float) and schedule(Tensor(np.array(7))) == schedule(7)
    # t_mul=1.1: periods of 10 and 11 steps, so step 21 starts period 2 (in float32 Keras
    # puts it at the end of period 1, since float32(1.1) > 1.1)
    decimal = schedules.CosineDecayRestarts(0.1, 10, t_mul=1.1, m_mul=0.5)
    assert decimal(21) == pytest.approx(0.1 * 0.25, rel=1e-12)
    assert decimal(20) == pytest.approx(0.1 * 0.5 * 0.5 * (1 + math.cos(math.pi * 10 / 11)))
    with np.errstate(invalid="ignore", divide="ignore"):
        assert np.isnan(schedules.CosineDecayRestarts(0.1, 5, t_mul=0.5)(25))


def test_cosine_decay_restarts_config_serialization_and_errors():
    schedule = schedules.CosineDecayRestarts(0.1, 10)
    assert schedule.get_config() == {"initial_learning_rate": 0.1, "first_decay_steps": 10,
                                     "t_mul": 2.0, "m_mul": 1.0, "alpha": 0.0,
                                     "name": "SGDRDecay"}
    custom = schedules.CosineDecayRestarts(0.3, 4, t_mul=1.5, m_mul=0.8, alpha=0.1, name="r")
    restored = schedules.deserialize(schedules.serialize(custom))
    assert type(restored) is schedules.CosineDecayRestarts
    assert restored.get_config() == custom.get_config()
    assert [restored(s) for s in range(30)] == [custom(s) for s in range(30)]
    optimizer = optimizers.deserialize(optimizers.serialize(optimizers.Adam(custom)))
    assert isinstance(optimizer.learning_rate, float)
    assert optimizer.get_config()["learning_rate"] == schedules.serialize(custom)
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(custom))
    assert restored.get_config() == custom.get_config()
    with pytest.raises(ValueError, match="first_decay_steps=0"):
        schedules.CosineDecayRestarts(0.1, 0)
    with pytest.raises(ValueError, match="t_mul=0"):
        schedules.CosineDecayRestarts(0.1, 10, t_mul=0)


def test_cosine_decay_restarts_drives_fit():
    schedule = schedules.CosineDecayRestarts(0.05, 3, t_mul=1.0, alpha=0.1)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=optimizers.SGD(schedule), loss="mse")
    x = np.random.default_rng(0).normal(size=(20, 2)).astype("float32")
    model.fit(x, x[:, :1], batch_size=5, epochs=2, verbose=0)
    assert int(model.optimizer.iterations) == 8
    assert model.optimizer.learning_rate == pytest.approx(0.05 * (0.9 * 0.5 * (
        1 + math.cos(math.pi * 2 / 3)) + 0.1), rel=1e-6)                 # step 8: 2/3 of period 2

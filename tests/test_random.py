"""keras.random: distributions, dtypes, the seed rules (None, int, SeedGenerator), dropout,
shuffle and categorical sampling."""
import numpy as np
import pytest

import neuronet as keras
from neuronet import backend
from neuronet.autograd import Tensor

random = keras.random

FLOAT_DRAWS = [
    ("normal", lambda **kw: random.normal((20000,), mean=1.0, stddev=2.0, **kw)),
    ("uniform", lambda **kw: random.uniform((20000,), minval=-1.0, maxval=3.0, **kw)),
    ("truncated_normal", lambda **kw: random.truncated_normal((20000,), mean=1.0, stddev=2.0, **kw)),
]


@pytest.mark.parametrize("name, draw", FLOAT_DRAWS, ids=[n for n, _ in FLOAT_DRAWS])
def test_float_draws_default_to_floatx_and_honour_dtype(name, draw):
    out = draw()
    assert isinstance(out, Tensor) and out.shape == (20000,) and out.dtype == np.float32
    assert draw(dtype="float64").dtype == np.float64
    assert draw(dtype="float16").dtype == np.float16
    backend.set_floatx("float64")
    assert draw().dtype == np.float64


def test_normal_has_the_asked_mean_and_stddev():
    values = random.normal((200, 100), mean=1.0, stddev=2.0, seed=3).numpy()
    assert values.shape == (200, 100)
    assert abs(values.mean() - 1.0) < 0.05 and abs(values.std() - 2.0) < 0.05


def test_uniform_stays_in_range_and_fills_it():
    values = random.uniform((20000,), minval=-1.0, maxval=3.0, seed=3).numpy()
    assert values.min() >= -1.0 and values.max() < 3.0
    assert abs(values.mean() - 1.0) < 0.05
    assert values.min() < -0.99 and values.max() > 2.99


def test_truncated_normal_stays_within_two_stddevs():
    values = random.truncated_normal((20000,), mean=1.0, stddev=2.0, seed=3).numpy()
    assert values.min() >= 1.0 - 4.0 and values.max() <= 1.0 + 4.0
    # the std of a standard normal truncated to [-2, 2] is about 0.880
    assert abs(values.std() - 2.0 * 0.880) < 0.05


def test_randint_draws_integers_in_the_half_open_range():
    values = random.randint((5000,), 2, 6, seed=1)
    assert values.dtype == np.int32
    assert set(np.unique(values.numpy()).tolist()) == {2, 3, 4, 5}
    assert random.randint((3,), 0, 2, dtype="int64").dtype == np.int64


# --- seeds ---------------------------------------------------------------------------------

def test_an_int_seed_gives_the_same_numbers_every_time():
    first = random.normal((4,), seed=42).numpy()
    np.testing.assert_array_equal(random.normal((4,), seed=42).numpy(), first)
    assert not np.array_equal(random.normal((4,), seed=43).numpy(), first)


def test_no_seed_draws_from_the_framework_generator():
    backend.set_random_seed(5)
    first = [random.uniform((3,)).numpy(), random.uniform((3,)).numpy()]
    assert not np.array_equal(first[0], first[1])       # successive draws differ
    backend.set_random_seed(5)
    again = [random.uniform((3,)).numpy(), random.uniform((3,)).numpy()]
    np.testing.assert_array_equal(first, again)         # and the seed replays them


def test_a_seed_generator_differs_per_call_and_replays_from_its_seed():
    def draws(generator):
        return [random.normal((3,), seed=generator).numpy(),
                random.uniform((3,), seed=generator).numpy(),
                random.randint((3,), 0, 1000, seed=generator).numpy()]

    one, two = draws(random.SeedGenerator(7)), draws(random.SeedGenerator(7))
    for a, b in zip(one, two):
        np.testing.assert_array_equal(a, b)
    generator = random.SeedGenerator(7)
    assert not np.array_equal(random.normal((3,), seed=generator).numpy(),
                              random.normal((3,), seed=generator).numpy())
    assert not np.array_equal(draws(random.SeedGenerator(8))[0], one[0])


def test_a_seed_generator_without_seed_follows_set_random_seed():
    backend.set_random_seed(11)
    first = random.normal((3,), seed=random.SeedGenerator()).numpy()
    backend.set_random_seed(11)
    np.testing.assert_array_equal(random.normal((3,), seed=random.SeedGenerator()).numpy(), first)


def test_seed_generator_config_round_trips():
    generator = random.SeedGenerator(5, name="noise_seed")
    clone = random.SeedGenerator.from_config(generator.get_config())
    assert clone.name == "noise_seed" and clone.seed == 5
    assert [generator.next(), generator.next()] == [clone.next(), clone.next()]


@pytest.mark.parametrize("call, message", [
    (lambda: random.SeedGenerator(-1), "SeedGenerator: expected seed to be None or a non-negative int"),
    (lambda: random.SeedGenerator("7"), "received seed='7'"),
    (lambda: random.normal((2,), seed=True), "normal: expected seed to be None, a non-negative int"),
    (lambda: random.uniform((2,), seed=1.5), "uniform: expected seed"),
    (lambda: random.normal((2,), dtype="int32"), "normal: expected a float dtype"),
    (lambda: random.randint((2,), 0, 5, dtype="float32"), "randint: expected an integer dtype"),
    (lambda: random.randint((2,), 5, 5), "randint: expected minval < maxval"),
    (lambda: random.categorical(np.zeros(3), 2), "categorical: expected logits of shape"),
    (lambda: random.shuffle(np.zeros(3), axis=1), "shuffle: expected axis"),
    (lambda: random.dropout(np.zeros(3), 1.5), "dropout: expected a float between 0 and 1"),
])
def test_bad_arguments_raise_clear_errors(call, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        call()


def test_a_bad_shape_names_the_function():
    with pytest.raises(TypeError, match="uniform: expected shape"):
        random.uniform((2, 0.5))


# --- dropout, shuffle, categorical -----------------------------------------------------------

def test_dropout_zeroes_about_rate_and_scales_the_rest():
    x = Tensor(np.ones((100, 100), np.float32), requires_grad=True)
    out = random.dropout(x, 0.25, seed=1)
    values = out.numpy()
    assert out.dtype == np.float32
    assert set(np.unique(values).tolist()) <= {0.0, float(np.float32(1 / 0.75))}
    assert abs((values == 0).mean() - 0.25) < 0.02
    keras.ops.sum(out).backward()
    np.testing.assert_allclose(x.grad, values)          # d out/dx = mask / keep = out / x
    np.testing.assert_array_equal(random.dropout(x, 0.25, seed=1).numpy(), values)


def test_dropout_noise_shape_drops_whole_columns():
    out = random.dropout(np.ones((8, 50), np.float32), 0.5, noise_shape=(1, 50), seed=2).numpy()
    assert (out == out[:1]).all()                      # one mask shared by every row


def test_shuffle_permutes_along_the_axis_and_is_differentiable():
    x = Tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    rows = random.shuffle(x, seed=4)
    np.testing.assert_array_equal(np.sort(rows.numpy(), axis=0), x.numpy())
    np.testing.assert_array_equal(random.shuffle(x, seed=4).numpy(), rows.numpy())
    columns = random.shuffle(x, axis=1, seed=4).numpy()
    np.testing.assert_array_equal(np.sort(columns, axis=1), x.numpy())
    keras.ops.sum(rows * np.arange(4.0)).backward()
    np.testing.assert_array_equal(x.grad, np.tile(np.arange(4.0), (3, 1)))


def test_categorical_samples_follow_softmax_of_the_logits():
    logits = np.log(np.array([[0.2, 0.5, 0.3], [0.0, 0.0, 1.0]]) + 1e-30)
    samples = random.categorical(logits, 20000, seed=9)
    assert samples.shape == (2, 20000) and samples.dtype == np.int32
    frequencies = np.bincount(samples.numpy()[0], minlength=3) / 20000
    np.testing.assert_allclose(frequencies, [0.2, 0.5, 0.3], atol=0.015)
    assert (samples.numpy()[1] == 2).all()


def test_set_random_seed_seeds_python_and_numpy_as_keras_does():
    import random as python_random
    draws = []
    for _ in range(2):
        keras.utils.set_random_seed(42)
        draws.append((python_random.random(), np.random.random()))
    assert draws[0] == draws[1]
    python_random.seed(42)
    assert draws[0][0] == python_random.random()
    for bad in (1.5, "1", -1, True):
        with pytest.raises(ValueError, match="set_random_seed: expected a non-negative int"):
            keras.utils.set_random_seed(bad)

"""skipgrams and make_sampling_table: the classic keras.preprocessing.sequence semantics,
worked by hand on small cases, and keras_preprocessing 1.1.2 as the oracle."""
import math
import random

import numpy as np
import pytest

import neuronet as keras
from neuronet.preprocessing.sequence import make_sampling_table, skipgrams


def test_positive_pairs_are_every_nonzero_word_within_the_window():
    couples, labels = skipgrams([1, 2, 0, 3], vocabulary_size=4, window_size=1,
                                negative_samples=0, shuffle=False)
    assert couples == [[1, 2], [2, 1]]                       # 0 is padding: never paired
    assert labels == [1, 1]
    couples, _ = skipgrams([1, 2, 0, 3], vocabulary_size=4, window_size=2,
                           negative_samples=0, shuffle=False)
    assert couples == [[1, 2], [2, 1], [2, 3], [3, 2]]


def test_negative_pairs_take_first_words_and_random_indices():
    random.seed(0)
    couples, labels = skipgrams([1, 2, 3], vocabulary_size=10, window_size=1,
                                negative_samples=1.5, shuffle=False, categorical=True)
    positive = [[1, 2], [2, 1], [2, 3], [3, 2]]
    assert couples[:4] == positive
    negatives = couples[4:]
    assert len(negatives) == int(4 * 1.5)
    assert sorted(first for first, _ in negatives[:4]) == sorted(p[0] for p in positive)
    assert all(1 <= second <= 9 for _, second in negatives)
    assert labels == [[0, 1]] * 4 + [[1, 0]] * 6


def test_shuffle_moves_couples_and_labels_alike():
    random.seed(1)
    ordered, ordered_labels = skipgrams(list(range(1, 9)), vocabulary_size=50, shuffle=False)
    random.seed(1)                                   # the same negative draws
    couples, labels = skipgrams(list(range(1, 9)), vocabulary_size=50, seed=5)
    assert couples != ordered
    assert sorted(map(tuple, couples)) == sorted(map(tuple, ordered))
    assert sorted(labels) == sorted(ordered_labels)
    positives = {tuple(c) for c, label in zip(ordered, ordered_labels) if label == 1}
    assert all(tuple(c) in positives for c, label in zip(couples, labels) if label == 1)


def test_a_sampling_table_drops_words_with_its_probability():
    never = np.zeros(5)
    assert skipgrams([1, 2, 3, 4], 5, sampling_table=never) == ([], [])
    always = np.ones(5)
    assert len(skipgrams([1, 2, 3, 4], 5, negative_samples=0, sampling_table=always)[0]) == 12


def test_sampling_table_follows_the_word2vec_formula_with_zipf_frequencies():
    table = make_sampling_table(6, sampling_factor=1e-3)
    for rank in range(6):
        r = max(rank, 1)
        frequency = 1 / (r * (math.log(r) + 0.577) + 0.5 - 1 / (12 * r))
        assert table[rank] == pytest.approx(min(1.0, math.sqrt(1e-3 / frequency)), rel=1e-12)
    assert np.all(np.diff(make_sampling_table(1000)) >= 0)   # rarer words kept more often
    assert keras.preprocessing.sequence.make_sampling_table is make_sampling_table


# ---------------------------------------------------------------- keras_preprocessing oracle

CASES = [  # (sequence, kwargs)
    ([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5], {}),
    ([3, 1, 0, 4, 1, 5, 0, 0, 9, 2], {"window_size": 2, "negative_samples": 2.0}),
    ([7, 7, 7, 2], {"categorical": True, "negative_samples": 0.5}),
    ([1, 2, 3, 4, 5, 6], {"shuffle": False, "negative_samples": 0}),
    ([5, 4, 3, 2, 1, 2, 3], {"seed": 11}),
]


@pytest.mark.parametrize("with_table", [False, True])
@pytest.mark.parametrize("case", range(len(CASES)))
def test_matches_keras_preprocessing(case, with_table):
    kp = pytest.importorskip("keras_preprocessing.sequence")
    sequence, kwargs = CASES[case]
    if with_table:
        kwargs = dict(kwargs, sampling_table=kp.make_sampling_table(10, sampling_factor=0.05))
    random.seed(case)
    expected = kp.skipgrams(sequence, 10, **kwargs)
    random.seed(case)
    assert skipgrams(sequence, 10, **kwargs) == expected
    np.testing.assert_allclose(make_sampling_table(50, 0.01), kp.make_sampling_table(50, 0.01),
                               rtol=1e-12)

"""Training pairs for word2vec, as the classic `keras.preprocessing.sequence` makes them:
`skipgrams` (a word and a word near it, label 1; a word and a random word, label 0) and
`make_sampling_table` (the probability of keeping a word of each frequency rank).

    table = make_sampling_table(vocabulary_size)
    couples, labels = skipgrams(sequence, vocabulary_size, sampling_table=table)

`skipgrams` draws from Python's global `random` generator in the order Keras does, so
that `random.seed(s)` before a call gives Keras' pairs.
"""
import random

import numpy as np

_GAMMA = 0.577        # the Euler-Mascheroni constant, to the digits Keras uses


def make_sampling_table(size, sampling_factor=1e-5):
    """A float array (size,): entry r is the probability of keeping a word of frequency
    rank r (rank 0, the padding index, counts as rank 1), word2vec's
    min(1, sqrt(sampling_factor / frequency)), with Zipf's law for the frequency of rank r:
    1 / (r (log r + gamma) + 1/2 - 1 / (12 r))."""
    rank = np.arange(size)
    rank[0] = 1
    inverse_frequency = rank * (np.log(rank) + _GAMMA) + 0.5 - 1.0 / (12.0 * rank)
    return np.minimum(1.0, np.sqrt(sampling_factor * inverse_frequency))


def skipgrams(sequence, vocabulary_size, window_size=4, negative_samples=1.0, shuffle=True,
              categorical=False, sampling_table=None, seed=None):
    """(couples, labels) of the word indices in `sequence` (0 is padding: never paired).

    Each word w at position i (kept with probability sampling_table[w] when a table is
    given) is paired with every non-zero word within window_size positions, label 1. Then
    int(negative_samples * pairs) negative couples, label 0: the first words of the pairs
    in random order, cycled, each with a random index in [1, vocabulary_size - 1].
    categorical: labels [0, 1] and [1, 0] instead of 1 and 0. shuffle: couples and labels
    shuffled alike, with `seed` (drawn from `random` when None).
    """
    couples, labels = [], []
    for i, word in enumerate(sequence):
        if not word:
            continue
        if sampling_table is not None and sampling_table[word] < random.random():
            continue
        for j in range(max(0, i - window_size), min(len(sequence), i + window_size + 1)):
            if j != i and sequence[j]:
                couples.append([word, sequence[j]])
                labels.append([0, 1] if categorical else 1)
    if negative_samples > 0:
        count = int(len(labels) * negative_samples)
        words = [first for first, _ in couples]
        random.shuffle(words)
        couples += [[words[k % len(words)], random.randint(1, vocabulary_size - 1)]
                    for k in range(count)]
        labels += [[1, 0] if categorical else 0 for _ in range(count)]
    if shuffle:
        if seed is None:
            seed = random.randint(0, 10**7)
        random.seed(seed)                   # the same permutation for couples and labels
        random.shuffle(couples)
        random.seed(seed)
        random.shuffle(labels)
    return couples, labels

"""Seconds for Tokenizer.fit_on_texts + texts_to_matrix(mode='binary'): neuronet and Keras.

    python benchmarks/tokenizer.py

10,000 generated documents of 200 words drawn from a vocabulary of 10,000 words; the
matrix is (10,000, 10,001) float64 as in Keras. Median of 3 runs; Keras' own Tokenizer
(keras_preprocessing, or tf.keras) is timed in the same run when it can be imported.
"""
import common  # noqa: F401  (must come first: fixes the BLAS environment)

import numpy as np

DOCUMENTS, WORDS_PER_DOCUMENT, VOCABULARY = 10_000, 200, 10_000


def corpus(seed=0):
    rng = np.random.default_rng(seed)
    words = np.array([f"w{i}" for i in range(VOCABULARY)])
    # Zipf-like word frequencies, as in natural text.
    probabilities = 1.0 / np.arange(1, VOCABULARY + 1)
    drawn = rng.choice(words, size=(DOCUMENTS, WORDS_PER_DOCUMENT),
                       p=probabilities / probabilities.sum())
    return [" ".join(row) for row in drawn]


def keras_tokenizer_class():
    """Keras' Tokenizer class, or None when neither keras_preprocessing nor tf.keras is installed."""
    try:
        from keras_preprocessing.text import Tokenizer
        return Tokenizer
    except ImportError:
        pass
    try:
        from tensorflow.keras.preprocessing.text import Tokenizer
        return Tokenizer
    except ImportError:
        return None


def seconds(tokenizer_class, texts):
    def run():
        tokenizer = tokenizer_class()
        tokenizer.fit_on_texts(texts)
        return tokenizer.texts_to_matrix(texts, mode="binary")
    return common.median_time(run, repeats=3, warmup=0)


def main():
    from neuronet.preprocessing.text import Tokenizer
    texts = corpus()
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(texts)
    print(f"{DOCUMENTS} documents x {WORDS_PER_DOCUMENT} words, {len(tokenizer.word_index)} distinct")
    results = {"neuronet Tokenizer": seconds(Tokenizer, texts)}
    keras_class = keras_tokenizer_class()
    if keras_class is None:
        print("Keras' Tokenizer: absent (neither keras_preprocessing nor tensorflow.keras importable)")
    else:
        reference = keras_class()
        reference.fit_on_texts(texts[:200])
        mine = Tokenizer()
        mine.fit_on_texts(texts[:200])
        assert reference.word_index == mine.word_index, "word_index differs from Keras'"
        assert np.array_equal(reference.texts_to_matrix(texts[:200], mode="count"),
                              mine.texts_to_matrix(texts[:200], mode="count")), "matrix differs"
        results["Keras Tokenizer"] = seconds(keras_class, texts)
    print("\nfit_on_texts + texts_to_matrix(mode='binary'), median of 3")
    for name, value in results.items():
        print(f"  {name:<24}{value:>8.2f} s")


if __name__ == "__main__":
    main()

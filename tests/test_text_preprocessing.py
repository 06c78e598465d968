"""Tokenizer, text_to_word_sequence, hashing_trick / one_hot and text_dataset_from_directory.

Expected values are worked out by hand from Keras' documented algorithm (tf.keras 2.x,
keras-preprocessing 1.1.2); the matrix modes are also checked against a plain loop
that follows Keras' definition word by word.
"""
import hashlib
import json
import math

import numpy as np
import pytest

import neuronet
from neuronet.preprocessing.text import (Tokenizer, hashing_trick, one_hot, text_to_word_sequence,
                                         tokenizer_from_json)
from neuronet.preprocessing.text_dataset import text_dataset_from_directory

# the cat sat on the mat | the dog ate my homework | cat dog cat
CORPUS = ["The cat sat on the mat.", "The dog ate my homework!", "Cat, dog; CAT?"]
# counts: the 3, cat 3, sat 1, on 1, mat 1, dog 2, ate 1, my 1, homework 1 (first-seen order);
# a stable sort by count keeps 'the' before 'cat' (tie) and first-seen order among the 1s.
CORPUS_INDEX = {"the": 1, "cat": 2, "dog": 3, "sat": 4, "on": 5, "mat": 6, "ate": 7, "my": 8,
                "homework": 9}


def fitted(**kwargs):
    tokenizer = Tokenizer(**kwargs)
    tokenizer.fit_on_texts(CORPUS)
    return tokenizer


def keras_matrix(sequences, width, mode, document_count=0, index_docs=None):
    """Keras' sequences_to_matrix, one word at a time."""
    x = np.zeros((len(sequences), width))
    for i, seq in enumerate(sequences):
        counts = {}
        for j in seq:
            if j < width:
                counts[j] = counts.get(j, 0) + 1
        for j, c in counts.items():
            if mode == "binary":
                x[i, j] = 1
            elif mode == "count":
                x[i, j] = c
            elif mode == "freq":
                x[i, j] = c / len(seq)
            else:
                x[i, j] = (1 + math.log(c)) * math.log(1 + document_count / (1 + index_docs.get(j, 0)))
    return x


# ---------------------------------------------------------------- text_to_word_sequence

@pytest.mark.parametrize("text, kwargs, expected", [
    ("This is a sample sentence.", {}, ["this", "is", "a", "sample", "sentence"]),
    ("Don't STOP!!  now", {}, ["don't", "stop", "now"]),            # ' is not filtered
    ("a\tb\nc", {}, ["a", "b", "c"]),                                 # tabs, newlines filtered
    ("Hello World", {"lower": False}, ["Hello", "World"]),
    ("well-known, fact.", {"filters": "-"}, ["well", "known,", "fact."]),
    ("a,b,,c", {"filters": "", "split": ","}, ["a", "b", "c"]),
    ("x.y", {"filters": ".", "split": "."}, ["x", "y"]),
    ("", {}, []),
    ("?!.", {}, []),
])
def test_text_to_word_sequence(text, kwargs, expected):
    assert text_to_word_sequence(text, **kwargs) == expected


def test_text_to_word_sequence_rejects_non_strings():
    with pytest.raises(TypeError, match="text_to_word_sequence.*int"):
        text_to_word_sequence(12)


# ---------------------------------------------------------------- fitting

def test_nb_words_is_keras_1s_name_for_num_words():
    with pytest.warns(UserWarning, match="renamed `num_words`"):
        tokenizer = Tokenizer(nb_words=3)
    assert tokenizer.num_words == 3
    tokenizer.fit_on_texts(["a a a b b c"])
    assert tokenizer.texts_to_sequences(["a b c"]) == [[1, 2]]


def test_fit_on_texts_counts_and_index():
    tokenizer = fitted()
    assert tokenizer.document_count == 3
    assert list(tokenizer.word_counts.items()) == [
        ("the", 3), ("cat", 3), ("sat", 1), ("on", 1), ("mat", 1), ("dog", 2), ("ate", 1),
        ("my", 1), ("homework", 1)]
    assert tokenizer.word_index == CORPUS_INDEX
    assert tokenizer.index_word == {i: w for w, i in CORPUS_INDEX.items()}
    assert dict(tokenizer.word_docs) == {"the": 2, "cat": 2, "sat": 1, "on": 1, "mat": 1, "dog": 2,
                                         "ate": 1, "my": 1, "homework": 1}
    assert dict(tokenizer.index_docs) == {1: 2, 2: 2, 3: 2, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1, 9: 1}
    assert 0 not in tokenizer.index_word  # index 0 is reserved


def test_ties_keep_first_seen_order():
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(["z y x", "x w"])  # x: 2; z, y, w: 1 in that first-seen order
    assert tokenizer.word_index == {"x": 1, "z": 2, "y": 3, "w": 4}


def test_fitting_twice_accumulates():
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(["b a"])
    tokenizer.fit_on_texts(["a c"])
    assert tokenizer.document_count == 2
    assert list(tokenizer.word_counts.items()) == [("b", 1), ("a", 2), ("c", 1)]
    assert tokenizer.word_index == {"a": 1, "b": 2, "c": 3}


def test_oov_token_takes_index_1():
    tokenizer = fitted(oov_token="<unk>")
    assert tokenizer.word_index == {"<unk>": 1, **{w: i + 1 for w, i in CORPUS_INDEX.items()}}
    assert tokenizer.index_word[1] == "<unk>"


def test_char_level_ignores_filters_and_split():
    tokenizer = Tokenizer(char_level=True)
    tokenizer.fit_on_texts(["aBa b!"])  # a a b b ' ' '!'  (lower-cased, nothing filtered)
    assert tokenizer.word_index == {"a": 1, "b": 2, " ": 3, "!": 4}
    assert tokenizer.texts_to_sequences(["Ab c!"]) == [[1, 2, 3, 4]]  # 'c' unknown: dropped


def test_lower_false_keeps_case():
    tokenizer = Tokenizer(lower=False)
    tokenizer.fit_on_texts(["Cat cat CAT cat"])
    assert tokenizer.word_index == {"cat": 1, "Cat": 2, "CAT": 3}


def test_custom_filters_and_split():
    tokenizer = Tokenizer(filters="#", split="/")
    tokenizer.fit_on_texts(["a/b#c//a."])  # '#' -> '/': a, b, c, '' (dropped), 'a.'
    assert tokenizer.word_index == {"a": 1, "b": 2, "c": 3, "a.": 4}


def test_analyzer_replaces_word_splitting():
    tokenizer = Tokenizer(analyzer=lambda text: text.split("|"))
    tokenizer.fit_on_texts(["A|b|A", "b|b"])  # the analyzer does not lower-case
    assert tokenizer.word_index == {"b": 1, "A": 2}
    assert tokenizer.texts_to_sequences(["A|b|zz"]) == [[2, 1]]


def test_lists_of_tokens_are_lower_cased_only():
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts([["Hello", "World!", "hello"]])
    assert tokenizer.word_index == {"hello": 1, "world!": 2}
    assert tokenizer.texts_to_sequences([["WORLD!", "x"]]) == [[2]]


def test_empty_texts():
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(["", "a", "..."])
    assert tokenizer.document_count == 3
    assert tokenizer.word_index == {"a": 1}
    assert tokenizer.texts_to_sequences(["", "b"]) == [[], []]
    np.testing.assert_array_equal(tokenizer.texts_to_matrix(["", "a"], mode="freq"), [[0, 0], [0, 1]])


def test_fit_on_sequences_counts_documents_per_index():
    tokenizer = Tokenizer(num_words=5)
    tokenizer.fit_on_sequences([[1, 2, 2], [2, 3], np.array([4, 4])])
    assert tokenizer.document_count == 3
    assert dict(tokenizer.index_docs) == {1: 1, 2: 2, 3: 1, 4: 1}
    assert all(type(k) is int for k in tokenizer.index_docs)


def test_invalid_num_words():
    with pytest.raises(ValueError, match="num_words"):
        Tokenizer(num_words=-1)


# ---------------------------------------------------------------- encoding

@pytest.mark.parametrize("kwargs, expected", [
    # 'and', 'a', 'zebra' unseen: dropped; mat = 6
    ({}, [[1, 2], [3, 3, 6]]),
    # num_words=4 keeps indices 1..3: mat (6) dropped
    ({"num_words": 4}, [[1, 2], [3, 3]]),
    # <unk>=1 shifts every word by one; unseen words -> 1
    ({"oov_token": "<unk>"}, [[2, 3, 1, 1, 1], [4, 4, 7]]),
    # with both: dog (4) and mat (7) are cut off -> 1
    ({"oov_token": "<unk>", "num_words": 4}, [[2, 3, 1, 1, 1], [1, 1, 1]]),
    # num_words=0 means no limit (as None)
    ({"num_words": 0}, [[1, 2], [3, 3, 6]]),
])
def test_texts_to_sequences(kwargs, expected):
    tokenizer = fitted(**kwargs)
    texts = ["the cat and a zebra", "Dog dog mat"]
    assert tokenizer.texts_to_sequences(texts) == expected
    assert list(tokenizer.texts_to_sequences_generator(iter(texts))) == expected


def test_word_index_keeps_every_word_with_num_words():
    assert fitted(num_words=2).word_index == CORPUS_INDEX


@pytest.mark.parametrize("kwargs, sequences, expected", [
    ({}, [[1, 0, 2, 99, 9]], ["the cat homework"]),                         # 0, 99 unknown: dropped
    ({"num_words": 3}, [[1, 2, 3, 9]], ["the cat"]),                       # >= 3 dropped
    ({"oov_token": "<unk>", "num_words": 4}, [[2, 3, 0, 4, 99]], ["the cat <unk> <unk> <unk>"]),
    ({"oov_token": "<unk>"}, [[10, 5], []], ["homework sat", ""]),
])
def test_sequences_to_texts(kwargs, sequences, expected):
    tokenizer = fitted(**kwargs)
    assert tokenizer.sequences_to_texts(sequences) == expected
    assert list(tokenizer.sequences_to_texts_generator(sequences)) == expected


def test_sequences_round_trip_through_texts():
    tokenizer = fitted()
    sequences = tokenizer.texts_to_sequences(CORPUS)
    assert tokenizer.sequences_to_texts(sequences) == [
        "the cat sat on the mat", "the dog ate my homework", "cat dog cat"]


# ---------------------------------------------------------------- matrices

def test_texts_to_matrix_all_modes_by_hand():
    tokenizer = fitted()  # width = len(word_index) + 1 = 10
    texts = ["the cat the zebra", ""]  # -> [1, 2, 1] (zebra unseen), []
    ln2 = math.log(2)
    expected = {
        "binary": [0, 1, 1],
        "count": [0, 2, 1],
        "freq": [0, 2 / 3, 1 / 3],
        # idf(the) = idf(cat) = log(1 + 3 / (1 + 2)) = log 2;  tf(the) = 1 + log 2, tf(cat) = 1
        "tfidf": [0, (1 + ln2) * ln2, ln2],
    }
    for mode, row in expected.items():
        matrix = tokenizer.texts_to_matrix(texts, mode=mode)
        assert matrix.shape == (2, 10) and matrix.dtype == np.float64
        np.testing.assert_allclose(matrix[0], row + [0] * 7, rtol=1e-12, err_msg=mode)
        np.testing.assert_array_equal(matrix[1], 0)


def test_freq_divides_by_the_full_sequence_length():
    tokenizer = fitted(num_words=2)
    # index 1 twice in a sequence of 4 entries (5 and 9 are beyond num_words): 2 / 4
    np.testing.assert_allclose(tokenizer.sequences_to_matrix([[1, 5, 1, 9]], mode="freq"), [[0, 0.5]])


def test_tfidf_after_fit_on_sequences():
    tokenizer = Tokenizer(num_words=5)
    tokenizer.fit_on_sequences([[1, 2, 2], [2, 3]])  # document_count 2, index_docs {1:1, 2:2, 3:1}
    matrix = tokenizer.sequences_to_matrix([[2, 2, 4]], mode="tfidf")
    expected = [0, 0, (1 + math.log(2)) * math.log(1 + 2 / 3), 0, math.log(1 + 2 / 1)]
    np.testing.assert_allclose(matrix, [expected], rtol=1e-12)


@pytest.mark.parametrize("mode", ["binary", "count", "freq", "tfidf"])
@pytest.mark.parametrize("num_words", [None, 7])
def test_matrix_matches_word_by_word_definition(mode, num_words):
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(12)]
    texts = [" ".join(rng.choice(words, size=rng.integers(0, 15))) for _ in range(20)]
    tokenizer = Tokenizer(num_words=num_words)
    tokenizer.fit_on_texts(texts[:15])
    width = num_words or len(tokenizer.word_index) + 1
    sequences = tokenizer.texts_to_sequences(texts) + [[1, 20, 3, 3]]  # 20 is beyond the width
    expected = keras_matrix(sequences, width, mode, tokenizer.document_count, tokenizer.index_docs)
    np.testing.assert_allclose(tokenizer.sequences_to_matrix(sequences, mode=mode), expected,
                               rtol=1e-12)


def test_sequences_to_matrix_accepts_a_padded_array():
    tokenizer = fitted()
    padded = np.array([[0, 0, 1, 2], [3, 3, 3, 3]])
    expected = np.zeros((2, 10))
    expected[0, [0, 1, 2]] = 1
    expected[1, 3] = 1
    np.testing.assert_array_equal(tokenizer.sequences_to_matrix(padded), expected)


def test_matrix_errors():
    with pytest.raises(ValueError, match="num_words"):
        Tokenizer().sequences_to_matrix([[1]])
    with pytest.raises(ValueError, match="tfidf"):
        Tokenizer(num_words=3).sequences_to_matrix([[1]], mode="tfidf")
    with pytest.raises(ValueError, match="'binary', 'count', 'tfidf', 'freq'"):
        fitted().texts_to_matrix(["the"], mode="onehot")
    with pytest.raises(ValueError, match=">= 0"):
        Tokenizer(num_words=3).sequences_to_matrix([[1, -1]])


# ---------------------------------------------------------------- JSON

def test_to_json_round_trip():
    tokenizer = fitted(num_words=6, oov_token="<unk>")
    text = tokenizer.to_json()
    payload = json.loads(text)
    assert payload["class_name"] == "Tokenizer"
    config = payload["config"]
    assert set(config) == {"num_words", "filters", "lower", "split", "char_level", "oov_token",
                           "document_count", "word_counts", "word_docs", "index_docs", "index_word",
                           "word_index"}
    # Keras stores the dicts as JSON strings; integer keys become strings
    assert json.loads(config["index_word"])["1"] == "<unk>"
    assert list(json.loads(config["word_counts"])) == list(tokenizer.word_counts)

    restored = tokenizer_from_json(text)
    for name in ("num_words", "filters", "lower", "split", "char_level", "oov_token", "document_count",
                 "word_index", "index_word"):
        assert getattr(restored, name) == getattr(tokenizer, name), name
    assert list(restored.word_counts.items()) == list(tokenizer.word_counts.items())
    assert dict(restored.word_docs) == dict(tokenizer.word_docs)
    assert dict(restored.index_docs) == dict(tokenizer.index_docs)
    texts = ["the cat and the dog", "my homework"]
    assert restored.texts_to_sequences(texts) == tokenizer.texts_to_sequences(texts)
    np.testing.assert_array_equal(restored.texts_to_matrix(texts, mode="tfidf"),
                                  tokenizer.texts_to_matrix(texts, mode="tfidf"))

    # a restored tokenizer keeps fitting like the original
    tokenizer.fit_on_texts(["zebra zebra"])
    restored.fit_on_texts(["zebra zebra"])
    assert restored.word_index == tokenizer.word_index
    assert dict(restored.index_docs) == dict(tokenizer.index_docs)


def test_to_json_passes_kwargs_to_json_dumps():
    assert "\n" in fitted().to_json(indent=2)


# ---------------------------------------------------------------- hashing

def test_hashing_trick_md5_is_stable():
    def md5_index(word, n):
        return int(hashlib.md5(word.encode()).hexdigest(), 16) % (n - 1) + 1
    expected = [md5_index(w, 10) for w in ("hello", "world", "hello")]
    assert hashing_trick("Hello, world hello", 10, hash_function="md5") == expected


def test_hashing_trick_custom_function_and_analyzer():
    # len % (4 - 1) + 1
    assert hashing_trick("a bb ccc dddd", 4, hash_function=len) == [2, 3, 1, 2]
    assert hashing_trick("a-bb", 4, hash_function=len, analyzer=lambda t: t.split("-")) == [2, 3]


def test_one_hot_uses_python_hash():
    indices = one_hot("The cat, the hat", 7)
    assert indices == [hash(w) % 6 + 1 for w in ("the", "cat", "the", "hat")]
    assert all(1 <= i <= 6 for i in indices) and indices[0] == indices[2]


def test_hashing_trick_errors():
    with pytest.raises(ValueError, match="hash_function"):
        hashing_trick("a", 5, hash_function="sha1")
    with pytest.raises(ValueError, match="`n`"):
        hashing_trick("a", 1)


def test_public_paths():
    from neuronet.preprocessing import text
    assert text.Tokenizer is Tokenizer
    assert neuronet.utils.text_dataset_from_directory is text_dataset_from_directory


# ---------------------------------------------------------------- text_dataset_from_directory

@pytest.fixture
def text_folder(tmp_path):
    """neg/: 2 files; pos/: 2 files + nested/c.txt; plus files that must be skipped."""
    files = {"neg/n1.txt": "bad movie", "neg/n2.TXT": "awful", "pos/p1.txt": "good film",
             "pos/p2.txt": "great, really great", "pos/nested/p3.txt": "héllo wörld",
             "pos/notes.md": "skip me", ".hidden/h.txt": "hidden", "root.txt": "root text"}
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8"))
    return tmp_path


IN_ORDER = ["bad movie", "awful", "good film", "great, really great", "héllo wörld"]


def test_dataset_inferred_labels_in_sorted_order(text_folder, capsys):
    ds = text_dataset_from_directory(text_folder, batch_size=2, shuffle=False)
    assert "Found 5 files belonging to 2 classes." in capsys.readouterr().out
    assert ds.class_names == ["neg", "pos"]
    assert len(ds) == 3
    batches = list(ds)
    assert len(batches) == 3
    texts, labels = batches[0]
    assert texts.dtype == object and texts.shape == (2,)
    assert labels.dtype == np.int32 and labels.shape == (2,)
    assert [t for x, _ in batches for t in x] == IN_ORDER
    assert [int(v) for _, y in batches for v in y] == [0, 0, 1, 1, 1]
    assert [t for x, _ in ds for t in x] == IN_ORDER  # re-iterable


def test_dataset_label_modes(text_folder):
    def first_batch(label_mode):
        return text_dataset_from_directory(text_folder, label_mode=label_mode, batch_size=8,
                                           shuffle=False, verbose=False)[0]

    _, categorical = first_batch("categorical")
    assert categorical.dtype == np.float32
    np.testing.assert_array_equal(categorical, [[1, 0], [1, 0], [0, 1], [0, 1], [0, 1]])
    _, binary = first_batch("binary")
    assert binary.dtype == np.float32
    np.testing.assert_array_equal(binary, [[0], [0], [1], [1], [1]])
    texts = first_batch(None)
    # no labels: the whole tree is indexed, the root file and hidden folder included
    assert isinstance(texts, np.ndarray) and sorted(texts) == sorted(IN_ORDER + ["root text", "hidden"])


def test_dataset_class_names_order_and_subset(text_folder):
    ds = text_dataset_from_directory(text_folder, class_names=["pos", "neg"], batch_size=None,
                                     shuffle=False, verbose=False)
    samples = list(ds)
    assert len(ds) == 5 and ds.class_names == ["pos", "neg"]
    assert [t for t, _ in samples] == IN_ORDER[2:] + IN_ORDER[:2]
    assert [int(y) for _, y in samples] == [0, 0, 0, 1, 1]
    assert isinstance(samples[0][0], str) and samples[0][1].shape == ()


def test_dataset_explicit_labels_and_max_length(text_folder):
    labels = [3, 1, 3, 1, 1, 1, 3]  # one per .txt file in sorted path order (7 files)
    ds = text_dataset_from_directory(text_folder, labels=labels, max_length=4, shuffle=False,
                                     verbose=False)
    texts, got = next(iter(ds))
    assert ds.class_names == ["1", "3"]
    # sorted walk: the root folder first, then .hidden, neg, pos, pos/nested
    assert list(texts) == ["root", "hidd", "bad ", "awfu", "good", "grea", "héll"]
    np.testing.assert_array_equal(got, labels)


def test_dataset_shuffle_is_seeded_and_reshuffles(text_folder):
    def three_passes(seed):  # one batch of all 5 files per pass
        ds = text_dataset_from_directory(text_folder, batch_size=5, seed=seed, verbose=False)
        return [(list(texts), labels.tolist()) for _ in range(3) for texts, labels in ds]

    first = three_passes(7)
    assert first == three_passes(7)  # same seed, same orders
    label_of = dict(zip(IN_ORDER, [0, 0, 1, 1, 1]))
    for texts, labels in first:
        assert sorted(texts) == sorted(IN_ORDER)
        assert [label_of[t] for t in texts] == labels  # labels follow their texts
    assert len({tuple(texts) for texts, _ in first}) > 1  # a new order every pass


def test_dataset_validation_split(text_folder, capsys):
    train, val = text_dataset_from_directory(text_folder, validation_split=0.4, subset="both",
                                             seed=3, batch_size=2)
    out = capsys.readouterr().out
    assert "Using 3 files for training." in out and "Using 2 files for validation." in out
    train_texts = [t for x, _ in train for t in x]
    val_texts = [t for x, _ in val for t in x]
    assert len(train_texts) == 3 and len(val_texts) == 2
    assert sorted(train_texts + val_texts) == sorted(IN_ORDER)
    only_val = text_dataset_from_directory(text_folder, validation_split=0.4, subset="validation",
                                           seed=3, verbose=False)
    assert sorted(t for x, _ in only_val for t in x) == sorted(val_texts)


def test_dataset_feeds_the_training_loop(text_folder):
    from neuronet.models import data_adapter
    ds = text_dataset_from_directory(text_folder, batch_size=2, seed=0, verbose=False)
    batches = list(data_adapter.make_batches(ds, shuffle=True).epoch())
    assert len(batches) == 3 and sum(len(x) for x, _, _ in batches) == 5


@pytest.mark.parametrize("kwargs, message", [
    ({"label_mode": "binary", "class_names": ["neg", "pos", ".hidden"]}, "did not match"),
    ({"label_mode": "sparse"}, "label_mode"),
    ({"validation_split": 0.2}, "subset"),
    ({"validation_split": 0.2, "subset": "training"}, "seed"),
    ({"validation_split": 1.5, "subset": "training", "seed": 1}, "between 0 and 1"),
    ({"validation_split": 0.2, "subset": "test", "seed": 1}, "subset"),
    ({"labels": [0, 1]}, "match the number of files"),
    ({"labels": "folders"}, "labels"),
    ({"labels": [0] * 7, "class_names": ["a"]}, "class_names"),
    ({"labels": None, "class_names": ["neg"]}, "class_names"),
    ({"batch_size": 0}, "batch_size"),
])
def test_dataset_errors(text_folder, kwargs, message):
    with pytest.raises(ValueError, match=message):
        text_dataset_from_directory(text_folder, verbose=False, **kwargs)


def test_dataset_binary_needs_two_classes(text_folder):
    (text_folder / "third").mkdir()
    with pytest.raises(ValueError, match="exactly 2"):
        text_dataset_from_directory(text_folder, label_mode="binary", verbose=False)


def test_dataset_missing_or_empty_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        text_dataset_from_directory(tmp_path / "nope", verbose=False)
    (tmp_path / "a").mkdir()
    with pytest.raises(ValueError, match="no text files found"):
        text_dataset_from_directory(tmp_path, verbose=False)


# ---------------------------------------------------------------- keras_preprocessing oracle

MODES = ("binary", "count", "tfidf", "freq")
# (Tokenizer kwargs, texts to fit, texts to encode); keras_preprocessing 1.1.2 has no `analyzer`.
ORACLE_CASES = {
    "punctuation-and-case": ({}, CORPUS + ["Mat? MAT! the... cat's"], ["The zebra's mat."]),
    "oov-token": ({"oov_token": "<OOV>"}, CORPUS, ["the unseen cat", "zebra yak", ""]),
    "num-words": ({"num_words": 4}, CORPUS, ["dog mat cat the homework"]),
    "num-words-and-oov": ({"num_words": 5, "oov_token": "?"}, CORPUS, ["dog mat zebra the"]),
    "oov-token-also-a-word": ({"oov_token": "cat"}, CORPUS, ["cat zebra the"]),
    "char-level": ({"char_level": True}, ["Hello, World!", "hold"], ["HeLLo you!", "z"]),
    "char-level-no-lower": ({"char_level": True, "lower": False}, ["aAb", "BBa"], ["abc", "AB"]),
    "split-comma": ({"split": ",", "filters": ".;"}, ["a,b,,c", "b;c.c, d"], ["c,a, e", "a b"]),
    "ties": ({}, ["z y x", "x w", "v u t", "t s"], ["s t u v w x y z q"]),
    "empty-strings": ({}, ["", "one", "...", "one two", ""], ["", "two one three"]),
    "no-lower": ({"lower": False}, ["Cat cat CAT cat", "Dog cat"], ["cat Cat dog Dog"]),
    "token-lists": ({}, [["The", "cat"], ["cat", "Sat!"]], [["CAT", "sat!", "x"], "the cat"]),
}


@pytest.fixture(params=sorted(ORACLE_CASES))
def tokenizers(request):
    """(neuronet Tokenizer, keras_preprocessing Tokenizer, texts to encode), fitted alike."""
    kp = pytest.importorskip("keras_preprocessing.text")
    kwargs, texts, probes = ORACLE_CASES[request.param]
    ours, theirs = Tokenizer(**kwargs), kp.Tokenizer(**kwargs)
    ours.fit_on_texts(texts)
    theirs.fit_on_texts(texts)
    return ours, theirs, texts + probes


def assert_same_fit(ours, theirs):
    assert ours.document_count == theirs.document_count
    assert list(ours.word_counts.items()) == list(theirs.word_counts.items())  # same order
    assert ours.word_index == theirs.word_index
    assert ours.index_word == theirs.index_word
    assert dict(ours.word_docs) == dict(theirs.word_docs)
    assert dict(ours.index_docs) == dict(theirs.index_docs)


def test_oracle_fit(tokenizers):
    ours, theirs, _ = tokenizers
    assert_same_fit(ours, theirs)


def test_oracle_sequences_and_texts(tokenizers):
    ours, theirs, texts = tokenizers
    sequences = theirs.texts_to_sequences(texts)
    assert ours.texts_to_sequences(texts) == sequences
    # 0 and 99 are never word indices; 3 and 4 may be beyond num_words
    sequences += [[0, 1, 99, 2], [4, 3, 3], []]
    assert ours.sequences_to_texts(sequences) == theirs.sequences_to_texts(sequences)


@pytest.mark.parametrize("mode", MODES)
def test_oracle_matrices(tokenizers, mode):
    ours, theirs, texts = tokenizers
    np.testing.assert_allclose(ours.texts_to_matrix(texts, mode=mode),
                               theirs.texts_to_matrix(texts, mode=mode), rtol=1e-12)
    sequences = [[1, 1, 2], [0, 3, 99, 3, 3], [], [2]]  # 99 is beyond every width
    np.testing.assert_allclose(ours.sequences_to_matrix(sequences, mode=mode),
                               theirs.sequences_to_matrix(sequences, mode=mode), rtol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_oracle_matrices_after_fit_on_sequences(mode):
    kp = pytest.importorskip("keras_preprocessing.text")
    ours, theirs = Tokenizer(num_words=6), kp.Tokenizer(num_words=6)
    fitted_sequences = [[1, 2, 2], [2, 3], [5, 5, 1, 7]]
    ours.fit_on_sequences(fitted_sequences)
    theirs.fit_on_sequences(fitted_sequences)
    assert (ours.document_count, dict(ours.index_docs)) == (theirs.document_count,
                                                             dict(theirs.index_docs))
    sequences = [[2, 2, 4], [5, 9, 1], []]
    np.testing.assert_allclose(ours.sequences_to_matrix(sequences, mode=mode),
                               theirs.sequences_to_matrix(sequences, mode=mode), rtol=1e-12)


def test_oracle_json_round_trips(tokenizers):
    kp = pytest.importorskip("keras_preprocessing.text")
    ours, theirs, texts = tokenizers
    ours_config = json.loads(ours.to_json())["config"]
    theirs_config = json.loads(theirs.to_json())["config"]
    assert set(ours_config) == set(theirs_config)
    for name in ("num_words", "filters", "lower", "split", "char_level", "oov_token",
                 "document_count", "word_counts"):  # word_counts: the same JSON, same order
        assert ours_config[name] == theirs_config[name], name
    # each one reads the other's JSON into the same state, and encodes alike
    for restored, original in ((tokenizer_from_json(theirs.to_json()), theirs),
                               (kp.tokenizer_from_json(ours.to_json()), ours)):
        assert_same_fit(restored, original)
        assert restored.texts_to_sequences(texts) == original.texts_to_sequences(texts)
        np.testing.assert_allclose(restored.texts_to_matrix(texts, mode="tfidf"),
                                   original.texts_to_matrix(texts, mode="tfidf"), rtol=1e-12)

"""pad_sequences: Keras' padding and truncating rules, dtypes, strings, 2-D elements, errors."""
import numpy as np
import pytest

import neuronet
from neuronet.preprocessing.sequence import pad_sequences

SEQS = [[1], [1, 2], [1, 2, 3]]


@pytest.mark.parametrize("kwargs, expected", [
    ({}, [[0, 0, 1], [0, 1, 2], [1, 2, 3]]),                                   # pre padding
    ({"padding": "post"}, [[1, 0, 0], [1, 2, 0], [1, 2, 3]]),
    ({"maxlen": 2}, [[0, 1], [1, 2], [2, 3]]),                                 # drop the start
    ({"maxlen": 2, "truncating": "post"}, [[0, 1], [1, 2], [1, 2]]),           # drop the end
    ({"maxlen": 2, "padding": "post", "truncating": "post"}, [[1, 0], [1, 2], [1, 2]]),
    ({"maxlen": 2, "padding": "post"}, [[1, 0], [1, 2], [2, 3]]),
    ({"maxlen": 4}, [[0, 0, 0, 1], [0, 0, 1, 2], [0, 1, 2, 3]]),
    ({"maxlen": 4, "padding": "post"}, [[1, 0, 0, 0], [1, 2, 0, 0], [1, 2, 3, 0]]),
    ({"value": -1}, [[-1, -1, 1], [-1, 1, 2], [1, 2, 3]]),
    ({"maxlen": 1, "truncating": "post", "value": 9}, [[1], [1], [1]]),
])
def test_padding_and_truncating(kwargs, expected):
    out = pad_sequences(SEQS, **kwargs)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, expected)


def test_input_is_not_modified_and_arrays_work():
    seqs = [np.array([4, 5, 6]), (7,), [8, 9]]
    out = pad_sequences(seqs, maxlen=2)
    np.testing.assert_array_equal(out, [[5, 6], [0, 7], [8, 9]])
    np.testing.assert_array_equal(seqs[0], [4, 5, 6])
    padded = pad_sequences(np.array([[1, 2, 3], [4, 5, 6]]), maxlen=2)
    np.testing.assert_array_equal(padded, [[2, 3], [5, 6]])


def test_dtypes():
    floats = [[0.5, 1.7], [-1.7]]
    np.testing.assert_array_equal(pad_sequences(floats), [[0, 1], [0, -1]])  # int32 truncates
    out = pad_sequences(floats, dtype="float32", value=np.nan, padding="post")
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.array([[0.5, 1.7], [-1.7, np.nan]], dtype=np.float32))
    assert pad_sequences(SEQS, dtype="int64").dtype == np.int64


def test_strings_with_object_and_str_dtypes():
    words = [["the", "cat"], ["sat"], ["a", "very", "long", "one"]]
    out = pad_sequences(words, maxlen=3, dtype=object, value="<pad>")
    assert out.dtype == object
    assert out.tolist() == [["<pad>", "the", "cat"], ["<pad>", "<pad>", "sat"], ["very", "long", "one"]]
    out = pad_sequences(words, maxlen=2, dtype="<U5", value="", padding="post", truncating="post")
    assert out.dtype == np.dtype("<U5")
    assert out.tolist() == [["the", "cat"], ["sat", ""], ["a", "very"]]
    assert pad_sequences(words, dtype="object", value="-").shape == (3, 4)


def test_string_value_needs_a_string_dtype():
    with pytest.raises(ValueError, match="`dtype` int32 is not compatible with `value`'s type"):
        pad_sequences([["a"]], value="x")
    with pytest.raises(ValueError, match="dtype=object"):
        pad_sequences([[1.0]], dtype="float32", value="x")


def test_multidimensional_elements():
    seqs = [[[1, 1], [2, 2], [3, 3]], [], [[4, 4]]]
    out = pad_sequences(seqs, maxlen=2, dtype="float32")
    assert out.shape == (3, 2, 2) and out.dtype == np.float32
    np.testing.assert_array_equal(out, [[[2, 2], [3, 3]], [[0, 0], [0, 0]], [[0, 0], [4, 4]]])
    with pytest.raises(ValueError, match=r"shape of sample \(3,\) of sequence at position 1 is "
                                         r"different from expected shape \(2,\)"):
        pad_sequences([[[1, 1]], [[1, 1, 1]]])


def test_empty_sequences():
    np.testing.assert_array_equal(pad_sequences([[], [1, 2]]), [[0, 0], [1, 2]])
    np.testing.assert_array_equal(pad_sequences([[], []], maxlen=3, value=7), [[7, 7, 7], [7, 7, 7]])
    assert pad_sequences([[], []]).shape == (2, 0)
    assert pad_sequences([], maxlen=3).shape == (0, 3)
    assert pad_sequences(SEQS, maxlen=0).shape == (3, 0)


@pytest.mark.parametrize("call, message", [
    (lambda: pad_sequences(5), "list of sequences"),
    (lambda: pad_sequences([[1], 2]), "Found non-iterable: 2"),
    (lambda: pad_sequences(SEQS, padding="middle"), 'Padding type "middle" not understood'),
    (lambda: pad_sequences(SEQS, truncating="both"), 'Truncating type "both" not understood'),
    (lambda: pad_sequences([]), "maxlen"),
    (lambda: pad_sequences(SEQS, maxlen=-1), "maxlen"),
    (lambda: pad_sequences(SEQS, maxlen=2.5), "maxlen"),
])
def test_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_public_paths():
    from neuronet.preprocessing import sequence
    assert sequence.pad_sequences is pad_sequences
    assert neuronet.utils.pad_sequences is pad_sequences


# ---------------------------------------------------------------- keras_preprocessing oracle

PAD_INPUTS = {  # name: (sequences, kwargs)
    "ints": ([[1, 2, 3], [4], [], [5, 6, 7, 8, 9]], {}),
    "ints-value": ([[1, 2, 3], [4], [], [5, 6, 7, 8, 9]], {"value": -1}),
    "floats-to-int32": ([[0.7, -1.2], [2.9, 3.5, 4.1]], {}),
    "float32": ([[0.5, 1.5], [2.5, 3.5, 4.5], []], {"dtype": "float32", "value": 9.5}),
    "object-strings": ([["a", "bb"], ["ccc"], [], ["d", "e", "f", "g"]],
                       {"dtype": object, "value": "<pad>"}),
    "str-dtype": ([["ab", "c"], ["def"]], {"dtype": "<U3", "value": "-"}),
    "2-d-elements": ([np.ones((2, 3)), np.arange(12.0).reshape(4, 3), []], {"dtype": "float32"}),
}


@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
@pytest.mark.parametrize("maxlen", [None, 2, 6])
@pytest.mark.parametrize("name", sorted(PAD_INPUTS))
def test_matches_keras_preprocessing(monkeypatch, name, maxlen, truncating, padding):
    kp = pytest.importorskip("keras_preprocessing.sequence")
    monkeypatch.setattr(np, "unicode_", np.str_, raising=False)  # gone in NumPy 2, used by kp
    sequences, kwargs = PAD_INPUTS[name]
    kwargs = dict(kwargs, maxlen=maxlen, truncating=truncating, padding=padding)
    expected = kp.pad_sequences(sequences, **kwargs)
    out = pad_sequences(sequences, **kwargs)
    assert out.dtype == expected.dtype
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out, expected)

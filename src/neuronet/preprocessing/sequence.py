"""Sequence preprocessing with the classic Keras' semantics: `pad_sequences`, and under
this module's name (keras.preprocessing.sequence) `skipgrams`, `make_sampling_table` and
`TimeseriesGenerator` from their own modules."""
import numpy as np

from .skipgrams import make_sampling_table, skipgrams
from .timeseries_generator import TimeseriesGenerator

__all__ = ["pad_sequences", "skipgrams", "make_sampling_table", "TimeseriesGenerator"]

_SIDES = ("pre", "post")


def _check_side(argument, value):
    if not isinstance(value, str) or value not in _SIDES:
        raise ValueError(f'pad_sequences: {argument.capitalize()} type "{value}" not understood; '
                         f"expected one of {_SIDES}")


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    """Pad (or cut) a list of sequences to one length: an array (len(sequences), maxlen) + sample_shape.

    Args:
        sequences: a list of sequences (lists, tuples or arrays); their elements may be
            numbers, strings (with dtype=object or a str dtype) or equal-shaped arrays.
        maxlen: the output length; None uses the longest sequence.
        dtype: the output dtype (default 'int32': float values are truncated).
        padding: 'pre' or 'post': put `value` before or after each sequence.
        truncating: 'pre' or 'post': drop the start or the end of sequences longer than `maxlen`.
        value: the padding value (a string needs dtype=object or a str dtype).

    `sample_shape` is the shape of the elements of the first non-empty sequence; every
    kept element must have it. Empty sequences become rows of `value`.

    >>> pad_sequences([[1, 2, 3], [4]], maxlen=2)
    array([[2, 3],
           [0, 4]], dtype=int32)
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("pad_sequences: `sequences` must be a list of sequences, "
                         f"received {type(sequences).__name__}")
    lengths = []
    for sequence in sequences:
        if not hasattr(sequence, "__len__"):
            raise ValueError("pad_sequences: `sequences` must be a list of iterables. "
                             f"Found non-iterable: {sequence!r}")
        lengths.append(len(sequence))
    _check_side("padding", padding)
    _check_side("truncating", truncating)
    if maxlen is None:
        if not lengths:
            raise ValueError("pad_sequences: cannot infer `maxlen` from an empty list of sequences; "
                             "pass maxlen")
        maxlen = max(lengths)
    elif not isinstance(maxlen, (int, np.integer)) or maxlen < 0:
        raise ValueError(f"pad_sequences: `maxlen` must be None or an int >= 0, received {maxlen!r}")

    # Shape of one element, from the first non-empty sequence.
    sample_shape = next((np.asarray(s).shape[1:] for s, n in zip(sequences, lengths) if n), ())
    if isinstance(value, str) and np.dtype(dtype).kind not in "OU":
        raise ValueError(f"pad_sequences: `dtype` {dtype} is not compatible with `value`'s type: "
                         f"{type(value)}\nYou should set `dtype=object` for variable length strings.")

    padded = np.full((len(sequences), maxlen) + sample_shape, value, dtype=dtype)
    # One cheap step per sequence: converting each Python list with np.asarray is faster
    # than flattening all of them first.
    for position, (sequence, length) in enumerate(zip(sequences, lengths)):
        kept = min(length, maxlen)
        if kept == 0:
            continue
        piece = sequence[length - kept:] if truncating == "pre" else sequence[:kept]
        piece = np.asarray(piece, dtype=dtype)
        if piece.shape[1:] != sample_shape:
            raise ValueError(f"pad_sequences: shape of sample {piece.shape[1:]} of sequence at "
                             f"position {position} is different from expected shape {sample_shape}")
        if padding == "pre":
            padded[position, maxlen - kept:] = piece
        else:
            padded[position, :kept] = piece
    return padded

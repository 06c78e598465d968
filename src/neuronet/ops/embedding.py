"""Embedding lookup as one op: the forward gathers rows, the backward sums gradients per row."""
import numpy as np

from ..autograd.tensor import Tensor, as_array
from .math import tensor

__all__ = ["embedding", "check_indices"]


def check_indices(indices, input_dim, who="embedding"):
    """`indices` as an integer array; raises unless every index is in [0, input_dim)."""
    indices = as_array(indices)
    if indices.dtype.kind == "f":
        whole = indices.astype(np.int64)
        if not np.array_equal(whole, indices):
            raise ValueError(f"{who}: expected integer indices, received non-integer values "
                             f"such as {indices[whole != indices].flat[0]!r}")
        indices = whole
    elif indices.dtype.kind not in "iu":
        raise TypeError(f"{who}: expected integer indices, received dtype {indices.dtype}")
    if indices.size:
        low, high = indices.min(), indices.max()
        if low < 0 or high >= input_dim:
            bad = low if low < 0 else high
            raise ValueError(f"{who}: index {bad} is out of range; expected indices in "
                             f"[0, {input_dim - 1}] (input_dim={input_dim})")
    return indices.astype(np.intp, copy=False)


_ROUNDS = 4     # rows of an index up to this many are added by rounds; the rest by runs


def _row_sums(indices, grads, rows):
    """(rows, dim): row k holds the sum of the rows of `grads` (n, dim) whose index is k.

    Sorted by index, the rows of each index form one run. Round r takes the r-th row of
    every run: no index repeats within a round, so one gather and one scatter add it
    exactly (round 0 writes into zeros). An index with more than _ROUNDS rows (a padding
    token, say) adds the rest of its run with np.add.reduceat.
    """
    out = np.zeros((rows, grads.shape[1]), grads.dtype)
    order = np.argsort(indices)
    starts = _run_starts(indices[order])
    rank = np.arange(len(indices)) - np.flatnonzero(starts)[np.cumsum(starts) - 1]
    for r in range(min(rank.max() + 1, _ROUNDS)):
        pick = order[rank == r]
        at = indices[pick]
        picked = np.take(grads, pick, axis=0)             # np.take: faster than grads[pick]
        if r:
            picked += np.take(out, at, axis=0)
        out[at] = picked
    rest = order[rank >= _ROUNDS]                                     # sorted by index
    if rest.size:
        ordered = indices[rest]
        firsts = np.flatnonzero(_run_starts(ordered))
        out[ordered[firsts]] += np.add.reduceat(np.take(grads, rest, axis=0), firsts, axis=0)
    return out


def _run_starts(ordered):
    """True where a run of equal values starts in the sorted array `ordered`."""
    return np.concatenate(([True], ordered[1:] != ordered[:-1]))


def embedding(indices, embeddings):
    """Rows of `embeddings` picked by integer `indices`.

    indices: any shape (...); embeddings: (input_dim, output_dim) -> (..., output_dim).
    The indices get no gradient; repeated indices add their gradients.
    """
    embeddings = tensor(embeddings)
    input_dim, output_dim = embeddings.shape
    indices = check_indices(indices, input_dim)
    flat = indices.reshape(-1)
    out = np.take(embeddings.data, flat, axis=0).reshape(indices.shape + (output_dim,))

    def backward(g):                                   # d out[k] / d embeddings[indices[k]] = 1
        if flat.size == 0:
            return (np.zeros(embeddings.shape, g.dtype),)
        return (_row_sums(flat, g.reshape(-1, output_dim), input_dim),)
    return Tensor.from_op(out, (embeddings,), backward)

"""Connectionist Temporal Classification (Graves et al., 2006): a loss for sequences whose
alignment to the inputs is unknown (speech, handwriting, captchas), and its decoders.

The network emits, at each of T time steps, logits over the classes plus a blank
(`mask_index`). A labelling l (say "c a t") is read from a path of T symbols by merging
repeats and dropping blanks ("cc-aa-t" -> "cat"). The loss is -log p(l | x), p summing
over every path that reads l. The forward-backward algorithm computes it on the extended
labelling l' = (blank, l1, blank, l2, ..., blank), S = 2 L + 1 positions:

    alpha[t, s]: log p of the path prefixes up to t that end at position s of l'
    alpha[t, s] = emit[t, s] + logsumexp(alpha[t-1, s], alpha[t-1, s-1],
                                         alpha[t-1, s-2] when l'[s] != blank, l'[s-2])
    beta[t, s]:  the same for the suffixes from t, read backwards
    -log p(l | x) = -logsumexp(alpha[T-1, S-1], alpha[T-1, S-2])

with emit[t, s] = log softmax(logits)[t, l'[s]]. The gradient with respect to the logits
is softmax(logits)[t, k] - (the probability that a path reading l is at a position of
class k at time t), the latter from alpha + beta - emit. One Python loop over time for
each recursion; everything else is vectorised over the batch and the positions.
"""
import numpy as np

from ..autograd.tensor import Tensor, as_array
from .activations import log_softmax
from .math import tensor

__all__ = ["ctc_loss", "ctc_decode"]


def _lengths(lengths, batch, limit, name, caller):
    """Per-sample lengths as an int array (batch,), each in [0, limit]."""
    lengths = np.asarray(as_array(lengths)).astype(np.int64).reshape(-1)
    if lengths.shape != (batch,) or lengths.min(initial=0) < 0 or lengths.max(initial=0) > limit:
        raise ValueError(f"{caller}: expected '{name}' of shape ({batch},) with values in [0, "
                         f"{limit}], received {np.asarray(as_array(lengths)).tolist()}")
    return lengths


def _logsumexp3(a, b, c):
    """Elementwise log(exp(a) + exp(b) + exp(c)), -inf where all three are -inf."""
    top = np.maximum(np.maximum(a, b), c)
    safe = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        return np.log(np.exp(a - safe) + np.exp(b - safe) + np.exp(c - safe)) + safe


def _shift(a, by):
    """a (batch, S) moved `by` positions to the right (-inf comes in); negative: left."""
    out = np.full_like(a, -np.inf)
    if by > 0:
        out[:, by:] = a[:, :-by]
    else:
        out[:, :by] = a[:, -by:]
    return out


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """-log p(target | output) per sample (batch,), as `keras.ops.ctc_loss`.

    target: int labels (batch, max_label_length), the first target_length[b] of row b
    used; output: logits (batch, max_time, classes), not softmax-normalised, the first
    output_length[b] steps of sample b used; mask_index: the blank class. A labelling
    that cannot fit in its steps (too long, counting the blanks repeats need) has
    probability 0: its loss is inf, as in TensorFlow and PyTorch.
    """
    output = tensor(output)
    if output.ndim != 3 or output.dtype.kind != "f":
        raise ValueError(f"ctc_loss: expected float logits 'output' of shape (batch, max_time, "
                         f"classes), received shape {output.shape} and dtype {output.dtype}")
    batch, steps, classes = output.shape
    labels = np.asarray(as_array(target)).astype(np.int64)
    if labels.ndim != 2 or labels.shape[0] != batch:
        raise ValueError(f"ctc_loss: expected 'target' of shape ({batch}, max_label_length), "
                         f"received shape {labels.shape}")
    label_lengths = _lengths(target_length, batch, labels.shape[1], "target_length", "ctc_loss")
    time_lengths = _lengths(output_length, batch, steps, "output_length", "ctc_loss")
    if not 0 <= mask_index < classes:
        raise ValueError(f"ctc_loss: expected mask_index in [0, {classes}), received "
                         f"{mask_index!r}")
    used = np.arange(labels.shape[1]) < label_lengths[:, None]
    if np.any(used & ((labels < 0) | (labels >= classes) | (labels == mask_index))):
        raise ValueError(f"ctc_loss: target labels must be in [0, {classes}) and differ from "
                         f"the blank mask_index={mask_index}")

    # the extended labelling l': blank, l1, blank, l2, ..., blank -> (batch, S)
    positions = 2 * labels.shape[1] + 1
    extended = np.full((batch, positions), mask_index)
    extended[:, 1::2] = np.where(used, labels, mask_index)
    ends = 2 * label_lengths + 1                        # S_b: the positions of sample b
    real = np.arange(positions) < ends[:, None]         # (batch, S): inside l'_b
    # from s - 2 to s: a label different from the one before it (a blank lies between)
    skip = np.zeros((batch, positions), bool)
    skip[:, 2:] = (extended[:, 2:] != mask_index) & (extended[:, 2:] != extended[:, :-2])

    logp = log_softmax(output.data.astype(np.float64), axis=-1).data   # (batch, T, classes)
    emit = np.take_along_axis(logp, np.broadcast_to(extended[:, None, :], (batch, steps,
                                                                           positions)), axis=2)
    emit = np.where(real[:, None, :], emit, -np.inf)    # (batch, T, S)

    alpha = np.full((batch, steps, positions), -np.inf)
    alpha[:, 0, :2] = emit[:, 0, :2]                    # start with a blank or the first label
    for t in range(1, steps):
        previous = alpha[:, t - 1]
        alpha[:, t] = emit[:, t] + _logsumexp3(previous, _shift(previous, 1),
                                               np.where(skip, _shift(previous, 2), -np.inf))

    samples = np.arange(batch)
    last = np.maximum(time_lengths - 1, 0)
    final = alpha[samples, last]                        # (batch, S) at each sample's last step
    log_p = np.logaddexp(final[samples, ends - 1],
                         np.where(ends >= 2, final[samples, np.maximum(ends - 2, 0)], -np.inf))
    log_p = np.where(time_lengths > 0, log_p, np.where(label_lengths == 0, 0.0, -np.inf))
    loss = (-log_p).astype(output.dtype)

    def backward(g):                                    # g: (batch,)
        beta = np.full((batch, positions), -np.inf)
        at = np.empty((batch, steps, positions))        # log p(path at position s, time t | l)
        finish = real & (np.arange(positions) >= (ends - 2)[:, None])   # the last two of l'_b
        skip_back = _shift(skip.astype(float), -2) > 0  # from s + 2 back to s
        for t in range(steps - 1, -1, -1):
            following = _logsumexp3(beta, _shift(beta, -1),
                                    np.where(skip_back, _shift(beta, -2), -np.inf))
            beta = np.where((t == time_lengths - 1)[:, None],
                            np.where(finish, emit[:, t], -np.inf),
                            np.where((t < time_lengths - 1)[:, None], emit[:, t] + following,
                                     -np.inf))
            with np.errstate(invalid="ignore"):         # alpha + beta count emit[t, s] twice
                at[:, t] = np.where(np.isfinite(emit[:, t]), alpha[:, t] + beta - emit[:, t],
                                    -np.inf)
        with np.errstate(invalid="ignore"):
            weight = np.exp(at - log_p[:, None, None])  # (batch, T, S), 0 where impossible
        by_class = np.eye(classes)[extended]            # (batch, S, classes): l'[s] one-hot
        occupancy = np.einsum("bts,bsk->btk", np.nan_to_num(weight), by_class)
        inside = (np.arange(steps) < time_lengths[:, None])[:, :, None]
        finite = np.isfinite(log_p)[:, None, None]
        grad = np.where(inside & finite, np.exp(logp) - occupancy, 0.0)   # d loss/d logits
        return ((g[:, None, None] * grad).astype(output.dtype),)
    return Tensor.from_op(loss, (output,), backward)


def _greedy_decode(inputs, lengths, merge_repeated, mask_index):
    """The most likely class at each step, repeats merged, blanks dropped (Keras' scores:
    minus the sum of each step's largest input)."""
    batch, steps, _ = inputs.shape
    outside = np.arange(steps) >= lengths[:, None]      # (batch, T): past each sample's end
    best = np.where(outside, mask_index, inputs.argmax(axis=-1))
    scores = -np.where(outside, 0.0, inputs.max(axis=-1)).sum(axis=1, keepdims=True)
    dropped = best == mask_index
    if merge_repeated:
        dropped[:, 1:] |= best[:, 1:] == best[:, :-1]
    kept_first = np.argsort(dropped, axis=1, kind="stable")     # the kept steps, in order, first
    decoded = np.where(np.take_along_axis(dropped, kept_first, axis=1), -1,
                       np.take_along_axis(best, kept_first, axis=1))
    return decoded[None], scores


def _beam_search(logp, beam_width, top_paths, mask_index):
    """The `top_paths` most likely labellings of one sample's log-probabilities (T, classes)
    by prefix beam search: each prefix keeps log p(ending in a blank) and log p(ending in
    its last label), summed over the paths that read it; the `beam_width` best survive
    each step. Returns [(labelling, log p)], best first.

    The beams are arrays: at each step every beam either stays (a blank, or its last label
    repeated) or grows by one label, scored for all beams and labels at once; a grown
    prefix that is already a beam merges into it."""
    labels = np.array([c for c in range(logp.shape[1]) if c != mask_index])
    column = np.full(logp.shape[1], -1)
    column[labels] = np.arange(len(labels))            # class -> its column among `labels`
    prefixes = [()]
    p_blank, p_label = np.zeros(1), np.full(1, -np.inf)
    for step in logp:
        total = np.logaddexp(p_blank, p_label)                         # (beams,)
        last = np.array([prefix[-1] if prefix else -1 for prefix in prefixes])
        stay_blank = total + step[mask_index]
        stay_label = np.where(last >= 0, p_label + step[np.maximum(last, 0)], -np.inf)
        # grow beam i by label l: after anything, but a repeat of its last label only
        # after a blank
        grow = np.where(labels[None, :] == last[:, None], p_blank[:, None],
                        total[:, None]) + step[labels][None, :]          # (beams, labels)
        index = {prefix: i for i, prefix in enumerate(prefixes)}
        for j, prefix in enumerate(prefixes):          # prefix[:-1] + (l,) is beam j
            parent = index.get(prefix[:-1]) if prefix else None
            if parent is not None:
                stay_label[j] = np.logaddexp(stay_label[j], grow[parent, column[prefix[-1]]])
                grow[parent, column[prefix[-1]]] = -np.inf
        scores = np.concatenate([np.logaddexp(stay_blank, stay_label), grow.ravel()])
        keep = min(beam_width, int(np.isfinite(scores).sum()) or 1)
        best = np.argpartition(-scores, keep - 1)[:keep]
        best = best[np.argsort(-scores[best], kind="stable")]
        staying, grown = best[best < len(prefixes)], best[best >= len(prefixes)] - len(prefixes)
        parents, columns = np.divmod(grown, len(labels))
        prefixes = ([prefixes[i] for i in staying]
                    + [prefixes[i] + (int(labels[c]),) for i, c in zip(parents, columns)])
        p_blank = np.concatenate([stay_blank[staying], np.full(len(grown), -np.inf)])
        p_label = np.concatenate([stay_label[staying], grow[parents, columns]])
    totals = np.logaddexp(p_blank, p_label)
    order = np.argsort(-totals, kind="stable")[:top_paths]
    return [(prefixes[i], float(totals[i])) for i in order]


def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    """The labellings that CTC outputs read, as `keras.ops.ctc_decode`.

    inputs: logits (batch, max_time, classes); sequence_lengths: the steps used per sample.
    strategy 'greedy': the best class per step, repeats merged (merge_repeated) and blanks
    (mask_index) dropped; 'beam_search': prefix beam search over the softmax of the
    inputs, keeping `beam_width` prefixes, returning `top_paths` labellings.
    Returns (decoded (top_paths, batch, max_time) int32 padded with -1, scores (batch,
    top_paths)): for 'greedy' minus the sum of the largest input per step; for
    'beam_search' each labelling's log-probability.
    """
    x = np.asarray(as_array(inputs))
    if x.ndim != 3:
        raise ValueError(f"ctc_decode: expected 'inputs' of shape (batch, max_time, classes), "
                         f"received shape {x.shape}")
    batch, steps, classes = x.shape
    lengths = _lengths(sequence_lengths, batch, steps, "sequence_lengths", "ctc_decode")
    x = x.astype(np.result_type(x.dtype, np.float32))
    if strategy == "greedy":
        decoded, scores = _greedy_decode(x, lengths, merge_repeated, mask_index)
    elif strategy == "beam_search":
        for name, value in (("beam_width", beam_width), ("top_paths", top_paths)):
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"ctc_decode: expected a positive int for '{name}', received "
                                 f"{value!r}")
        if top_paths > beam_width:
            raise ValueError(f"ctc_decode: top_paths={top_paths} cannot exceed "
                             f"beam_width={beam_width}")
        logp = log_softmax(x.astype(np.float64), axis=-1).data
        decoded = np.full((top_paths, batch, steps), -1)
        scores = np.full((batch, top_paths), -np.inf)
        for b in range(batch):
            for rank, (labelling, score) in enumerate(
                    _beam_search(logp[b, :lengths[b]], beam_width, top_paths, mask_index)):
                decoded[rank, b, :len(labelling)] = labelling
                scores[b, rank] = score
    else:
        raise ValueError(f"ctc_decode: invalid strategy {strategy!r}; expected 'greedy' or "
                         "'beam_search'")
    return Tensor(decoded.astype(np.int32)), Tensor(scores.astype(x.dtype))

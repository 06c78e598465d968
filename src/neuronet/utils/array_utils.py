"""Array helpers from Keras' utils: one-hot encoding and normalization."""
import numpy as np


def to_categorical(y, num_classes=None, dtype="float32"):
    """One-hot encode integer class labels: (n,) or (n, 1) -> (n, num_classes). Numeric
    strings ('0', '1', ...) are taken as their numbers, as in Keras."""
    y = np.asarray(y)
    if y.dtype.kind in "USO":
        try:
            y = y.astype(np.int64)
        except (TypeError, ValueError):
            raise ValueError(f"to_categorical: expected integer class labels, received values "
                             f"such as {y.ravel()[:3].tolist()}") from None
    if y.size and not np.all(np.equal(np.mod(y, 1), 0)):
        raise ValueError("to_categorical: expected integer class labels, received "
                         "non-integer values")
    y = y.astype(int)
    if y.ndim > 1 and y.shape[-1] == 1:
        y = y.reshape(y.shape[:-1])
    if y.size and y.min() < 0:
        raise ValueError(f"to_categorical: labels must be >= 0, received {y.min()}")
    needed = int(y.max()) + 1 if y.size else 0
    if num_classes is None:
        num_classes = needed
    elif needed > num_classes:
        raise ValueError(f"to_categorical: label {needed - 1} is out of range for "
                         f"num_classes={num_classes} (expected labels in [0, {num_classes - 1}])")
    categorical = np.zeros(y.shape + (num_classes,), dtype=dtype)
    np.put_along_axis(categorical, y[..., None], 1, axis=-1)
    return categorical


def normalize(x, axis=-1, order=2):
    """Scale `x` to unit `order`-norm along `axis` (zero vectors stay zero)."""
    x = np.asarray(x)
    norm = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / np.where(norm == 0, 1, norm)

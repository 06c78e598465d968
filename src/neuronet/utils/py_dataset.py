"""PyDataset (also named Sequence): the base class of a data set written in Python that
`fit`, `evaluate` and `predict` read batch by batch (Keras 3's `keras.utils.PyDataset`)."""
import itertools


class PyDataset:
    """Base class of a data set that gives whole batches by index.

    A subclass implements `__getitem__(index)`, which returns batch `index` as `x`,
    `(x,)`, `(x, y)` or `(x, y, sample_weight)`, and `__len__()`, the number of batches
    (or, instead, the `num_batches` property, None for an endless data set).

    `fit` calls `on_epoch_begin()` before and `on_epoch_end()` after the batches of each
    epoch, `evaluate` and `predict` around their pass: override them to change the data
    between epochs. With `fit(..., shuffle=True)` (the default), each epoch visits the
    batches of a finite data set in a new random order, as Keras 3 does; the samples
    inside a batch stay as `__getitem__` gives them.

    Args:
        workers: number of threads or processes Keras reads batches with.
        use_multiprocessing: whether Keras uses processes rather than threads.
        max_queue_size: how many batches Keras reads ahead.
        The three are kept as attributes for compatibility; batches are read one after
        the other here.

    Example:

        class Batches(keras.utils.PyDataset):
            def __init__(self, x, y, batch_size, **kwargs):
                super().__init__(**kwargs)
                self.x, self.y, self.batch_size = x, y, batch_size

            def __len__(self):
                return math.ceil(len(self.x) / self.batch_size)

            def __getitem__(self, index):
                part = slice(index * self.batch_size, (index + 1) * self.batch_size)
                return self.x[part], self.y[part]
    """

    # Class-level defaults, so a subclass that does not call super().__init__() works too.
    workers = 1
    use_multiprocessing = False
    max_queue_size = 10

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self.workers = workers
        self.use_multiprocessing = use_multiprocessing
        self.max_queue_size = max_queue_size

    def __getitem__(self, index):
        """Batch number `index`."""
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__(index), "
                                  "which returns batch number `index`")

    @property
    def num_batches(self):
        """The number of batches (`len(self)`), or None for an endless data set."""
        if not hasattr(self, "__len__"):
            raise NotImplementedError(f"{type(self).__name__} must implement __len__(), which "
                                      "returns the number of batches, or the `num_batches` "
                                      "property")
        return len(self)

    def __iter__(self):
        """The batches in order (without end when `num_batches` is None)."""
        count = self.num_batches
        for index in itertools.count() if count is None else range(count):
            yield self[index]

    def on_epoch_begin(self):
        """Called at the start of every epoch."""

    def on_epoch_end(self):
        """Called at the end of every epoch."""


Sequence = PyDataset

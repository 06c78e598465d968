"""CSVLogger: write each epoch's results as a row of a CSV file."""
import csv
import os

import numpy as np

from .callback import Callback


def _cell(value):
    """A log value as a CSV cell: sequences are written as '[a, b, ...]'."""
    if isinstance(value, str) or np.ndim(value) == 0:
        return value
    return f"[{', '.join(map(str, np.ravel(value)))}]"


class CSVLogger(Callback):
    """Write the epoch index and each epoch's logs as a row of a CSV file.

    The columns are 'epoch' then the log keys of the first epoch, sorted, followed (when
    none of them is a validation key) by 'val_' and each of them, as in Keras: validation
    that starts later (validation_freq > 1) or a run appended later then has its columns.
    A key missing from an epoch is written as 'NA'.

    Args:
        filename: path of the CSV file.
        separator: the column separator.
        append: add to an existing file (no second header) instead of overwriting it.
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.keys = None
        self.writer = None
        self.csv_file = None

    def on_train_begin(self, logs=None):
        # A header is written unless rows are appended to a file that already has one.
        self.append_header = True
        if self.append and os.path.exists(self.filename):
            with open(self.filename, newline="") as existing:
                self.append_header = not existing.readline()
        self._close()
        self.csv_file = open(self.filename, "a" if self.append else "w", newline="")
        self.keys = None
        self.writer = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if not any(key.startswith("val_") for key in self.keys):
                self.keys += [f"val_{key}" for key in self.keys]
        if self.writer is None:
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys,
                                         delimiter=self.sep)
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((key, _cell(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        self._close()
        self.writer = None

    def _close(self):
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()

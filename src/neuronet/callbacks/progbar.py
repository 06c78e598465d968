"""Progbar: the Keras progress bar, drawn with tqdm.

With verbose=1 on a terminal or in a notebook, a live bar is redrawn in place:

      12/1875 ━━━━━━━━──────────── 3s 1ms/step - accuracy: 0.9012 - loss: 0.3456

(the estimated time left while running, the time taken once finished), cut to the width
of the terminal while running, whole once finished. When the output
is not a terminal (a log file, a pipe), tqdm is not installed or interactive logging is
off (`keras.config.disable_interactive_logging`), only the finished line is written, once. With verbose=2 the finished line reads
`1875/1875 - 3s - 1ms/step - accuracy: 0.9012 - loss: 0.3456`; verbose=0 is silent.
"""
import sys
import time

import numpy as np

from ..io_utils import is_interactive_logging_enabled, print_msg

DONE_CELL = "━"
TODO_CELL = "─"


def _tqdm_class():
    """tqdm's class for the current front end (terminal or notebook); None without tqdm."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm


def _is_live(stream):
    """Whether `stream` can redraw a line in place: a terminal, or a notebook's output."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) or "ipykernel" in sys.modules


def format_value(value):
    """A metric value as Keras prints it: 4 decimals, or 'e' notation when tiny."""
    return f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"


def format_time_per_unit(seconds, unit_name):
    """'2s/step', '15ms/step' or '250us/step'."""
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit_name}"
    return f"{seconds * 1e6:.0f}us/{unit_name}"


def format_eta(seconds):
    """'42s', '3:07' or '1:02:09'."""
    seconds = int(seconds)
    hours, minutes = seconds // 3600, seconds % 3600 // 60
    if hours:
        return f"{hours}:{minutes:02d}:{seconds % 60:02d}"
    if minutes:
        return f"{minutes}:{seconds % 60:02d}"
    return f"{seconds}s"


def _escape(text):
    """`text` made literal inside a tqdm bar_format."""
    return text.replace("{", "{{").replace("}", "}}")


class Progbar:
    """Displays a progress bar.

    Args:
        target: total number of steps expected, or None if unknown.
        width: number of cells of the bar.
        verbose: 0 (silent), 1 (live bar) or 2 (one line when finished).
        interval: minimum time between two redraws of the live bar, in seconds.
        stateful_metrics: names of values shown as they are; the others are averaged
            over the steps. Give this or `stateless_metrics`, not both.
        stateless_metrics: names of values averaged over the steps; the others are shown
            as they are.
        unit_name: the name of a step in the time per step ('step', 'sample', ...).
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None,
                 stateless_metrics=None, unit_name="step"):
        if verbose not in (0, 1, 2):
            raise ValueError(f"Progbar: expected verbose to be 0, 1 or 2, received {verbose!r}")
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError("Progbar: pass either stateful_metrics or stateless_metrics, "
                             "not both")
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateless_metrics = None if stateless_metrics is None else set(stateless_metrics)
        self.stateful_metrics = set(stateful_metrics or ()) if stateless_metrics is None else None

        self._file = sys.stdout
        live = verbose == 1 and is_interactive_logging_enabled() and _is_live(self._file)
        self._tqdm = _tqdm_class() if live else None
        self._bar = None  # the open tqdm bar while a live display is on screen
        self._values = {}  # name -> [sum of value * steps, steps], in the order first seen
        self._seen_so_far = 0
        self._start = time.time()
        self._last_draw = 0.0
        self._time_after_first_step = None

    def update(self, current, values=None, finalize=None):
        """Move the bar to step `current`.

        Args:
            current: index of the current step (1 after the first step).
            values: list of (name, value) pairs for the last step(s).
            finalize: whether this is the last update; by default, `current >= target`.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self._record(current, values or (), finalize)
        now = time.time()
        time_per_unit = self._estimate_step_duration(current, now)
        if self._tqdm is not None:
            if finalize or now - self._last_draw >= self.interval:
                self._draw_live(current, time_per_unit, now, finalize)
        elif self.verbose and finalize:
            print_msg(self._finished_line(current, time_per_unit, now))

    def add(self, n, values=None):
        """Advance the bar by `n` steps."""
        self.update(self._seen_so_far + n, values)

    # --- bookkeeping --------------------------------------------------------------------------
    def _is_stateful(self, name):
        if self.stateless_metrics is not None:
            return name not in self.stateless_metrics
        return name in self.stateful_metrics

    def _record(self, current, values, finalize):
        """Keep the values to show: a stateful one as it is; a stateless one averaged over
        the steps, except that the final update's values (an epoch's results) are shown as
        they are, as in Keras."""
        for name, value in values:
            value = float(np.mean(value))
            if self._is_stateful(name) or finalize:
                self._values[name] = [value, 1]
            else:
                # A value stands for every step since the previous update.
                steps = max(current - self._seen_so_far, 1)
                total, count = self._values.get(name, (0.0, 0))
                self._values[name] = [total + value * steps, count + steps]
        self._seen_so_far = current

    def _estimate_step_duration(self, current, now):
        """Seconds per step; the first step (often slower: setup, caches) is left out."""
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            per_step = (now - self._time_after_first_step) / (current - 1)
        else:
            per_step = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_step

    # --- text ---------------------------------------------------------------------------------
    def _count(self, current):
        if self.target is None:
            return f"{current:7d}/Unknown"
        return f"{current:{len(str(self.target))}d}/{self.target}"

    def _metrics(self):
        return "".join(f" - {name}: {format_value(total / max(count, 1))}"
                       for name, (total, count) in self._values.items())

    def _right_text(self, current, time_per_unit, now, finalize):
        """The time (left while running, taken once finished), time per step and metrics."""
        if finalize or self.target is None:
            when = f"{now - self._start:.0f}s"
        else:
            when = format_eta(time_per_unit * (self.target - current))
        return f"{when} {format_time_per_unit(time_per_unit, self.unit_name)}{self._metrics()}"

    def _finished_line(self, current, time_per_unit, now):
        if self.verbose == 2:
            return (f"{self._count(current)} - {now - self._start:.0f}s - "
                    f"{format_time_per_unit(time_per_unit, self.unit_name)}{self._metrics()}")
        right = self._right_text(current, time_per_unit, now, finalize=True)
        if self.target is None:
            return f"{self._count(current)} {right}"
        done = min(int(self.width * current / self.target), self.width) if self.target else 0
        bar = DONE_CELL * done + TODO_CELL * (self.width - done)
        return f"{self._count(current)} {bar} {right}"

    def _draw_live(self, current, time_per_unit, now, finalize):
        right = self._right_text(current, time_per_unit, now, finalize)
        bar = "" if self.target is None else f"{{bar:{self.width}}} "
        line_format = f"{_escape(self._count(current))} {bar}{_escape(right)}"
        if self._bar is None:                          # draws the line
            self._bar = self._tqdm(total=self.target, initial=current, file=self._file,
                                   bar_format=line_format, ascii=TODO_CELL + DONE_CELL,
                                   dynamic_ncols=True, leave=True, disable=False)
        else:
            self._bar.bar_format = line_format
            self._bar.total = self.target
            self._bar.n = current
            if not finalize:
                self._bar.refresh()
        self._last_draw = now
        if finalize:
            # Running lines are cut to the terminal's width, so that they redraw in place;
            # the finished one is drawn whole by close(), as Keras prints it.
            self._bar.dynamic_ncols = False
            self._bar.ncols = self._bar.nrows = None
            self._bar.close()
            self._bar = None

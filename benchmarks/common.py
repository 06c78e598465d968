"""Shared benchmark plumbing: the BLAS kernel, timings, ratio tables, the peer frameworks
(PyTorch, Keras 3) and a PyTorch loop.

Import this module before NumPy: it re-executes the script without OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE, which these machines set and which force NumPy onto slower kernels.
It also selects Keras 3's JAX backend unless KERAS_BACKEND already names one.
"""
import importlib
import os
import statistics
import sys
import time

_FORCED = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
if any(name in os.environ for name in _FORCED):
    env = {k: v for k, v in os.environ.items() if k not in _FORCED}
    os.execve(sys.executable, [sys.executable] + sys.argv, env)
os.environ.setdefault("KERAS_BACKEND", "jax")      # read by Keras when it is first imported

PAUSE = 1.0     # seconds between two peers' epochs: the worker threads of the last one
                # (OpenMP's, XLA's, OpenBLAS') stop spinning and leave the cores free

NEURONET = "neuronet fit"
TORCH = "PyTorch (hand-written loop)"
NUMPY = "plain NumPy (hand-written)"
KERAS = f"Keras 3 ({os.environ['KERAS_BACKEND']} backend)"


def blas_report():
    """Which BLAS library and kernel NumPy runs on, as threadpoolctl reports it."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed (pip install threadpoolctl)"
    import numpy  # noqa: F401  (load its BLAS so threadpoolctl sees it)
    rows = [f"{i.get('internal_api')} {i.get('version')} kernel={i.get('architecture')} "
            f"threads={i.get('num_threads')}" for i in threadpool_info() if i.get("user_api") == "blas"]
    return "; ".join(rows) or "no BLAS found"


def run_times(run, repeats):
    """Wall-clock seconds of each of `repeats` calls of `run()`."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def fastest(run, repeats):
    """The fastest of `repeats` runs of `run()`, in seconds."""
    return min(run_times(run, repeats))


def median_time(run, repeats=7, warmup=1):
    """Median wall-clock seconds of `run()` over `repeats` runs after `warmup` runs."""
    for _ in range(warmup):
        run()
    return statistics.median(run_times(run, repeats))


def torch_train_epoch(model, optimizer, loss_fn, x, y, batch_size):
    """One epoch of the usual hand-written PyTorch loop, over shuffled mini-batches."""
    import torch
    order = torch.randperm(len(x))
    for i in range(0, len(x), batch_size):
        index = order[i:i + batch_size]
        optimizer.zero_grad()
        loss = loss_fn(model(x[index]), y[index])
        loss.backward()
        optimizer.step()


def print_table(title, times, reference, scale=1.0):
    """Print, for {name: [seconds of each round]}, the median seconds (times `scale`) and
    the median over the rounds of each one's time divided by `reference`'s in that round:
    the two ran within seconds of each other, so a slow spell of the machine that
    stretches a whole round cancels out of its ratio. Returns {name: that ratio}."""
    print(f"\n{title}")
    base = times[reference]
    ratios = {}
    for name, seconds in times.items():
        ratios[name] = statistics.median(s / b for s, b in zip(seconds, base))
        print(f"  {name:<28}{statistics.median(seconds) * scale * 1e3:>10.2f} ms   "
              f"{ratios[name]:>6.2f}x {reference}")
    return ratios


def peer_frameworks():
    """{peer name: module} of the peer frameworks that import (PyTorch, Keras 3 on its
    backend); prints each one's version, or a line saying that it is skipped."""
    found = {}
    try:
        import torch
    except ImportError as error:
        print(f"PyTorch cannot be imported ({error}): its column is skipped")
    else:
        print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads")
        found[TORCH] = torch
    backend = os.environ["KERAS_BACKEND"]
    try:
        backend_module = importlib.import_module(backend)
        import keras
    except ImportError as error:
        print(f"Keras 3 on {backend} cannot be imported ({error}): its column is skipped")
    else:
        print(f"Keras {keras.__version__}, backend {keras.backend.backend()} "
              f"{backend_module.__version__}")
        found[KERAS] = keras
    return found


def interleaved_times(epochs, rounds, pause=PAUSE):
    """{name: [seconds of each round]} for {name: function running one epoch}: every round
    runs one epoch of each in turn, so that the slow spells of a shared machine fall on all
    of them alike rather than on whichever ran then."""
    times = {name: [] for name in epochs}
    for _ in range(rounds):
        for name, epoch in epochs.items():
            time.sleep(pause)
            times[name] += run_times(epoch, 1)
    return times


def compare_fit(title, trainers, epochs):
    """Print the median seconds per epoch of each framework and their ratios to the first.

    `trainers` maps a name (NEURONET, TORCH, KERAS, NUMPY) to a function that takes the
    framework's module (numpy for NUMPY), builds the model, and returns a function that
    trains it for one epoch; peers that do not import are skipped. The peers take turns (see
    `interleaved_times`) for `epochs` + 1 rounds; the first is left out of the medians, as
    Keras traces and compiles its training step then.
    """
    print(f"BLAS: {blas_report()}")
    import numpy
    import neuronet
    frameworks = {NEURONET: neuronet, NUMPY: numpy, **peer_frameworks()}
    built = {name: trainer(frameworks[name]) for name, trainer in trainers.items()
             if name in frameworks}
    times = interleaved_times(built, epochs + 1)
    if KERAS in times:
        print(f"{KERAS}: first epoch (with compilation) {times[KERAS][0]:.3f} s")
    reference = next(iter(times))
    later = {name: t[1:] for name, t in times.items()}
    print_table(title, later, reference)
    print_quotients(later, reference)


def print_quotients(times, reference):
    """For {name: [seconds of each round]}, print `reference`'s time divided by each
    other's, the median over the rounds of that quotient."""
    for name, seconds in times.items():
        if name != reference:
            ratio = statistics.median(r / s for r, s in zip(times[reference], seconds))
            print(f"  {reference} time / {name} time: {ratio:.2f} (median over the rounds; "
                  f"below 1: {reference} is faster)")

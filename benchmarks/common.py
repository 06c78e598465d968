"""Shared benchmark plumbing: the BLAS kernel, timings, ratio tables, a PyTorch loop.

Import this module before NumPy: it re-executes the script without OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE, which these machines set and which force NumPy onto slower kernels.
"""
import os
import statistics
import sys
import time

_FORCED = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
if any(name in os.environ for name in _FORCED):
    env = {k: v for k, v in os.environ.items() if k not in _FORCED}
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


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


def print_table(title, results, reference):
    """Print seconds and ratios to `reference` for {name: seconds}."""
    print(f"\n{title}")
    base = results[reference]
    for name, seconds in results.items():
        print(f"  {name:<28}{seconds * 1e3:>10.2f} ms   {seconds / base:>6.2f}x {reference}")


def compare_fit_with_torch(title, neuronet_epoch, torch_epoch, epochs):
    """Print the median seconds per epoch of neuronet's `fit` and of a PyTorch loop, and
    their ratio. `neuronet_epoch()` and `torch_epoch()` build a model and return a function
    that trains it for one epoch; PyTorch is skipped when it is not installed."""
    print(f"BLAS: {blas_report()}")
    results = {"neuronet fit": median_time(neuronet_epoch(), epochs, warmup=0)}
    try:
        import torch
    except ImportError:
        print("PyTorch not installed: its column is skipped")
    else:
        print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads")
        results["PyTorch (hand-written loop)"] = median_time(torch_epoch(), epochs, warmup=0)
    print_table(title, results, "neuronet fit")
    if "PyTorch (hand-written loop)" in results:
        ratio = results["neuronet fit"] / results["PyTorch (hand-written loop)"]
        print(f"  neuronet time / PyTorch time: {ratio:.2f} (below 1: neuronet is faster)")

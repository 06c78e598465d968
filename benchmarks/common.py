"""Shared benchmark plumbing: the BLAS kernel, medians, ratio tables.

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


def median_time(run, repeats=7, warmup=1):
    """Median wall-clock seconds of `run()` over `repeats` runs after `warmup` runs."""
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def print_table(title, results, reference):
    """Print seconds and ratios to `reference` for {name: seconds}."""
    print(f"\n{title}")
    base = results[reference]
    for name, seconds in results.items():
        print(f"  {name:<28}{seconds * 1e3:>10.2f} ms   {seconds / base:>6.2f}x {reference}")

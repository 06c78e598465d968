"""Keep the memory a training step frees for the next step (glibc's malloc, Linux).

Every training step allocates and frees the same large arrays: activations, gradients,
im2col matrices. By default glibc gives blocks above its mmap threshold (128 KiB, rising
with use) back to the kernel on free, and trims the top of the heap when more than twice
that is free, so the next step asks the kernel again and page-faults every array in,
zero-filling each 4 KiB page: a CNN step spends a third of its time there. Raising both
thresholds keeps freed memory in the process for reuse, as the caching allocators of
other frameworks do. The cost: up to `TRIM_THRESHOLD` of free heap stays with the process
instead of returning to the system.

`import neuronet` calls `keep_freed_memory()` unless the environment variable
NEURONET_KEEP_FREED_MEMORY is "0". Elsewhere than on glibc it does nothing.
"""
import ctypes
import os
import sys

M_TRIM_THRESHOLD = -1           # mallopt parameters, from glibc's <malloc.h>
M_MMAP_THRESHOLD = -3
TRIM_THRESHOLD = 64 << 20       # free heap kept before trimming: 64 MiB
MMAP_THRESHOLD = 32 << 20       # blocks from the heap up to 32 MiB (glibc's largest setting)
ENVIRONMENT_VARIABLE = "NEURONET_KEEP_FREED_MEMORY"


def _glibc():
    """The C library of this process when it is glibc, else None."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None)
    return libc if hasattr(libc, "gnu_get_libc_version") else None


def keep_freed_memory():
    """Set glibc's trim and mmap thresholds (see the module docstring); returns whether
    they were set (False where the C library is not glibc)."""
    libc = _glibc()
    if libc is None:
        return False
    return bool(libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
                and libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))


def configure_from_environment():
    """Call `keep_freed_memory()` unless NEURONET_KEEP_FREED_MEMORY is "0"."""
    if os.environ.get(ENVIRONMENT_VARIABLE, "1") != "0":
        keep_freed_memory()

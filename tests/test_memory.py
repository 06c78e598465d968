"""neuronet.memory: freed memory stays with the process, so repeated steps stop page-faulting."""
import os
import subprocess
import sys

import pytest

from neuronet import memory

GLIBC = memory._glibc() is not None

# A training-like loop: the same large temporaries (about 6 and 3 MiB) allocated, written and
# freed again and again; prints the minor page faults of the last 20 rounds.
_LOOP = """
import resource
import numpy as np
import neuronet
x = np.ones((64, 26, 26, 32), np.float32)
def round_():
    a = x * 2.0
    b = a[:, ::2, ::2].copy()
    c = a + 1.0
    return float(b[0, 0, 0, 0] + c[0, 0, 0, 0])
for _ in range(5):
    round_()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    round_()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _page_faults(setting):
    env = {**os.environ, memory.ENVIRONMENT_VARIABLE: setting}
    out = subprocess.run([sys.executable, "-c", _LOOP], env=env, capture_output=True,
                         text=True, check=True)
    return int(out.stdout)


@pytest.mark.skipif(not GLIBC, reason="the thresholds are glibc's")
def test_repeated_temporaries_stop_page_faulting():
    kept, default = _page_faults("1"), _page_faults("0")
    assert default > 2000                      # by default the rounds fault their arrays in again
    assert kept < default / 10


@pytest.mark.skipif(not GLIBC, reason="the thresholds are glibc's")
def test_keep_freed_memory_reports_success_on_glibc():
    assert memory.keep_freed_memory() is True


def test_environment_variable_turns_it_off(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "keep_freed_memory", lambda: calls.append(1))
    monkeypatch.setenv(memory.ENVIRONMENT_VARIABLE, "0")
    memory.configure_from_environment()
    assert calls == []
    monkeypatch.setenv(memory.ENVIRONMENT_VARIABLE, "1")
    memory.configure_from_environment()
    assert calls == [1]


def test_not_glibc_does_nothing(monkeypatch):
    monkeypatch.setattr(memory, "_glibc", lambda: None)
    assert memory.keep_freed_memory() is False

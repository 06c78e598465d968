"""Instructions per training step of fit.py's small workload (20-16-1 network, Adam, batch
32): neuronet's `model.fit` against the hand-written NumPy loop, counted by valgrind.

    python benchmarks/instructions.py

Time per step drifts with the load of a shared machine; the instructions a step executes
do not, so this measures the per-step overhead of the framework exactly, and a change to
it by a fraction of a percent. Each count is (instructions of a run of 3 epochs - those
of a run of 1 epoch) / 2 / steps per epoch: imports and set-up cancel out. BLAS runs on
one thread (waiting threads would count too). Needs valgrind; takes a minute or two.
"""
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

import fit

PEERS = ("neuronet", "numpy")


def train(peer, epochs):
    """Run `epochs` epochs (after one untimed, compiling or warming epoch) of `peer`."""
    workload = fit.WORKLOADS["small"]
    if peer == "neuronet":
        import neuronet
        epoch = fit.epoch_keras(neuronet, workload)
    else:
        epoch = fit.epoch_numpy(workload)
    epoch()
    for _ in range(epochs):
        epoch()


def count(peer, epochs, folder):
    """Instructions of a whole run of this script training `peer` for `epochs` epochs."""
    out = os.path.join(folder, f"{peer}-{epochs}.out")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "PYTHONHASHSEED": "0"}                 # the same set and dict layouts every run
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                    sys.executable, __file__, peer, str(epochs)],
                   check=True, env=env, capture_output=True)
    with open(out) as f:
        return int(re.search(r"^(?:summary|totals): (\d+)", f.read(), re.M).group(1))


def main():
    if len(sys.argv) == 3:                       # the run that valgrind watches
        train(sys.argv[1], int(sys.argv[2]))
        return
    workload = fit.WORKLOADS["small"]
    steps = -(-workload["n"] // workload["batch"])
    with tempfile.TemporaryDirectory() as folder, ThreadPoolExecutor(2) as pool:
        jobs = {(peer, epochs): pool.submit(count, peer, epochs, folder)
                for peer in PEERS for epochs in (1, 3)}
        per_step = {peer: (jobs[peer, 3].result() - jobs[peer, 1].result()) / 2 / steps
                    for peer in PEERS}
    print(f"small {workload['sizes']}, batch {workload['batch']}, {workload['optimizer']}: "
          "instructions per training step")
    for peer, instructions in per_step.items():
        print(f"  {peer:<10}{instructions:>12,.0f}   {instructions / per_step['numpy']:.2f}x numpy")


if __name__ == "__main__":
    main()

"""Where a full render's CPU goes, step by step: the design stage, then each kind of render job.

Usage: PYTHONPATH=$PWD python benchmarks/bench_steps.py SPEC OUT_DIR
Runs what ``aiinfra render SPEC -o OUT_DIR --full`` does in one process tree and prints
the design stage's wall and CPU seconds, then :class:`aiinfra.render.pipeline.Written`'s
``seconds``: each job kind's CPU seconds summed over the processes that ran it (the main
process and its workers), and the main process's wall seconds per stage. CPU seconds are the
figure to compare on a shared machine. OUT_DIR is removed first; put it on tmpfs.
"""

from __future__ import annotations

import resource
import shutil
import sys
import time
from pathlib import Path

from aiinfra.pipeline import design_from_file
from aiinfra.render.pipeline import write_outputs


def main() -> int:
    spec, out = Path(sys.argv[1]), Path(sys.argv[2])
    shutil.rmtree(out, ignore_errors=True)
    t, c = time.perf_counter(), time.process_time()
    design = design_from_file(spec, defer_invariants=True).design  # as `aiinfra render` does
    print(f"design stage: {time.perf_counter() - t:.2f} s wall, {time.process_time() - c:.2f} CPU s")
    t, c = time.perf_counter(), time.process_time()
    written = write_outputs(design, out, invariants=True, incremental=False)
    me, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"render: {time.perf_counter() - t:.2f} s wall; main process {time.process_time() - c:.2f} CPU s")
    cpu, peak = f"{workers.ru_utime:.2f} user + {workers.ru_stime:.2f} sys", workers.ru_maxrss >> 10
    print(f"workers: {cpu} CPU s, peak RSS {peak} MiB")
    print(f"main process peak RSS {me.ru_maxrss >> 10} MiB; {written.files} files")
    for step, spent in sorted(written.seconds.items(), key=lambda kv: -kv[1]):
        print(f"  {step:24s} {spent:7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""CPU of each whole-Design render job (all but design.json, the verify catalogs and the units).

Usage: PYTHONPATH=$PWD python benchmarks/bench_whole_jobs.py SPEC [JOB,JOB...]
Builds the Design once (``defer_invariants=True``, as ``aiinfra render`` does), then runs each
job as a render worker would: in a process forked from the one holding the Design, with the
GC frozen before the fork and off in the child, through ``_write_job`` into a fresh staging
folder on tmpfs (so a job's writes, and its copy-on-write faults on the shared Design, count).
Prints user + sys CPU seconds and the child's peak RSS per job. JOB is a job kind
(``invariants``, ``reports``, ``inventory``...) or an artefact name (``observability``...).
"""

from __future__ import annotations

import gc
import os
import pickle
import resource
import shutil
import sys
from pathlib import Path

from aiinfra.pipeline import design_from_file
from aiinfra.render import pipeline

STAGING = Path(f"/dev/shm/bench-whole-jobs-{os.getpid()}")
SKIPPED = {"design", "nodes", "switches"}


def _run(job: pipeline.Job) -> tuple[float, float, int, int]:
    """The job in a forked child: (user s, sys s, files, peak RSS MiB)."""
    shutil.rmtree(STAGING, ignore_errors=True)
    STAGING.mkdir(parents=True)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        gc.disable()
        before = os.times()
        result = pipeline._write_job(job)
        after = os.times()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10
        os.write(write, pickle.dumps((after.user - before.user, after.system - before.system, len(result.files), peak)))
        os._exit(0)
    os.close(write)
    data = b""
    while chunk := os.read(read, 1 << 16):
        data += chunk
    os.close(read)
    os.waitpid(pid, 0)
    out: tuple[float, float, int, int] = pickle.loads(data)
    return out


def main() -> int:
    spec = Path(sys.argv[1])
    wanted = set(sys.argv[2].split(",")) if len(sys.argv) > 2 else None
    design = design_from_file(spec, defer_invariants=True).design
    pipeline._INPUTS = pipeline._Inputs.of(design, STAGING)
    gc.freeze()
    try:
        for job in pipeline.jobs(design, invariants=True):
            kind, names = job
            label = names[0] if kind == "artefact" else kind
            if kind in SKIPPED or label == "verify" or (wanted is not None and label not in wanted):
                continue
            user, system, files, peak = _run(job)
            cpu = f"{user + system:6.2f} CPU s (user {user:.2f}, sys {system:.2f})"
            print(f"{label:16s} {cpu}, {files} files, {peak} MiB")
    finally:
        shutil.rmtree(STAGING, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

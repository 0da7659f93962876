"""CPU of the node render units alone: every ``nodes`` job of ``jobs()`` in one process.

Usage: PYTHONPATH=$TREE python benchmarks/bench_node_units.py SPEC OUT_DIR
Builds the Design once, then runs the node jobs as a worker does (garbage collector frozen
and off): render only (``_render_job``, best of 3: slices, fingerprints, node files, host_vars),
then render + write (``_write_job`` into OUT_DIR on tmpfs, user + sys, best of 2). Prints CPU
seconds and ms per node. Run it from outside the checkout with PYTHONPATH set to compare two
trees (``git archive`` of each), alternating them: the machine is shared, take the best.
"""

from __future__ import annotations

import gc
import resource
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import aiinfra.render.pipeline as p
from aiinfra.pipeline import design_from_file


def main() -> int:
    spec, out = Path(sys.argv[1]), Path(sys.argv[2])
    design = design_from_file(spec, defer_invariants=True).design
    work = [job for job in p.jobs(design) if job[0] == "nodes"]
    count = sum(len(names) for _, names in work)
    gc.freeze()
    gc.disable()
    p._INPUTS = p._Inputs.of(design)
    p._render_job(work[0])  # compile templates, make layouts
    render = min(_cpu(lambda: [p._render_job(job) for job in work]) for _ in range(3))
    written = []
    for _ in range(2):
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        p._INPUTS = p._Inputs.of(design, out)
        written.append(_cpu(lambda: [p._write_job(job) for job in work]))
    shutil.rmtree(out, ignore_errors=True)
    both = min(written)
    print(f"{count} nodes: render {render:.3f} CPU s ({render / count * 1e3:.3f} ms/node);", end=" ")
    print(f"render + write {both:.3f} CPU s ({both / count * 1e3:.3f} ms/node)")
    return 0


def _cpu(run: Callable[[], object]) -> float:
    """User + system seconds of ``run()``."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    run()
    after = resource.getrusage(resource.RUSAGE_SELF)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


if __name__ == "__main__":
    raise SystemExit(main())

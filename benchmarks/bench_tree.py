"""CPU seconds of what a re-render does to DIR besides rendering: prepare, keep, carry, swap, retire.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_tree.py DIR SCRATCH

DIR is a tree ``aiinfra render SPEC -o DIR`` wrote; it is not changed. SCRATCH (beside it, on
the same filesystem) becomes a hard-link copy (``cp -al``) with a user file in it, and then
goes through an unchanged incremental render's steps in this one process: ``prepare`` (the
manifest, the walk of the folder), the previous fingerprints, every unit kept with ``reuse``
(verified and linked), the whole-cluster files linked into staging as a stand-in for rendering
them, a user file added "during the render", then ``staged``'s exit (carry, swap, retire).
Prints one JSON object: CPU seconds (user + system) per step, and ``staged``'s own wall seconds.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def main() -> int:
    from aiinfra.render.incremental import previous_units, reuse
    from aiinfra.render.output import prepare, staged

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("tree", type=Path)
    p.add_argument("scratch", type=Path)
    args = p.parse_args()
    copy: Path = args.scratch
    gc.disable()  # as the render's processes run
    shutil.rmtree(copy, ignore_errors=True)
    subprocess.run(["cp", "-al", str(args.tree), str(copy)], check=True)
    (copy / "user-notes.txt").write_text("mine")
    out: dict[str, float] = {}
    try:
        started = _cpu()
        target = prepare(copy)
        out["prepare"] = _cpu() - started
        started = _cpu()
        previous = previous_units(target)
        out["previous"] = _cpu() - started
        wall: dict[str, float] = {}
        context = staged(target, seconds=wall)
        staging = context.__enter__()
        started = _cpu()
        for key, (fingerprint, _) in previous.units.items():
            assert reuse(previous, key, fingerprint, staging) is not None
        out["keep"] = _cpu() - started
        kept = {f for _, files in previous.units.values() for f in files}
        for rel in sorted(target.owned - kept):
            os.makedirs(os.path.dirname(f"{staging}/{rel}"), exist_ok=True)
            os.link(f"{copy}/{rel}", f"{staging}/{rel}")
        shutil.copy(copy / "MANIFEST.sha256", staging / "MANIFEST.sha256")
        (copy / "late.txt").write_text("late")
        started = _cpu()
        context.__exit__(None, None, None)
        out["carry+swap+retire"] = _cpu() - started
        out.update({f"{step} wall": spent for step, spent in wall.items()})
        assert (copy / "late.txt").read_text() == "late" and (copy / "user-notes.txt").read_text() == "mine"
        assert not [n for n in os.listdir(copy.parent) if n.startswith(f".{copy.name}.")]
        print(json.dumps({k: round(v, 3) for k, v in out.items()}))
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

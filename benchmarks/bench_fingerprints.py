"""CPU seconds of the unit fingerprints, design.json and (optionally) keeping every unit, in one process.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_fingerprints.py SPEC --write-dir /dev/shm [--keep DIR]

Builds the Design, then times, each in CPU seconds of this process (no workers, so a shared
machine's other load shows less than in a full render): the Basis (the slices' shared
parts), every switch's and every node's fingerprint, and design.json streamed as the render
writes it (``write_streamed``) into a temporary folder under the write dir. ``--keep DIR``: DIR is a tree an earlier
``aiinfra render SPEC -o DIR`` wrote; every unit there is verified and linked into a scratch
staging folder beside it, as an unchanged incremental render does. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path


def _timed(steps: dict[str, float], name: str, work: Callable[[], object]) -> object:
    started = time.process_time()
    result = work()
    steps[name] = round(time.process_time() - started, 3)
    return result


def main() -> int:
    from aiinfra.design.serialize import write_design
    from aiinfra.pipeline import design_from_file
    from aiinfra.render.incremental import Basis, device_fingerprint, node_fingerprint, previous_units, reuse
    from aiinfra.render.output import prepare, write_streamed

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("spec", type=Path)
    p.add_argument("--write-dir", type=Path, default=Path(tempfile.gettempdir()))
    p.add_argument("--keep", type=Path, help="a tree rendered from SPEC: verify and link its units")
    args = p.parse_args()
    design = design_from_file(args.spec.resolve(), defer_invariants=True).design
    gc.freeze()  # as the render's workers see the Design: frozen, no collections
    gc.disable()
    steps: dict[str, float] = {}
    basis: Basis = _timed(steps, "basis", lambda: Basis.of(design))  # type: ignore[assignment]
    _timed(steps, "device fingerprints", lambda: [device_fingerprint(basis, design, n) for n in design.devices])
    _timed(steps, "node fingerprints", lambda: [node_fingerprint(basis, design, i) for i in range(len(design.nodes))])
    scratch = Path(tempfile.mkdtemp(prefix="aiinfra-fp-", dir=args.write_dir))
    try:
        _timed(steps, "design.json", lambda: write_streamed(f"{scratch}/design.json", partial(write_design, design)))
        os.unlink(scratch / "design.json")
        if args.keep:
            previous = previous_units(prepare(args.keep))
            staging = scratch / "staging"
            staging.mkdir()

            def keep() -> int:
                return sum(reuse(previous, key, fp, staging) is not None for key, (fp, _) in previous.units.items())

            kept = _timed(steps, "keep", keep)
            steps["kept units"] = float(kept)  # type: ignore[arg-type]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(json.dumps({"spec": str(args.spec), "devices": len(design.devices), "nodes": len(design.nodes), **steps}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Incremental render of a one-node change: where the time goes (issue 18: under 2 s at 131k GPUs).

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_incremental.py SPEC --write-dir /dev/shm [--verify]

The spec is copied into a fresh folder under the write dir with a node-facts file giving the
first node's first back-end NIC a MAC, and rendered in full into OUT. Then that one MAC
changes and the same steps ``aiinfra render SPEC -o OUT`` takes run again, timed one by one:
load (spec and facts), design (``build_design``, advice, workload checks), then the render's
own steps (``Written.seconds``: wall seconds in the parent, CPU seconds summed over the
workers for the ``job`` steps). ``--verify`` also renders the changed spec in full into a
fresh folder and compares the two trees byte for byte. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import yaml


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _spec(spec: Path, folder: Path, netdev: str, node: str, last: int) -> Path:
    data = yaml.safe_load(spec.read_text())
    (folder / "facts.csv").write_text(f"host,mac.{netdev}\n{node},aa:bb:cc:00:01:{last:02x}\n")
    data["compute"]["node_facts"] = "facts.csv"
    path = folder / "cluster.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _design(path: Path, steps: dict[str, float]) -> object:
    """What ``design_from_file(path, defer_invariants=True)`` does, load and design timed apart."""
    from aiinfra.design.advice import advice
    from aiinfra.design.build import build_design, resolve_catalog
    from aiinfra.pipeline import DesignResult, workload_problems
    from aiinfra.spec.load import load_spec

    started, cpu = time.perf_counter(), time.process_time()
    loaded = load_spec(path)
    steps["load"], steps["load cpu"] = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    catalog = resolve_catalog(loaded.spec)
    design = build_design(loaded.spec, catalog, node_facts=loaded.facts, spec_dir=loaded.path.parent, invariants=False)
    assert not workload_problems(loaded, catalog, design)
    found = advice(loaded.spec, catalog, design)
    warnings = tuple(replace(loaded.diagnostic(p, m), severity="warning") for p, m in found)
    steps["design"], steps["design cpu"] = time.perf_counter() - started, time.process_time() - cpu
    return DesignResult(loaded, catalog, design, warnings, invariants_checked=False)


def _same(a: Path, b: Path) -> bool:
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    return not mismatch and not errors and all(_same(a / d, b / d) for d in cmp.common_dirs)


def main() -> int:
    from aiinfra.pipeline import design_from_file, render_into

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("spec", type=Path)
    p.add_argument("--write-dir", type=Path, default=Path(tempfile.gettempdir()))
    p.add_argument("--verify", action="store_true", help="also render in full into a fresh folder and compare")
    args = p.parse_args()
    base = Path(tempfile.mkdtemp(prefix="aiinfra-incr-", dir=args.write_dir))
    try:
        first = design_from_file(args.spec.resolve(), check_workloads=False).design
        netdev, node = first.nodes[0].backend[0].netdev, first.nodes[0].name
        del first
        before, after = base / "before", base / "after"
        before.mkdir()
        after.mkdir()
        out = base / "out"
        for name in os.listdir(args.spec.parent):  # what the spec may reference beside it
            if name != args.spec.name and (args.spec.parent / name).is_file():
                shutil.copy(args.spec.parent / name, before / name)
                shutil.copy(args.spec.parent / name, after / name)
        started = time.perf_counter()
        full = render_into(design_from_file(_spec(args.spec, before, netdev, node, 1), defer_invariants=True), out)
        full_s = time.perf_counter() - started
        changed = _spec(args.spec, after, netdev, node, 2)
        load_before = os.getloadavg()
        cpu, started = _cpu(), time.perf_counter()
        steps: dict[str, float] = {}
        result = _design(changed, steps)
        written = render_into(result, out)  # type: ignore[arg-type]
        total = time.perf_counter() - started
        report: dict[str, object] = {
            "spec": str(args.spec),
            "files": written.files,
            "units": written.units,
            "kept": written.kept,
            "full_render_s": round(full_s, 2),
            "full_units": full.units,
            "full_steps_s": {k: round(v, 3) for k, v in full.seconds.items()},
            "incremental_s": round(total, 2),
            "incremental_cpu_s": round(_cpu() - cpu, 2),
            "steps_s": {k: round(v, 3) for k, v in {**steps, **written.seconds}.items()},
            "loadavg_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        }
        if args.verify:
            fresh = base / "fresh"
            render_into(result, fresh, incremental=False)  # type: ignore[arg-type]
            report["identical_to_full"] = _same(out, fresh)
        print(json.dumps(report, indent=1))
        return 0
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

"""Time validate, design and render for every example and report peak RSS.

Each example runs in its own process so peak RSS belongs to that example alone.
Usage: python benchmarks/bench_pipeline.py [--repeat N] [example ...]
Prints a Markdown table (the one recorded in docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(example: str) -> dict[str, float]:
    """Run in a child process: stage timings (s) and peak RSS (MiB)."""
    from aiinfra.design.build import build_design, resolve_catalog
    from aiinfra.render.pipeline import render_outputs
    from aiinfra.spec.load import load_spec

    spec_path = ROOT / "inventories" / example / "cluster.yaml"
    t0 = time.perf_counter()
    loaded = load_spec(spec_path)
    t1 = time.perf_counter()
    catalog = resolve_catalog(loaded.spec)
    design = build_design(loaded.spec, catalog)
    t2 = time.perf_counter()
    outputs = render_outputs(design, loaded.spec, catalog)
    with tempfile.TemporaryDirectory() as tmp:
        outputs.write_atomic(Path(tmp) / "build")
    t3 = time.perf_counter()
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "nodes": len(design.nodes),
        "switches": len(design.devices),
        "files": len(outputs.files),
        "load_s": t1 - t0,
        "design_s": t2 - t1,
        "render_s": t3 - t2,
        "total_s": t3 - t0,
        "peak_rss_mib": rss_kib / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("examples", nargs="*")
    parser.add_argument("--repeat", type=int, default=1, help="runs per example; the fastest is reported")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return 0
    examples = args.examples or sorted(p.parent.name for p in (ROOT / "inventories").glob("*/cluster.yaml"))
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}\n")
    print("| example | nodes | switches | files | load s | design s | render s | total s | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for example in examples:
        runs = []
        for _ in range(args.repeat):
            out = subprocess.run(
                [sys.executable, __file__, "--child", example], capture_output=True, text=True, check=True, cwd=ROOT
            )
            runs.append(json.loads(out.stdout))
        r = min(runs, key=lambda x: x["total_s"])
        print(
            f"| {example} | {r['nodes']} | {r['switches']} | {r['files']} | {r['load_s']:.2f} | "
            f"{r['design_s']:.2f} | {r['render_s']:.2f} | {r['total_s']:.2f} | {r['peak_rss_mib']:.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Time ``aiinfra report`` per example and measure what it writes.

Each example runs in its own process (peak RSS is that example's). Two times: the report
from a built Design (what the issue's target is about: the report's own cost), and
validate + design before it (what ``aiinfra report cluster.yaml`` adds on top). The
report's CPU time is shown beside its wall time: on a shared machine the wall time
measures the neighbours as much as the report.
Usage: python benchmarks/bench_report.py [--repeat N] [example ...]   (default: every example)
Prints a Markdown table (the one recorded in docs/report.md).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(example: str) -> dict[str, float]:
    """Run in a child process: stage timings (s), output size (MB) and peak RSS (MiB)."""
    from aiinfra.pipeline import design_from_file
    from aiinfra.report import ReportInputs, build_report, report_files

    spec = ROOT / "inventories" / example / "cluster.yaml"
    t0 = time.perf_counter()
    result = design_from_file(spec)
    t1 = time.perf_counter()
    c1 = time.process_time()
    model = build_report(ReportInputs(result.design, result.loaded.spec, result.catalog, "../build"))
    t2 = time.perf_counter()
    files = report_files(model)
    with tempfile.TemporaryDirectory() as out:
        for name, text in files.items():
            (Path(out) / name).write_text(text, encoding="utf-8")
    t3 = time.perf_counter()
    cpu = time.process_time() - c1
    size = sum(len(t.encode()) for t in files.values())
    return {
        "switches": len(result.design.devices),
        "cables": len(result.design.links),
        "design_s": t1 - t0,
        "model_s": t2 - t1,
        "html_s": t3 - t2,
        "report_s": t3 - t1,
        "report_cpu_s": cpu,
        "mb": size / 1e6,
        "data_mb": len(model.data_json) / 1e6,
        "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("examples", nargs="*")
    parser.add_argument("--repeat", type=int, default=1, help="runs per example; the fastest is shown")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return 0
    examples = args.examples or sorted(p.parent.name for p in (ROOT / "inventories").glob("*/cluster.yaml"))
    print(
        "| example | switches | cables | validate+design s | report s (model + HTML) | report CPU s "
        "| MB (data blob) | RSS MiB |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for example in examples:
        runs = []
        for _ in range(args.repeat):
            out = subprocess.run(
                [sys.executable, __file__, "--child", example], capture_output=True, text=True, check=True, cwd=ROOT
            )
            runs.append(json.loads(out.stdout))
        r = min(runs, key=lambda x: x["report_s"])
        print(
            f"| {example} | {r['switches']:,} | {r['cables']:,} | {r['design_s']:.2f} | "
            f"{r['report_s']:.2f} ({r['model_s']:.2f} + {r['html_s']:.2f}) | {r['report_cpu_s']:.2f} | "
            f"{r['mb']:.1f} ({r['data_mb']:.1f}) | "
            f"{r['rss_mib']:.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Time validate, design and render for every example and report peak RSS.

Each example runs in its own process so peak RSS belongs to that example alone.
Usage: python benchmarks/bench_pipeline.py [--repeat N] [--write-dir DIR ...] [--big] [example ...]
Prints a Markdown table (the one recorded in docs/performance.md). ``--write-dir`` may be
given more than once (tmpfs and disk side by side, one run); ``--big`` is the 131,072-GPU
benchmark spec (benchmarks/specs/ai-factory-131k.yaml, issue 18). "RSS" is the peak of the
main process, with the largest worker's peak in brackets (forked workers share the Design
copy-on-write, so main + every worker overstates the memory in use). "peak PSS" is the
memory the whole render holds at its peak: main and workers sampled together, each shared
page counted once (proportional set size, /proc/PID/smaps_rollup), the figure issue 18's
2 GB target is read against.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIG = ROOT / "benchmarks" / "specs" / "ai-factory-131k.yaml"


def scaled_spec(sus: int, directory: Path) -> Path:
    """The 131k benchmark spec (ai-factory-32k with pools and name widths sized for 256 SU) with
    ``sus`` scalable units, to show how time and memory grow with the cluster."""
    import yaml

    data = yaml.safe_load(BIG.read_text())
    data["compute"]["scalable_units"] = sus
    data.pop("workloads", None)
    path = directory / f"factory-{sus}su.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


class TreeMemory:
    """Peak memory of this process and its workers together, sampled from /proc every ``interval`` s.

    Forked workers share the Design copy-on-write, so adding their RSS counts every shared
    page once per process; the proportional set size (PSS) splits each shared page between
    the processes that map it, so the sum of PSS over the tree is the memory the render
    really holds. A spike shorter than the interval can be missed.
    """

    def __init__(self, interval: float = 0.2) -> None:
        import threading

        self.interval, self.peak_pss_mib, self.peak_rss_sum_mib = interval, 0.0, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            pss = rss = 0
            for pid in [os.getpid(), *self._children()]:
                try:
                    with open(f"/proc/{pid}/smaps_rollup") as f:
                        for line in f:
                            if line.startswith(("Pss:", "Rss:")):
                                kib = int(line.split()[1])
                                pss, rss = (pss + kib, rss) if line[0:3] == "Pss" else (pss, rss + kib)
                except OSError:  # a worker that just exited
                    continue
            self.peak_pss_mib = max(self.peak_pss_mib, pss / 1024)
            self.peak_rss_sum_mib = max(self.peak_rss_sum_mib, rss / 1024)

    @staticmethod
    def _children() -> list[int]:
        found: list[int] = []
        for task in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{task}/children") as f:
                    found += [int(pid) for pid in f.read().split()]
            except OSError:
                continue
        return found


def measure(example: str, write_dir: str | None) -> dict[str, float]:
    """Run in a child process: stage timings (s) and peak RSS (MiB)."""
    import inspect

    from aiinfra.pipeline import design_from_file, write_rendered

    spec_path = Path(example) if example.endswith(".yaml") else ROOT / "inventories" / example / "cluster.yaml"
    # what `aiinfra render` does: the Design's invariants are checked by a render job (a
    # checkout older than that, the base of a before/after comparison, checks them here)
    deferrable = "defer_invariants" in inspect.signature(design_from_file).parameters
    deferred = {"defer_invariants": True} if deferrable else {}
    memory = TreeMemory()
    with memory, tempfile.TemporaryDirectory(dir=write_dir) as tmp:
        t0, c0 = time.perf_counter(), time.process_time()
        result = design_from_file(spec_path, **deferred)  # type: ignore[arg-type]  # load, validate, design, checks
        t1, c1 = time.perf_counter(), time.process_time()
        files = write_rendered(result, Path(tmp) / "build")  # what `aiinfra render` does
        t2 = time.perf_counter()
        mbytes = sum(p.stat().st_size for p in (Path(tmp) / "build").rglob("*") if p.is_file()) / 1e6
    me, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    self_kib, workers_kib = me.ru_maxrss, workers.ru_maxrss
    return {
        "nodes": len(result.design.nodes),
        "switches": len(result.design.devices),
        "files": files,
        "mbytes": mbytes,
        "design_s": t1 - t0,
        "render_s": t2 - t1,
        "total_s": t2 - t0,
        "design_cpu_s": c1 - c0,  # the serial part, in CPU seconds (steadier than wall on a shared machine)
        "peak_rss_mib": self_kib / 1024,
        "worker_rss_mib": workers_kib / 1024,
        # main + workers at the same instant, shared pages counted once (the "peak memory")
        "tree_pss_mib": memory.peak_pss_mib,
        "tree_rss_sum_mib": memory.peak_rss_sum_mib,
        # CPU seconds of the process and its workers: on a shared machine, steadier than wall time
        "cpu_s": me.ru_utime + me.ru_stime + workers.ru_utime + workers.ru_stime,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("examples", nargs="*")
    parser.add_argument("--repeat", type=int, default=1, help="runs per example; the fastest is reported")
    parser.add_argument(
        "--write-dir",
        action="append",
        help="filesystem to write the output to (default: the system temp dir); repeat for several",
    )
    parser.add_argument("--scale", action="store_true", help="the 131k spec at 8, 32, 64, 128 and 256 SU instead")
    parser.add_argument("--sus", help="with --scale: comma-separated SU counts (default 8,32,64,128,256)")
    parser.add_argument("--big", action="store_true", help="the 131,072-GPU benchmark spec")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, (args.write_dir or [None])[0])))
        return 0
    examples = args.examples or sorted(p.parent.name for p in (ROOT / "inventories").glob("*/cluster.yaml"))
    if args.scale:
        scratch = Path(tempfile.mkdtemp(prefix="aiinfra-bench-"))
        sus = [int(x) for x in (args.sus or "8,32,64,128,256").split(",")]
        examples = [str(scaled_spec(n, scratch)) for n in sus]
    if args.big:
        examples = [str(BIG)]
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}, load average {_load()}\n")
    print(
        "| example | to | nodes | switches | files | MB | validate+design s | render+write s | total s "
        "| RSS MiB (worker) | peak PSS main+workers MiB | CPU s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    rows: list[dict[str, float]] = []
    for example in examples:
        for where in args.write_dir or [None]:
            runs = []
            for _ in range(args.repeat):
                cmd = [sys.executable, __file__, "--child", example]
                if where:
                    cmd += ["--write-dir", where]
                # the child measures this checkout, not whatever aiinfra the interpreter would import
                path = [str(ROOT), os.environ.get("PYTHONPATH", "")]
                env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in path if p)}
                out = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT, env=env)
                if out.returncode:
                    sys.exit(f"{example} to {where}: exit {out.returncode}\n{out.stderr}")
                runs.append(json.loads(out.stdout))
            r = min(runs, key=lambda x: x["total_s"])
            rows.append(r)
            name = Path(example).stem if example.endswith(".yaml") else example
            print(
                f"| {name} | {where or tempfile.gettempdir()} | {r['nodes']} | {r['switches']} | {r['files']} | "
                f"{r['mbytes']:.1f} | {r['design_s']:.2f} | {r['render_s']:.2f} | {r['total_s']:.2f} | "
                f"{r['peak_rss_mib']:.0f} ({r['worker_rss_mib']:.0f}) | {r['tree_pss_mib']:.0f} | "
                f"{min(x['cpu_s'] for x in runs):.2f} |",
                flush=True,
            )
    print(f"\nload average at the end: {_load()}")
    if args.scale and len(rows) > 1:
        nodes = [r["nodes"] for r in rows]
        fits = {
            "total s": [r["total_s"] for r in rows],
            "CPU s": [r["cpu_s"] for r in rows],
            "main RSS": [r["peak_rss_mib"] for r in rows],
            "main + largest worker RSS": [r["peak_rss_mib"] + r["worker_rss_mib"] for r in rows],
            "peak PSS main+workers": [r["tree_pss_mib"] for r in rows],
            "MB written": [r["mbytes"] for r in rows],
        }
        exponents = ", ".join(f"{name} ~ nodes^{_exponent(nodes, ys):.2f}" for name, ys in fits.items())
        print(f"fitted exponents (least squares on logs): {exponents}")
    return 0


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _exponent(xs: list[float], ys: list[float]) -> float:
    """k of y ~ x^k: the least-squares slope of log y on log x."""
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sum((a - mx) ** 2 for a in lx)


if __name__ == "__main__":
    raise SystemExit(main())

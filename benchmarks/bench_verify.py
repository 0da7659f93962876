"""The verify render artefact's CPU seconds and memory, as a render worker runs it, before and after a change.

    python benchmarks/bench_verify.py SPEC [--before DIR] [--repeat N]

The Design is built once; then each implementation runs in a forked child with the garbage
collector off (what ``aiinfra render``'s workers do): render the artefact, write its files to
a tmpfs folder, report CPU seconds (render, render + write) and the child's peak RSS over its
RSS at the fork. ``--before DIR``: a tree holding an older ``aiinfra/verify/catalog.py`` and
``perf.py`` (``git archive REV aiinfra | tar -x -C DIR``), run beside this tree's, and the two
output trees compared byte for byte. CPU seconds, never wall time: the machine may be shared.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from aiinfra.design.model import Design
from aiinfra.pipeline import design_from_file
from aiinfra.render.artefacts import ARTEFACTS
from aiinfra.render.output import write_files

Artefact = Callable[[Design], dict[str, str]]


def _module(name: str, path: Path, source: str) -> ModuleType:
    spec = importlib.util.spec_from_loader(name, loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # before it runs: dataclasses look their module up there
    exec(compile(source, str(path), "exec"), module.__dict__)
    return module


def _before(tree: Path) -> Artefact:
    """The older catalog.artefact, importing the older perf.py (anta.py and yamlout are this tree's)."""
    folder = tree / "aiinfra" / "verify"
    _module("bench_before_perf", folder / "perf.py", (folder / "perf.py").read_text())
    source = (folder / "catalog.py").read_text()
    source = source.replace(
        "from aiinfra.verify import anta, perf", "import bench_before_perf as perf\n    from aiinfra.verify import anta"
    )
    artefact: Artefact = _module("bench_before_catalog", folder / "catalog.py", source).artefact
    return artefact


def _rss() -> tuple[int, int]:
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(status["VmHWM"].split()[0]) // 1024, int(status["VmRSS"].split()[0]) // 1024


def _run(label: str, artefact: Artefact, design: Design, out: Path) -> str:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        gc.disable()
        at_fork = _rss()[1]
        started = time.process_time()
        files = artefact(design)
        rendered = time.process_time() - started
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        write_files(out, files)
        total = time.process_time() - started
        peak = _rss()[0]
        size = sum(map(len, files.values())) / 1e6
        line = (
            f"{label:6s} render {rendered:5.2f} CPU s  render+write {total:5.2f} CPU s  "
            f"RSS at fork {at_fork} MiB, peak {peak} MiB (+{peak - at_fork})  {len(files)} files, {size:.1f} MB\n"
        )
        os.write(write, line.encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read) as f:
        return f.read()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("spec", type=Path)
    parser.add_argument("--before", type=Path, help="a tree with the older aiinfra/verify/catalog.py and perf.py")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    started = time.process_time()
    design = design_from_file(args.spec, defer_invariants=True).design
    print(f"design {time.process_time() - started:.1f} CPU s", flush=True)
    runs: list[tuple[str, Artefact]] = [("after", ARTEFACTS["verify"])]
    if args.before:
        runs.insert(0, ("before", _before(args.before)))
    gc.freeze()
    with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else None) as tmp:
        for _ in range(args.repeat):
            for label, artefact in runs:
                print(_run(label, artefact, design, Path(tmp, label)), end="", flush=True)
        if args.before:
            same = subprocess.run(["diff", "-rq", f"{tmp}/before", f"{tmp}/after"], capture_output=True).returncode == 0
            print("output trees identical" if same else "OUTPUT TREES DIFFER")
            return 0 if same else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What an atomic re-render must spend on the output tree alone, whatever the renderers cost.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_tree_floor.py TREE [--workers N]

TREE is a rendered output folder (``aiinfra render SPEC -o TREE``), on the filesystem the
render would use. ``aiinfra render`` builds the new output beside the old one and swaps it in
with one rename, so even a render that changes one file must give the new tree a directory
entry for every file (a hard link to each kept file) and, after the swap, remove the old tree's
entries. Those are the floors this measures, with nothing else done per file: no hashing,
no rendering: making every folder, linking every file, and after the swap unlinking every
file and removing every folder. The links and unlinks are timed in one process and split over
``--workers`` forked processes (each takes every N-th folder), the way the render's workers
could share them. Also timed: one ``lstat`` per file (the least a check of every kept file
costs). Prints one JSON object of
wall seconds; the trees it makes are removed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path


def _files(root: str) -> list[tuple[str, list[str]]]:
    """Every folder under ``root`` (relative) with its plain files, in walk order."""
    out = []
    for folder, _, names in os.walk(root):
        rel = os.path.relpath(folder, root)
        out.append(("" if rel == "." else rel, sorted(names)))
    return out


def _link(src: str, dst: str, folders: list[tuple[str, list[str]]]) -> None:
    for rel, names in folders:
        into = os.path.join(dst, rel)
        base = os.path.join(src, rel)
        for name in names:
            os.link(f"{base}/{name}", f"{into}/{name}", follow_symlinks=False)


def _lstat(src: str, folders: list[tuple[str, list[str]]]) -> None:
    for rel, names in folders:
        base = os.path.join(src, rel)
        for name in names:
            os.lstat(f"{base}/{name}")


def _unlink(dst: str, folders: list[tuple[str, list[str]]]) -> None:
    for rel, names in folders:
        base = os.path.join(dst, rel)
        for name in names:
            os.unlink(f"{base}/{name}")


def _split(work: Callable[[list[tuple[str, list[str]]]], None], folders: list[tuple[str, list[str]]], n: int) -> float:
    """Wall seconds of ``work`` over ``folders`` dealt round-robin to ``n`` forked processes."""
    started = time.perf_counter()
    if n == 1:
        work(folders)
        return time.perf_counter() - started
    pids = []
    for i in range(n):
        pid = os.fork()
        if pid == 0:
            try:
                work(folders[i::n])
            finally:
                os._exit(0)
        pids.append(pid)
    for pid in pids:
        os.waitpid(pid, 0)
    return time.perf_counter() - started


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("tree", type=Path)
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = p.parse_args()
    src = os.fspath(args.tree.resolve())
    folders = _files(src)
    out: dict[str, object] = {"files": sum(len(n) for _, n in folders), "folders": len(folders)}
    for n in sorted({1, args.workers}):
        procs = "1 process" if n == 1 else f"{n} processes"
        dst = f"{src}.floor-{os.getpid()}"
        try:
            started = time.perf_counter()
            for rel, _ in folders:  # in walk order: each folder's parent exists already
                os.mkdir(os.path.join(dst, rel))
            out["make every folder, 1 process"] = round(time.perf_counter() - started, 2)
            out[f"link every file, {procs}"] = round(_split(partial(_link, src, dst), folders, n), 2)
            out[f"lstat every file, {procs}"] = round(_split(partial(_lstat, src), folders, n), 2)
            out[f"unlink every file, {procs}"] = round(_split(partial(_unlink, dst), folders, n), 2)
            started = time.perf_counter()
            for rel, _ in reversed(folders):  # children before their parents
                os.rmdir(os.path.join(dst, rel))
            out["remove every folder, 1 process"] = round(time.perf_counter() - started, 2)
        finally:
            shutil.rmtree(dst, ignore_errors=True)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

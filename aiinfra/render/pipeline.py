"""Everything ``aiinfra render`` writes, from one Design.

The work is a list of independent jobs: design.json (the complete Design,
:mod:`aiinfra.design.serialize`), reports, inventory, switch configs in chunks, and
node/platform files (in node chunks where the platform's files are per node). Two ways to run them:

* :func:`render_outputs` keeps every file in memory (tests, ``--check``);
* :func:`write_outputs` runs the jobs on every core and lets each worker write its
  files straight into the staging folder, returning only their SHA-256 digests, so
  a 275 MB, 44k-file render never crosses a process boundary.

Workers are forked after the Design is built and share it copy-on-write. Both
paths run the same jobs, so they produce the same bytes (tested). Workers never
outlive the render: the kernel kills them when the parent dies (kill -9 included),
and the parent kills and reaps them before it removes a staging folder.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from aiinfra.design.invariants import check_invariants
from aiinfra.design.model import Design
from aiinfra.design.serialize import design_json_bytes
from aiinfra.nos import driver
from aiinfra.render.artefacts import ARTEFACTS, Artefact
from aiinfra.render.inventory import inventory_files
from aiinfra.render.output import MANIFEST, Notify, OutputSet, Target, manifest_text, staged, write_files
from aiinfra.render.platforms import per_node, platform_files
from aiinfra.render.reports import addressing_csv, bom_csv, cabling_csv, design_yaml

Progress = Callable[[str, int, int], None]
Job = tuple[str, tuple[str, ...]]
Files = Mapping[str, str | bytes]
R = TypeVar("R")

PARALLEL_MIN_ITEMS = 200  # switches + nodes below which forking costs more than it saves
SWITCH_CHUNK = 128
NODE_CHUNK = 256
DESIGN_JSON = "design.json"
PR_SET_PDEATHSIG = 1
_prctl = getattr(ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True), "prctl", None)


@dataclass(frozen=True)
class _Inputs:
    design: Design
    staging: Path | None = None
    extra: Mapping[str, Artefact] = field(default_factory=dict)  # this render's own artefacts


_INPUTS: _Inputs | None = None  # set in the parent before forking; read by the workers


def _render_job(job: Job) -> Files:
    assert _INPUTS is not None
    d = _INPUTS.design
    kind, names = job
    if kind == "design":
        return {DESIGN_JSON: design_json_bytes(d)}
    if kind == "invariants":
        check_invariants(d)  # raises DesignInvariantError: the render fails, nothing is swapped in
        return {}
    if kind == "reports":
        return {
            "design.yaml": design_yaml(d),
            "cabling.csv": cabling_csv(d),
            "addressing.csv": addressing_csv(d),
            "bom.csv": bom_csv(d),
        }
    if kind == "inventory":
        return inventory_files(d)
    if kind == "switches":
        out: dict[str, str] = {}
        for name in names:
            device = d.devices[name]
            out.update(driver(device.os).render_device(device, d))
        return out
    if kind == "platform":
        return platform_files(d, nodes=names or None)
    if kind == "artefact":
        return {**ARTEFACTS, **_INPUTS.extra}[names[0]](d)
    raise ValueError(f"unknown render job {kind!r}")


def _write_job(job: Job) -> dict[str, str]:
    assert _INPUTS is not None and _INPUTS.staging is not None
    return write_files(_INPUTS.staging, _render_job(job))


def jobs(design: Design, *, invariants: bool = False, extra: Mapping[str, Artefact] | None = None) -> list[Job]:
    """Independent render jobs, longest first so the workers finish together.

    design.json is one job (the longest on a big design: 338 MB for ai-factory-32k), run
    beside the others rather than after them. ``invariants``: one more job checks the
    Design's invariants (a render whose design stage left them to it). ``extra``: artefacts
    of this render only (``render --report``), beside the registry's.
    """
    out: list[Job] = [("design", ())]
    if invariants:
        out.append(("invariants", ()))
    if per_node(design) and design.nodes:
        names = [n.name for n in design.nodes]
        out += [("platform", tuple(names[i : i + NODE_CHUNK])) for i in range(0, len(names), NODE_CHUNK)]
    else:
        out.append(("platform", ()))
    out += [("reports", ()), ("inventory", ())]
    out += [("artefact", (name,)) for name in {**ARTEFACTS, **(extra or {})}]
    devices = list(design.devices)
    out += [("switches", tuple(devices[i : i + SWITCH_CHUNK])) for i in range(0, len(devices), SWITCH_CHUNK)]
    return out


def _workers(design: Design) -> int:
    if len(design.devices) + len(design.nodes) < PARALLEL_MIN_ITEMS:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def _worker_init(parent: int) -> None:
    """Tie a worker's life to the render's: it dies with the parent, whatever kills that.

    PR_SET_PDEATHSIG has the kernel send SIGKILL when the parent dies (kill -9 included);
    the pid check covers a parent that died before the prctl. Ctrl-C and SIGTERM are the
    parent's to handle: it kills its workers before it removes the staging folder.
    """
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    gc.disable()


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """SIGKILL and reap every worker, so none writes into a staging folder being removed."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.kill()
    for process in processes:
        process.join()


@contextmanager
def _results(
    func: Callable[[Job], R], work: list[Job], workers: int, progress: Progress | None
) -> Iterator[Iterator[R]]:
    """The jobs' results in order; on any exit before the end every worker is dead and reaped."""
    if workers == 1:
        yield _serial(func, work, progress)
        return
    # Freeze the Design into the permanent GC generation before forking: the workers'
    # collectors then never walk (and copy-on-write) its million objects.
    gc.freeze()
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=_worker_init, initargs=(os.getpid(),)
    )
    try:
        # submit + result rather than pool.map: map cancels the pending futures when it is
        # interrupted, and on Python 3.11 the pool's manager thread then raises
        # InvalidStateError on them as it sees the killed workers. Nothing is cancelled here;
        # the killed pool fails the pending futures itself.
        futures = [pool.submit(func, job) for job in work]
        yield _progressed((f.result() for f in futures), len(work), progress)
    except BaseException:
        _kill_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True)
        gc.unfreeze()


def _serial(func: Callable[[Job], R], work: list[Job], progress: Progress | None) -> Iterator[R]:
    return _progressed((func(job) for job in work), len(work), progress)


def _progressed(results: Iterator[R], total: int, progress: Progress | None) -> Iterator[R]:
    for i, result in enumerate(results, 1):
        if progress:
            progress("render jobs", i, total)
        yield result


def _merge(into: dict[str, str], new: dict[str, str]) -> None:
    clash = into.keys() & new.keys()
    if clash:
        raise ValueError(f"two renderers wrote {sorted(clash)[0]}")
    into.update(new)


def render_outputs(
    design: Design,
    progress: Progress | None = None,
    *,
    invariants: bool = False,
    extra: Mapping[str, Artefact] | None = None,
) -> OutputSet:
    """Every file, in memory, with the manifest; ``invariants``: check the Design's too."""
    global _INPUTS
    _INPUTS = _Inputs(design, extra=dict(extra or {}))
    try:
        out = OutputSet()
        work = jobs(design, invariants=invariants, extra=extra)
        with _results(_render_job, work, _workers(design), progress) as results:
            for result in results:
                for path, text in result.items():
                    out.add(path, text)
    finally:
        _INPUTS = None
    return out.with_manifest()


def write_outputs(
    design: Design,
    directory: Path | Target,
    progress: Progress | None = None,
    notify: Notify | None = None,
    *,
    invariants: bool = False,
    extra: Mapping[str, Artefact] | None = None,
) -> int:
    """Render straight into a staging folder beside ``directory`` and swap it in; returns the file count.

    A plain Path is checked with :func:`aiinfra.render.output.prepare` (no spec, no force).
    ``invariants``: a job also checks the Design's invariants; a violation fails the render.
    """
    global _INPUTS
    with staged(directory, notify) as staging:
        _INPUTS = _Inputs(design, staging, dict(extra or {}))
        try:
            digests: dict[str, str] = {}
            work = jobs(design, invariants=invariants, extra=extra)
            with _results(_write_job, work, _workers(design), progress) as results:
                for result in results:
                    _merge(digests, result)
        finally:
            _INPUTS = None
        digests.update(write_files(staging, {MANIFEST: manifest_text(digests)}))
    return len(digests)

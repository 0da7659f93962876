"""Everything ``aiinfra render`` writes, from one Design.

The work is a list of independent jobs: design.json (the complete Design,
:mod:`aiinfra.design.serialize`), reports, inventory, switch configs in chunks, and
node/platform files (in node chunks where the platform's files are per node). Two ways to run them:

* :func:`render_outputs` keeps every file in memory (tests, ``--check``);
* :func:`write_outputs` runs the jobs on every core and lets each worker write its
  files straight into the staging folder, returning only their SHA-256 digests, so
  a 275 MB, 44k-file render never crosses a process boundary.

Workers are forked after the Design is built and share it copy-on-write; the main
process runs jobs beside them (:mod:`aiinfra.render.workers`). Both paths run the same
jobs, so they produce the same bytes (tested).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from aiinfra.design.invariants import check_invariants
from aiinfra.design.model import Design
from aiinfra.design.serialize import design_json_bytes, write_design
from aiinfra.gcpause import gc_paused
from aiinfra.render.artefacts import ARTEFACTS, Artefact
from aiinfra.render.incremental import FINGERPRINTS, Basis, Previous, Units, fingerprints_bytes, previous_units, reuse
from aiinfra.render.inventory import cluster_inventory_files
from aiinfra.render.output import (
    MANIFEST,
    Notify,
    OutputSet,
    Target,
    manifest_text,
    prepare,
    staged,
    write_files,
    write_streamed,
)
from aiinfra.render.platforms import per_node, platform_files, shared_platform_files
from aiinfra.render.reports import reports, write_reports
from aiinfra.render.units import unit
from aiinfra.render.workers import Job, Progress, run_jobs

UNIT_KINDS = ("switches", "nodes")
Files = Mapping[str, str | bytes]

PARALLEL_MIN_ITEMS = 200  # switches + nodes below which forking costs more than it saves
SWITCH_CHUNK = 128
NODE_CHUNK = 256
DESIGN_JSON = "design.json"


@dataclass(frozen=True)
class _Inputs:
    design: Design
    staging: Path | None = None
    extra: Mapping[str, Artefact] = field(default_factory=dict)  # this render's own artefacts
    previous: Previous | None = None  # what an incremental render may keep (write_outputs only)
    basis: Basis | None = None
    node_index: Mapping[str, int] = field(default_factory=dict)
    per_node: bool = False  # the platform's files are rendered in the node units
    made: set[str] = field(default_factory=set, compare=False)  # staging folders this process made (write_files)

    @classmethod
    def of(cls, design: Design, staging: Path | None = None, **kw: object) -> _Inputs:
        index = {n.name: i for i, n in enumerate(design.nodes)}
        split = per_node(design) and bool(design.nodes)
        return cls(design, staging, basis=Basis.of(design), node_index=index, per_node=split, **kw)  # type: ignore[arg-type]


_INPUTS: _Inputs | None = None  # set in the parent before forking; read by the workers


@dataclass
class _Result:
    """One job's outcome: its files (in memory) or their digests (written), and its units' fingerprints."""

    files: dict[str, str | bytes] | dict[str, str]
    units: Units = field(default_factory=dict)
    kept: int = 0  # units whose previous files were kept
    seconds: dict[str, float] = field(default_factory=dict)  # CPU seconds in the worker, by step


def _add(seconds: dict[str, float], step: str, since: float, clock: Callable[[], float] = time.process_time) -> float:
    now = clock()
    seconds[step] = seconds.get(step, 0.0) + now - since
    return now


def _whole_job(job: Job) -> Files:
    """A job that reads the whole Design: always rendered."""
    assert _INPUTS is not None
    d = _INPUTS.design
    kind, names = job
    if kind == "design":
        return {DESIGN_JSON: design_json_bytes(d)}
    if kind == "invariants":
        check_invariants(d)  # raises DesignInvariantError: the render fails, nothing is swapped in
        return {}
    if kind == "reports":
        return reports(d)
    if kind == "inventory":  # the host_vars files are the units'
        return cluster_inventory_files(d)
    if kind == "platform":
        return platform_files(d)
    if kind == "platform-shared":
        return shared_platform_files(d)
    if kind == "artefact":
        return {**ARTEFACTS, **_INPUTS.extra}[names[0]](d)
    raise ValueError(f"unknown render job {kind!r}")


def _unit(kind: str, name: str) -> tuple[str, str, Callable[[], Files]]:
    i = _INPUTS
    assert i is not None and i.basis is not None
    return unit(kind, name, i.design, i.basis, i.node_index.get(name, -1), platform_files=i.per_node)


def _render_job(job: Job) -> _Result:
    kind, names = job
    if kind not in UNIT_KINDS:
        return _Result(dict(_whole_job(job)))
    out = _Result({})
    for name in names:
        key, fingerprint, render = _unit(kind, name)
        files = render()
        _merge(out.files, files)  # type: ignore[arg-type]
        out.units[key] = (fingerprint, sorted(files))
    return out


def _write_job(job: Job) -> _Result:
    assert _INPUTS is not None and _INPUTS.staging is not None
    staging, previous = _INPUTS.staging, _INPUTS.previous
    kind, names = job
    started = time.process_time()
    if kind == "design":  # streamed: the 131k-GPU design.json never sits whole in a worker
        out = _Result({DESIGN_JSON: write_streamed(f"{staging}/{DESIGN_JSON}", partial(write_design, _INPUTS.design))})
        _add(out.seconds, kind, started)
        return out
    if kind == "reports":  # streamed, as design.json: a block of rows at a time
        out = _Result(write_reports(_INPUTS.design, staging))
        _add(out.seconds, kind, started)
        return out
    if kind not in UNIT_KINDS:
        out = _Result(write_files(staging, _whole_job(job)))
        _add(out.seconds, kind, started)
        return out
    out = _Result({})
    for name in names:
        key, fingerprint, render = _unit(kind, name)
        started = _add(out.seconds, "fingerprint", started)
        digests = reuse(previous, key, fingerprint, staging) if previous is not None else None
        if digests is None:
            started = _add(out.seconds, "check", started)
            digests = write_files(staging, render(), _INPUTS.made)
            started = _add(out.seconds, kind, started)
        else:
            out.kept += 1
            started = _add(out.seconds, "keep", started)
        _merge(out.files, digests)  # type: ignore[arg-type]
        out.units[key] = (fingerprint, sorted(digests))
    return out


def jobs(design: Design, *, invariants: bool = False, extra: Mapping[str, Artefact] | None = None) -> list[Job]:
    """Independent render jobs: the whole-Design ones first, then the units in small chunks,
    so the processes finish together (each takes the next job as it frees up).

    design.json is one job (the longest on a big design: 338 MB for ai-factory-32k), run
    beside the others rather than after them. ``invariants``: one more job checks the
    Design's invariants (a render whose design stage left them to it). ``extra``: artefacts
    of this render only (``render --report``), beside the registry's. Switch and (per-node
    platforms) node jobs are chunks of units, each rendered from its own slice of the Design.
    """
    out: list[Job] = [("design", ())]
    if invariants:
        out.append(("invariants", ()))
    out += [("reports", ()), ("inventory", ())]
    if not (per_node(design) and design.nodes):
        out.append(("platform", ()))
    else:  # the files a per-node platform's nodes share (nodes/_common/), once per render
        out.append(("platform-shared", ()))
    out += [("artefact", (name,)) for name in {**ARTEFACTS, **(extra or {})}]
    names = [n.name for n in design.nodes]
    out += [("nodes", tuple(names[i : i + NODE_CHUNK])) for i in range(0, len(names), NODE_CHUNK)]
    devices = list(design.devices)
    out += [("switches", tuple(devices[i : i + SWITCH_CHUNK])) for i in range(0, len(devices), SWITCH_CHUNK)]
    return out


def _workers(design: Design) -> int:
    if len(design.devices) + len(design.nodes) < PARALLEL_MIN_ITEMS:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def _merge(into: dict[str, str], new: Mapping[str, str]) -> None:
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
    """Every file, in memory, with the fingerprints and the manifest; ``invariants``: check the Design's too."""
    global _INPUTS
    _INPUTS = _Inputs.of(design, extra=dict(extra or {}))
    try:
        out = OutputSet()
        units: Units = {}
        work = jobs(design, invariants=invariants, extra=extra)
        with run_jobs(_render_job, work, _workers(design), progress) as results:
            for result in results:
                for path, text in result.files.items():
                    out.add(path, text)
                units.update(result.units)
        out.add(FINGERPRINTS, fingerprints_bytes(units))
    finally:
        _INPUTS = None
    return out.with_manifest()


@dataclass
class Written:
    """What :func:`write_outputs` did: files in the new tree, and units rendered or kept.

    ``seconds``: where the time went, for benchmarks. Job steps (``design``, ``switches``,
    ``nodes``, ``fingerprint``, ``keep``: checking and linking kept files, ``check``: the
    checks of units rendered anyway...) are CPU seconds summed over the workers (on a
    shared machine the steadier figure); ``previous``, ``basis``, ``jobs``, ``finish``
    (fingerprints and manifest), ``carry``, ``swap`` and ``retire`` (removing the old
    tree) are the parent's wall seconds.
    """

    files: int
    units: int = 0
    kept: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def write_outputs(
    design: Design,
    directory: Path | Target,
    progress: Progress | None = None,
    notify: Notify | None = None,
    *,
    invariants: bool = False,
    extra: Mapping[str, Artefact] | None = None,
    incremental: bool = True,
) -> Written:
    """Render straight into a staging folder beside ``directory`` and swap it in.

    A plain Path is checked with :func:`aiinfra.render.output.prepare` (no spec, no force).
    ``invariants``: a job also checks the Design's invariants; a violation fails the render.
    ``incremental`` (the default): switch and node units whose fingerprint and files are
    unchanged keep the previous render's files (:mod:`aiinfra.render.incremental`); False
    renders every file.
    """
    global _INPUTS
    if isinstance(directory, Path):
        directory = prepare(directory, notify=notify)
    with gc_paused():  # the previous render's fingerprints and the digests: see aiinfra.gcpause
        seconds: dict[str, float] = {}
        started = time.perf_counter()
        previous = previous_units(directory) if incremental else None
        started = _add(seconds, "previous", started, time.perf_counter)
        with staged(directory, notify, seconds) as staging:
            _INPUTS = _Inputs.of(design, staging, extra=dict(extra or {}), previous=previous)
            started = _add(seconds, "basis", started, time.perf_counter)
            try:
                digests: dict[str, str] = {}
                units: Units = {}
                kept = 0
                work = jobs(design, invariants=invariants, extra=extra)
                with run_jobs(_write_job, work, _workers(design), progress) as results:
                    for result in results:
                        _merge(digests, result.files)  # type: ignore[arg-type]
                        units.update(result.units)
                        kept += result.kept
                        for step, spent in result.seconds.items():
                            seconds[f"job {step}"] = seconds.get(f"job {step}", 0.0) + spent
            finally:
                _INPUTS = None
            started = _add(seconds, "jobs", started, time.perf_counter)
            digests.update(write_files(staging, {FINGERPRINTS: fingerprints_bytes(units)}))
            digests.update(write_files(staging, {MANIFEST: manifest_text(digests)}))
            _add(seconds, "finish", started, time.perf_counter)
        return Written(len(digests), len(units), kept, seconds)

"""Everything ``aiinfra render`` writes, from one Design.

The work is a list of independent jobs: reports, inventory, switch configs in
chunks, and node/platform files (in node chunks where the platform's files are
per node). Two ways to run them:

* :func:`render_outputs` keeps every file in memory (tests, ``--check``);
* :func:`write_outputs` runs the jobs on every core and lets each worker write its
  files straight into the staging folder, returning only their SHA-256 digests, so
  a 275 MB, 44k-file render never crosses a process boundary.

Workers are forked after the Design is built and share it copy-on-write. Both
paths run the same jobs, so they produce the same bytes (tested).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from aiinfra.catalog import Catalog
from aiinfra.design.model import Design
from aiinfra.render.inventory import inventory_files
from aiinfra.render.output import MANIFEST, OutputSet, manifest_text, staged, write_files
from aiinfra.render.platforms import per_node, platform_files
from aiinfra.render.reports import addressing_csv, bom_csv, cabling_csv, design_yaml
from aiinfra.render.switches import renderer_for
from aiinfra.spec.model import ClusterSpec

Progress = Callable[[str, int, int], None]
Job = tuple[str, tuple[str, ...]]

PARALLEL_MIN_ITEMS = 200  # switches + nodes below which forking costs more than it saves
SWITCH_CHUNK = 128
NODE_CHUNK = 256


@dataclass(frozen=True)
class _Inputs:
    design: Design
    spec: ClusterSpec
    catalog: Catalog
    staging: Path | None = None


_INPUTS: _Inputs | None = None  # set in the parent before forking; read by the workers


def _render_job(job: Job) -> dict[str, str]:
    assert _INPUTS is not None
    d, spec, catalog = _INPUTS.design, _INPUTS.spec, _INPUTS.catalog
    kind, names = job
    if kind == "reports":
        return {
            "design.yaml": design_yaml(d),
            "cabling.csv": cabling_csv(d),
            "addressing.csv": addressing_csv(d),
            "bom.csv": bom_csv(d),
        }
    if kind == "inventory":
        return inventory_files(d, catalog, spec.platform.type, spec.platform)
    if kind == "switches":
        out: dict[str, str] = {}
        for name in names:
            device = d.devices[name]
            out.update(renderer_for(device.os)(device, d, catalog))
        return out
    if kind == "platform":
        return platform_files(d, spec, catalog, nodes=names or None)
    raise ValueError(f"unknown render job {kind!r}")


def _write_job(job: Job) -> dict[str, str]:
    assert _INPUTS is not None and _INPUTS.staging is not None
    return write_files(_INPUTS.staging, _render_job(job))


def jobs(design: Design, spec: ClusterSpec) -> list[Job]:
    """Independent render jobs, longest first so the workers finish together."""
    out: list[Job] = []
    if per_node(spec) and design.nodes:
        names = [n.name for n in design.nodes]
        out += [("platform", tuple(names[i : i + NODE_CHUNK])) for i in range(0, len(names), NODE_CHUNK)]
    else:
        out.append(("platform", ()))
    out += [("reports", ()), ("inventory", ())]
    devices = list(design.devices)
    out += [("switches", tuple(devices[i : i + SWITCH_CHUNK])) for i in range(0, len(devices), SWITCH_CHUNK)]
    return out


def _workers(design: Design) -> int:
    if len(design.devices) + len(design.nodes) < PARALLEL_MIN_ITEMS:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def _map(func: Callable[[Job], dict[str, str]], work: list[Job], workers: int, progress: Progress | None):
    if workers == 1:
        results = (func(job) for job in work)
        for i, result in enumerate(results, 1):
            if progress:
                progress("render jobs", i, len(work))
            yield result
        return
    # Freeze the Design into the permanent GC generation before forking: the workers'
    # collectors then never walk (and copy-on-write) its million objects.
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork"), initializer=gc.disable
        ) as pool:
            for i, result in enumerate(pool.map(func, work), 1):
                if progress:
                    progress("render jobs", i, len(work))
                yield result
    finally:
        gc.unfreeze()


def _merge(into: dict[str, str], new: dict[str, str]) -> None:
    clash = into.keys() & new.keys()
    if clash:
        raise ValueError(f"two renderers wrote {sorted(clash)[0]}")
    into.update(new)


def render_outputs(design: Design, spec: ClusterSpec, catalog: Catalog, progress: Progress | None = None) -> OutputSet:
    """Every file, in memory, with the manifest."""
    global _INPUTS
    _INPUTS = _Inputs(design, spec, catalog)
    try:
        out = OutputSet()
        for result in _map(_render_job, jobs(design, spec), _workers(design), progress):
            for path, text in result.items():
                out.add(path, text)
    finally:
        _INPUTS = None
    return out.with_manifest()


def write_outputs(
    design: Design, spec: ClusterSpec, catalog: Catalog, directory: Path, progress: Progress | None = None
) -> int:
    """Render straight into a staging folder beside ``directory`` and swap it in; returns the file count."""
    global _INPUTS
    with staged(directory) as staging:
        _INPUTS = _Inputs(design, spec, catalog, staging)
        try:
            digests: dict[str, str] = {}
            for result in _map(_write_job, jobs(design, spec), _workers(design), progress):
                _merge(digests, result)
        finally:
            _INPUTS = None
        digests.update(write_files(staging, {MANIFEST: manifest_text(digests)}))
    return len(digests)

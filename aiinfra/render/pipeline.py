"""Everything ``aiinfra render`` writes, assembled in memory from one Design.

The work is a list of independent jobs (reports, inventory, switch configs in
chunks, node/platform files). Large designs run them on every core: workers are
forked after the Design is built, so they share it copy-on-write and only the
rendered text travels back. Results are added in job order, so the output is
byte-identical whatever the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from aiinfra.catalog import Catalog
from aiinfra.design.model import Design
from aiinfra.render.inventory import inventory_files
from aiinfra.render.output import OutputSet
from aiinfra.render.platforms import platform_files
from aiinfra.render.reports import addressing_csv, bom_csv, cabling_csv, design_yaml
from aiinfra.render.switches import renderer_for
from aiinfra.spec.model import ClusterSpec

Progress = Callable[[str, int, int], None]

PARALLEL_MIN_DEVICES = 200  # below this, forking costs more than it saves
SWITCH_CHUNK = 128


@dataclass(frozen=True)
class _Inputs:
    design: Design
    spec: ClusterSpec
    catalog: Catalog


_INPUTS: _Inputs | None = None  # set in the parent before forking; read by the workers


def _reports() -> dict[str, str]:
    assert _INPUTS is not None
    d = _INPUTS.design
    return {
        "design.yaml": design_yaml(d),
        "cabling.csv": cabling_csv(d),
        "addressing.csv": addressing_csv(d),
        "bom.csv": bom_csv(d),
    }


def _inventory() -> dict[str, str]:
    assert _INPUTS is not None
    return inventory_files(_INPUTS.design, _INPUTS.catalog, _INPUTS.spec.platform.type)


def _switches(names: tuple[str, ...]) -> dict[str, str]:
    assert _INPUTS is not None
    d, catalog = _INPUTS.design, _INPUTS.catalog
    out: dict[str, str] = {}
    for name in names:
        device = d.devices[name]
        out.update(renderer_for(device.os)(device, d, catalog))
    return out


def _platform() -> dict[str, str]:
    assert _INPUTS is not None
    return platform_files(_INPUTS.design, _INPUTS.spec, _INPUTS.catalog)


def _run(job: tuple[str, tuple[str, ...]]) -> dict[str, str]:
    kind, args = job
    if kind == "switches":
        return _switches(args)
    return {"reports": _reports, "inventory": _inventory, "platform": _platform}[kind]()


def _jobs(design: Design) -> list[tuple[str, tuple[str, ...]]]:
    # The longest jobs first, so two workers finish together.
    names = list(design.devices)
    chunks = [("switches", tuple(names[i : i + SWITCH_CHUNK])) for i in range(0, len(names), SWITCH_CHUNK)]
    return [("platform", ()), ("inventory", ()), ("reports", ()), *chunks]


def _workers(design: Design) -> int:
    if len(design.devices) < PARALLEL_MIN_DEVICES or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def render_outputs(design: Design, spec: ClusterSpec, catalog: Catalog, progress: Progress | None = None) -> OutputSet:
    global _INPUTS
    jobs = _jobs(design)
    _INPUTS = _Inputs(design, spec, catalog)
    try:
        workers = _workers(design)
        results: list[dict[str, str]] = []
        if workers == 1:
            for i, job in enumerate(jobs, 1):
                results.append(_run(job))
                if progress:
                    progress("render jobs", i, len(jobs))
        else:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                for i, result in enumerate(pool.map(_run, jobs), 1):
                    results.append(result)
                    if progress:
                        progress("render jobs", i, len(jobs))
    finally:
        _INPUTS = None
    out = OutputSet()
    for result in results:
        for path, text in result.items():
            out.add(path, text)
    return out.with_manifest()

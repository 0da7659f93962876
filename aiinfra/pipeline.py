"""spec -> design -> outputs, with every semantic problem mapped back to the spec file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aiinfra.catalog import Catalog
from aiinfra.design.build import build_design, resolve_catalog
from aiinfra.design.model import Design
from aiinfra.design.problems import DesignError
from aiinfra.errors import SpecError
from aiinfra.render.output import Notify, OutputSet, Target, prepare
from aiinfra.render.pipeline import Progress, render_outputs, write_outputs
from aiinfra.render.platforms import check_platform
from aiinfra.spec.load import LoadedSpec, load_spec


@dataclass(frozen=True)
class DesignResult:
    loaded: LoadedSpec
    catalog: Catalog
    design: Design


def design_from_file(path: Path, *, check_workloads: bool = True) -> DesignResult:
    """Load, design and run the cross-layer checks that need a finished design:
    per-node platform facts, and (unless ``aiinfra size`` asks otherwise) whether the
    cluster can carry its declared workloads."""
    loaded = load_spec(path)
    catalog = resolve_catalog(loaded.spec)
    try:
        design = build_design(loaded.spec, catalog, loaded.path.parent)
    except DesignError as exc:
        raise SpecError([loaded.diagnostic(p.path, p.message) for p in exc.problems]) from None
    problems = [(p.path, p.message) for p in check_platform(loaded.spec, design, loaded.path.parent, catalog)]
    if check_workloads:
        problems += workload_problems(loaded, catalog, design)
    if problems:
        raise SpecError([loaded.diagnostic(path, message) for path, message in problems])
    return DesignResult(loaded, catalog, design)


def workload_problems(loaded: LoadedSpec, catalog: Catalog, design: Design) -> list[tuple[tuple[str | int, ...], str]]:
    """Shortfalls of the designed cluster against ``workloads:`` (GPUs, per-GPU and bisection bandwidth)."""
    from aiinfra.sizing.check import BackendCapacity, check_workloads

    if loaded.spec.workloads is None:
        return []
    gpus = sum(n.gpus for n in design.nodes)
    nic_gbps = sum(nic.speed_gbps for n in design.nodes for nic in n.backend)
    capacity = BackendCapacity(
        gpus=gpus,
        nodes=len(design.nodes),
        gpu_nic_gbps=nic_gbps / gpus if gpus else 0.0,
        bisection_gbps=design.backend_bisection_gbps,
    )
    return check_workloads(loaded.spec, catalog, capacity)


def render_files(result: DesignResult, progress: Progress | None = None) -> OutputSet:
    """Every rendered file in memory (for --check and tests)."""
    return render_outputs(result.design, result.loaded.spec, result.catalog, progress)


def output_target(
    result: DesignResult, directory: Path, *, force: bool = False, notify: Notify | None = None
) -> Target:
    """The checked output folder: never the spec's folder or above it, never someone else's files.

    Also clears what killed renders left beside it (see :mod:`aiinfra.render.swap`).
    """
    return prepare(directory, result.loaded.path, force=force, notify=notify)


def write_rendered(
    result: DesignResult,
    directory: Path | Target,
    progress: Progress | None = None,
    *,
    force: bool = False,
    notify: Notify | None = None,
) -> int:
    """Render into ``directory`` atomically, on every core; returns the number of files.

    Only files an earlier render's manifest lists are replaced; the rules are in
    :mod:`aiinfra.render.ownership`.
    """
    if isinstance(directory, Path):
        directory = output_target(result, directory, force=force, notify=notify)
    return write_outputs(result.design, result.loaded.spec, result.catalog, directory, progress, notify)

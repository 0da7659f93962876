"""spec -> design -> outputs, with every semantic problem mapped back to the spec file."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from aiinfra.catalog import Catalog
from aiinfra.design.build import build_design, resolve_catalog
from aiinfra.design.model import Design
from aiinfra.design.problems import DesignError
from aiinfra.errors import Diagnostic, SpecError
from aiinfra.render.artefacts import Artefact
from aiinfra.render.output import Notify, OutputSet, Target, prepare
from aiinfra.render.pipeline import Progress, Written, render_outputs, write_outputs
from aiinfra.render.presurvey import Presurvey
from aiinfra.spec.load import LoadedSpec, load_spec


@dataclass(frozen=True)
class DesignResult:
    loaded: LoadedSpec
    catalog: Catalog
    design: Design
    warnings: tuple[Diagnostic, ...] = ()  # advice on a valid spec (aiinfra.design.advice)
    invariants_checked: bool = True  # False: the render checks them (see design_from_file)


def design_from_file(path: Path, *, check_workloads: bool = True, defer_invariants: bool = False) -> DesignResult:
    """Load (spec and node facts), design (platform limits included) and, unless
    ``aiinfra size`` asks otherwise, check whether the cluster can carry its declared workloads.

    ``defer_invariants`` (``aiinfra render``): the Design's invariants are checked by a
    render job on another core, beside design.json and the configs, instead of before the
    render starts (half a second at 32k GPUs). A violation still fails the render and
    nothing is swapped in; ``validate`` and every other caller check them here.
    """
    loaded = load_spec(path)
    catalog = resolve_catalog(loaded.spec)
    try:
        design = build_design(
            loaded.spec,
            catalog,
            node_facts=loaded.facts,
            spec_dir=loaded.path.parent,
            invariants=not defer_invariants,
        )
    except DesignError as exc:
        raise SpecError([loaded.diagnostic(p.path, p.message) for p in exc.problems]) from None
    problems = workload_problems(loaded, catalog, design) if check_workloads else []
    if problems:
        raise SpecError([loaded.diagnostic(path, message) for path, message in problems])
    from aiinfra.design.advice import advice

    found = advice(loaded.spec, catalog, design)
    warnings = tuple(replace(loaded.diagnostic(p, m), severity="warning") for p, m in found)
    return DesignResult(loaded, catalog, design, warnings, invariants_checked=not defer_invariants)


@dataclass(frozen=True)
class DesignFile:
    """A Design loaded from design.json (``render --from-design``): no spec, no catalog."""

    path: Path
    design: Design


def design_from_json(path: Path) -> DesignFile:
    """Load design.json: its structure is checked (a SpecError names the JSON path), then its invariants."""
    from aiinfra.design.serialize import load_design

    return DesignFile(path, load_design(path))


Rendered = DesignResult | DesignFile


def _source(result: Rendered) -> Path:
    """The input file: render never writes into its folder or above it."""
    return result.path if isinstance(result, DesignFile) else result.loaded.path


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


def render_files(
    result: Rendered, progress: Progress | None = None, *, extra: Mapping[str, Artefact] | None = None
) -> OutputSet:
    """Every rendered file in memory (for --check and tests); ``extra``: this render's own artefacts."""
    return render_outputs(result.design, progress, invariants=_unchecked(result), extra=extra)


def output_target(
    result: Rendered,
    directory: Path,
    *,
    force: bool = False,
    notify: Notify | None = None,
    early: Presurvey | None = None,
) -> Target:
    """The checked output folder: never the spec's folder or above it, never someone else's files.

    Also clears what killed renders left beside it (see :mod:`aiinfra.render.swap`).
    ``early``: DIR read during the design stage (:mod:`aiinfra.render.presurvey`), used when
    it still describes DIR.
    """
    return prepare(directory, _source(result), force=force, notify=notify, early=early)


def write_rendered(
    result: Rendered,
    directory: Path | Target,
    progress: Progress | None = None,
    *,
    force: bool = False,
    notify: Notify | None = None,
    extra: Mapping[str, Artefact] | None = None,
) -> int:
    """Render into ``directory`` atomically, on every core; returns the number of files.

    Only files an earlier render's manifest lists are replaced; the rules are in
    :mod:`aiinfra.render.ownership`.
    """
    return render_into(result, directory, progress, force=force, notify=notify, extra=extra).files


def render_into(
    result: Rendered,
    directory: Path | Target,
    progress: Progress | None = None,
    *,
    force: bool = False,
    notify: Notify | None = None,
    extra: Mapping[str, Artefact] | None = None,
    incremental: bool = True,
) -> Written:
    """:func:`write_rendered`, saying how many switch and node units kept their previous files.

    ``incremental=False`` renders every file (``render --full``); the result is the same bytes.
    """
    started = time.perf_counter()
    if isinstance(directory, Path):
        directory = output_target(result, directory, force=force, notify=notify)
    prepared = time.perf_counter() - started
    written = write_outputs(
        result.design,
        directory,
        progress,
        notify,
        invariants=_unchecked(result),
        extra=extra,
        incremental=incremental,
    )
    written.seconds["prepare"] = prepared  # checking DIR and reading its manifest (0 when the caller did)
    return written


def _unchecked(result: Rendered) -> bool:
    """Whether the render must check the Design's invariants (design.json's are checked on loading)."""
    return isinstance(result, DesignResult) and not result.invariants_checked

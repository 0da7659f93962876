"""Design (+ spec and catalog for sizing, + a plan file) -> :class:`ReportModel`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from aiinfra import __version__
from aiinfra.catalog import Catalog
from aiinfra.design.model import Design, Device
from aiinfra.errors import Diagnostic
from aiinfra.gcpause import gc_paused
from aiinfra.nos.common import config_files
from aiinfra.report import palette
from aiinfra.report.data import blob_json, device_blob
from aiinfra.report.model import ReportModel
from aiinfra.report.overview import bom_table, figures, tier_table
from aiinfra.report.plan_view import plan_section
from aiinfra.report.qos_view import qos_tables
from aiinfra.report.sizing_view import sizing_section
from aiinfra.report.topology import topology
from aiinfra.sizing.power import OPTIC_W
from aiinfra.spec.model import ClusterSpec


@dataclass(frozen=True)
class ReportInputs:
    """What a report is built from: the Design always; the spec and catalog for sizing;
    where the rendered configs are, relative to the report folder; a plan file; the warnings
    validate printed for the spec (design advice), which the overview lists first."""

    design: Design
    spec: ClusterSpec | None = None
    catalog: Catalog | None = None
    configs_from_report: str = ".."  # the render folder, as a relative path from the report's folder
    plan: Path | None = None
    validation: tuple[Diagnostic, ...] = ()


def relative_configs(report_dir: Path, render_dir: Path) -> str:
    """The render folder as a POSIX path relative to the report folder (links must be relative)."""
    rel = os.path.relpath(os.path.abspath(render_dir), os.path.abspath(report_dir))
    return PurePosixPath(*Path(rel).parts).as_posix()


def validation_warning(d: Diagnostic) -> str:
    """A validate warning as the overview lists it: the spec's file name (not its folder, so the
    report does not change with where it was built), line, field and message."""
    where = PurePosixPath(d.file.replace("\\", "/")).name if d.file else "spec"
    if d.line:
        where += f":{d.line}"
    return f"{where}: {d.path}: {d.message}" if d.path else f"{where}: {d.message}"


def build_report(inputs: ReportInputs) -> ReportModel:
    design = inputs.design
    base = inputs.configs_from_report.rstrip("/")

    def hrefs(d: Device) -> list[str]:
        return [f"{base}/{path}" for path in config_files(d)]

    server_w: dict[str, float] = {}
    if inputs.catalog is not None:
        for n in design.nodes:
            s = inputs.catalog.servers.get(n.model)
            if s is not None:
                server_w[f"{s.vendor} {s.model}"] = float(s.power_w)
    with gc_paused():  # ~2M small lists and tuples at 32k, none cyclic: half the time
        sizing, power, warnings = sizing_section(inputs.spec, inputs.catalog, design)
        blob = blob_json(device_blob(design, hrefs))
        views = topology(design)
    legend = tuple((f"rail {r}", palette.rail_colour(r)) for r in range(1, design.rails + 1))
    return ReportModel(
        title=f"{design.name}: cluster report",
        generator=f"aiinfra {__version__}",
        overview=figures(design),
        tiers=tier_table(design),
        warnings=tuple(validation_warning(d) for d in inputs.validation) + warnings,
        topology=views,
        rail_legend=legend,
        bom=bom_table(design, server_w, OPTIC_W),
        power=power,
        qos=qos_tables(design),
        sizing=sizing,
        plan=plan_section(inputs.plan) if inputs.plan is not None else None,
        data_json=blob,
        palette=dict(palette.CSS_VARIABLES),
    )

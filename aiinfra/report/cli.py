"""``aiinfra report SPEC -o DIR``, and the ``render --report`` hook.

    aiinfra report cluster.yaml -o report/ [--plan plan.json] [--configs build/]
    aiinfra report --from-design build/design.json -o report/
    aiinfra render cluster.yaml -o build/ --report     # also writes build/report/index.html

Exit codes: 0 written, 2 invalid spec, an unreadable plan file, or a folder holding an
``index.html`` aiinfra did not write (``--force`` replaces it), 1 a filesystem error.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from aiinfra.design.model import Design
from aiinfra.render.artefacts import Artefact
from aiinfra.report.build import ReportInputs, build_report, relative_configs
from aiinfra.report.plan_view import PlanUnreadable
from aiinfra.report.render import INDEX, report_files

EXIT_OK, EXIT_INVALID = 0, 2
GENERATOR_MARK = '<meta name="generator" content="aiinfra '
RENDER_FOLDER = "report"  # where ``render --report`` puts the report inside the render folder


def add_parser(subparsers: Any) -> None:
    """Register ``report``, and ``--report`` on ``render`` (the flag only: see :func:`report_artefacts`)."""
    p = subparsers.add_parser(
        "report",
        help="write a static HTML report: overview, topology, devices, cabling, BOM, QoS, sizing",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("spec", nargs="?", type=Path, help="cluster.yaml")
    p.add_argument("-o", "--output", type=Path, help="report folder (default: report/ beside the spec)")
    p.add_argument("--from-design", type=Path, metavar="DESIGN_JSON", help="report on a design.json instead of a spec")
    p.add_argument("--plan", type=Path, metavar="PLAN_JSON", help="add the per-device plan summary from this file")
    p.add_argument(
        "--configs",
        type=Path,
        metavar="RENDER_DIR",
        help="the render folder the device pages link into (default: build/ beside the spec, or design.json's folder)",
    )
    p.add_argument("--force", action="store_true", help="replace an index.html aiinfra did not write")
    render = subparsers.choices.get("render")
    if render is not None:
        render.add_argument(
            "--report", action="store_true", help=f"also write the HTML report into {RENDER_FOLDER}/ of the output"
        )


def run(args: argparse.Namespace) -> int:
    from aiinfra.pipeline import design_from_file, design_from_json

    if (args.spec is None) == (args.from_design is None):
        print("aiinfra report: give a spec or --from-design DESIGN_JSON (one of them)", file=sys.stderr)
        return EXIT_INVALID
    source: Path = args.spec or args.from_design
    output: Path = args.output or source.parent / RENDER_FOLDER
    # the render folder: where a design.json lies, else where render writes by default
    configs: Path = args.configs or (source.parent if args.spec is None else source.parent / "build")
    target = output / INDEX
    if (
        target.exists()
        and not args.force
        and GENERATOR_MARK not in target.read_text(encoding="utf-8", errors="replace")
    ):
        print(f"aiinfra report: {target} was not written by aiinfra; move it away or use --force", file=sys.stderr)
        return EXIT_INVALID
    if args.spec is not None:
        result = design_from_file(args.spec)
        inputs = ReportInputs(
            result.design,
            result.loaded.spec,
            result.catalog,
            relative_configs(output, configs),
            args.plan,
            result.warnings,
        )
    else:
        inputs = ReportInputs(
            design_from_json(args.from_design).design, None, None, relative_configs(output, configs), args.plan
        )
    try:
        files = report_files(build_report(inputs))
    except PlanUnreadable as exc:
        print(f"aiinfra report: {exc}", file=sys.stderr)
        return EXIT_INVALID
    output.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        _write_atomic(output / name, text)
    print(f"aiinfra: wrote {len(files)} file(s) to {output}")
    return EXIT_OK


def _write_atomic(path: Path, text: str) -> None:
    """Write beside, then rename: a reader never sees half a report."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def report_artefacts(args: argparse.Namespace, result: object) -> dict[str, Artefact]:
    """``render --report``: the report as an artefact of this render only ({} without the flag).

    The render passes it to the pipeline beside the registry's artefacts, so the report goes
    through the render like any other output family (``report/index.html`` in the manifest,
    in ``--check``), linking to the configs beside it, and nothing outlives the render.
    """
    if not getattr(args, "report", False):
        return {}
    loaded = getattr(result, "loaded", None)
    spec = loaded.spec if loaded is not None else None
    catalog = getattr(result, "catalog", None)
    plan = getattr(args, "plan", None)
    warnings = tuple(getattr(result, "warnings", ()))

    def artefact(design: Design) -> dict[str, str]:
        files = report_files(build_report(ReportInputs(design, spec, catalog, "..", plan, warnings)))
        return {f"{RENDER_FOLDER}/{name}": text for name, text in files.items()}

    return {RENDER_FOLDER: artefact}

"""spec -> design -> outputs, with every semantic problem mapped back to the spec file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aiinfra.catalog import Catalog
from aiinfra.design.build import build_design, resolve_catalog
from aiinfra.design.model import Design
from aiinfra.design.problems import DesignError
from aiinfra.errors import SpecError
from aiinfra.render.output import OutputSet
from aiinfra.render.pipeline import Progress, render_outputs
from aiinfra.render.platforms import check_platform
from aiinfra.spec.load import LoadedSpec, load_spec


@dataclass(frozen=True)
class DesignResult:
    loaded: LoadedSpec
    catalog: Catalog
    design: Design


def design_from_file(path: Path) -> DesignResult:
    loaded = load_spec(path)
    catalog = resolve_catalog(loaded.spec)
    try:
        design = build_design(loaded.spec, catalog)
    except DesignError as exc:
        raise SpecError([loaded.diagnostic(p.path, p.message) for p in exc.problems]) from None
    problems = check_platform(loaded.spec, design, loaded.path.parent, catalog)
    if problems:
        raise SpecError([loaded.diagnostic(p.path, p.message) for p in problems])
    return DesignResult(loaded, catalog, design)


def render_files(result: DesignResult, progress: Progress | None = None) -> OutputSet:
    return render_outputs(result.design, result.loaded.spec, result.catalog, progress)

"""Everything a lab command works from: the spec's design, the lab plan and its paths.

Every command rebuilds the design from the spec instead of storing it: the design is
deterministic, so ``verify`` and ``fail`` predict exactly what ``up`` built.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aiinfra.lab import names, state
from aiinfra.lab.errors import LabError
from aiinfra.lab.topology import LabPlan, plan_lab
from aiinfra.pipeline import DesignResult, design_from_file


@dataclass(frozen=True)
class LabContext:
    spec: Path
    lab_id: str
    result: DesignResult
    plan: LabPlan

    @property
    def lab_dir(self) -> Path:
        return state.lab_path(self.lab_id)

    @property
    def render_dir(self) -> Path:
        return self.lab_dir / "render"


def load(spec: Path, lab_id: str | None = None) -> LabContext:
    """Design and plan for ``spec``; SpecError (invalid spec) propagates to the CLI."""
    if not spec.is_file():
        raise LabError(f"{spec}: no such spec file")
    ident = names.lab_id_for(spec, lab_id)
    result = design_from_file(spec)
    return LabContext(spec.resolve(), ident, result, plan_lab(result.design, ident))

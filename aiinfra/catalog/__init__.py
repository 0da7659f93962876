"""The hardware catalog: built-in data files plus the spec's ``catalog:`` additions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from aiinfra.catalog.models import (
    CatalogData,
    GpuModel,
    NicModel,
    OsCatalog,
    OsProfile,
    ServerModel,
    SwitchModel,
)
from aiinfra.errors import Diagnostic, SpecError
from aiinfra.spec.errors import translate_validation_error
from aiinfra.spec.loader import SourceMap, load_yaml

DATA = Path(__file__).parent / "data"
KINDS = ("switches", "servers", "nics", "gpus")

M = TypeVar("M", bound=BaseModel)


def _validate(model: type[M], data: Any, source: SourceMap) -> M:
    """Validate catalog data like a spec: every problem as ``file:line:col field: message``."""
    if not isinstance(data, dict):
        raise SpecError([source.diagnostic((), "the top level must be a mapping")])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise SpecError([source.diagnostic(p, m) for p, m in translate_validation_error(exc, root=model)]) from None


def load_catalog_file(file: Path) -> tuple[dict[str, Any], SourceMap]:
    """One catalog data file through the spec's bounded, positioned loader.

    Keys starting with ``_`` hold YAML anchors shared by entries and are dropped.
    """
    data, source = load_yaml(file, display_name=str(file))
    if not isinstance(data, dict):
        raise SpecError([Diagnostic("the top level must be a mapping", file=str(file), line=1, column=1)])
    return {k: v for k, v in data.items() if not str(k).startswith("_")}, source


@cache
def builtin() -> CatalogData:
    merged = CatalogData()
    for kind in KINDS:
        data, source = load_catalog_file(DATA / f"{kind}.yaml")
        part = _validate(CatalogData, data, source)
        merged = merged.model_copy(update={kind: getattr(part, kind)})
    return merged


@cache
def os_profiles() -> dict[str, OsProfile]:
    data, source = load_catalog_file(DATA / "os.yaml")
    return {str(name): profile for name, profile in _validate(OsCatalog, data, source).os.items()}


@dataclass(frozen=True)
class Catalog:
    """Resolved catalog for one spec. Lookups raise KeyError; the spec layer turns that
    into a positioned error listing the valid names."""

    switches: dict[str, SwitchModel]
    servers: dict[str, ServerModel]
    nics: dict[str, NicModel]
    gpus: dict[str, GpuModel]
    os: dict[str, OsProfile]

    @classmethod
    def with_additions(cls, extra: CatalogData | None) -> Catalog:
        base = builtin()
        if extra is None:
            return cls(dict(base.switches), dict(base.servers), dict(base.nics), dict(base.gpus), os_profiles())
        return cls(
            {**base.switches, **extra.switches},
            {**base.servers, **extra.servers},
            {**base.nics, **extra.nics},
            {**base.gpus, **extra.gpus},
            os_profiles(),
        )


def collisions(extra: CatalogData) -> list[tuple[str, str]]:
    """User entries that would shadow a built-in one (kind, name)."""
    base = builtin()
    out = []
    for kind in ("switches", "servers", "nics", "gpus"):
        for name in getattr(extra, kind):
            if name in getattr(base, kind):
                out.append((kind, name))
    return out

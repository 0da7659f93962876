"""The hardware catalog: built-in data files plus the spec's ``catalog:`` additions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from aiinfra.catalog.models import (
    CatalogData,
    GpuModel,
    NicModel,
    OsProfile,
    ServerModel,
    SwitchModel,
)

DATA = Path(__file__).parent / "data"


@cache
def _builtin_raw() -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for name in ("switches", "servers", "nics", "gpus"):
        doc = yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))
        merged[name] = doc[name]
    return merged


@cache
def builtin() -> CatalogData:
    return CatalogData.model_validate(_builtin_raw())


@cache
def os_profiles() -> dict[str, OsProfile]:
    doc = yaml.safe_load((DATA / "os.yaml").read_text(encoding="utf-8"))
    return {k: OsProfile.model_validate(v) for k, v in doc["os"].items()}


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

"""The hardware catalog: built-in data files plus the spec's ``catalog:`` additions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from aiinfra.catalog.models import CatalogData, GpuModel, NicModel, ServerModel, SwitchModel
from aiinfra.nos import profiles as os_profiles
from aiinfra.nos.capabilities import OsProfile
from aiinfra.spec.datafile import load_data_file, validate_data

DATA = Path(__file__).parent / "data"
KINDS = ("switches", "servers", "nics", "gpus")


@cache
def builtin() -> CatalogData:
    merged = CatalogData()
    for kind in KINDS:
        data, source = load_data_file(DATA / f"{kind}.yaml")
        part = validate_data(CatalogData, data, source)
        merged = merged.model_copy(update={kind: getattr(part, kind)})
    return merged


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

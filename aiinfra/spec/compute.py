"""``compute``: the GPU nodes."""

from __future__ import annotations

from pydantic import Field, model_validator

from aiinfra.spec.base import Strict
from aiinfra.spec.text import CatalogName, SafePath


class Compute(Strict):
    """How many nodes of which catalog model. Give ``nodes`` or ``scalable_units``."""

    node_model: CatalogName
    nodes: int | None = Field(default=None, ge=1, le=65_536)
    scalable_units: int | None = Field(default=None, ge=1, le=2048)
    hostname_prefix: str = Field(default="gpu", pattern=r"^[a-z][a-z0-9-]{0,30}$")
    backend_nic: CatalogName | None = Field(
        default=None, description="Override the node model's back-end NIC (catalog name)."
    )
    node_facts: SafePath | None = Field(
        default=None,
        description="CSV or YAML with per-node facts (MACs, BMC, serials), relative to the spec.",
    )

    @model_validator(mode="after")
    def _one_count(self) -> Compute:
        if (self.nodes is None) == (self.scalable_units is None):
            raise ValueError("give exactly one of 'nodes' or 'scalable_units'")
        return self

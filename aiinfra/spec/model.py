"""The root of ``cluster.yaml``."""

from __future__ import annotations

from pydantic import Field

from aiinfra.catalog.models import CatalogData
from aiinfra.spec.base import Strict
from aiinfra.spec.compute import Compute
from aiinfra.spec.containerlab import ContainerLab
from aiinfra.spec.fabrics import Fabrics
from aiinfra.spec.hatches import Overrides, RawConfigs, TemplateDir
from aiinfra.spec.naming import Naming
from aiinfra.spec.observability import Observability
from aiinfra.spec.platform import Platform
from aiinfra.spec.security import Security
from aiinfra.spec.site import Site
from aiinfra.spec.workloads import Workloads


class ClusterSpec(Strict):
    """One AI cluster: its site, GPU nodes, networks, platform and security."""

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{0,40}$", description="Cluster name; prefixes hostnames.")
    site: Site
    compute: Compute
    fabrics: Fabrics
    platform: Platform
    security: Security
    catalog: CatalogData | None = Field(default=None, description="Additions to the built-in hardware catalog.")
    workloads: Workloads | None = Field(default=None, description="AI workloads to size the cluster for.")
    overrides: Overrides = Field(
        default_factory=list, description="Validated patches on device intent (docs/escape-hatches.md)."
    )
    raw_config: RawConfigs = Field(
        default_factory=list, description="Text rendered verbatim before/after a device's config, in a marked block."
    )
    templates: TemplateDir | None = Field(
        default=None, description="Folder of <os>/<name>.j2 templates that replace the built-in ones."
    )
    observability: Observability = Field(
        default_factory=Observability, description="Telemetry, collectors and alert thresholds (docs/observability.md)."
    )
    naming: Naming = Field(default_factory=Naming, description="Digits in hostnames: fixed, so growth renames nothing.")
    containerlab: ContainerLab = Field(
        default_factory=ContainerLab, description="The containerlab export: scope and images (docs/ecosystem.md)."
    )

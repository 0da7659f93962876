"""Whole-cluster artefacts beyond switches, nodes, inventory and reports.

Each entry is a pure function from the Design to ``{relative path: text}``. The render
pipeline runs every entry as one job of its own (in a worker on a big design), so a new
output family (telemetry collectors, dashboards, serving objects, lab topologies) is one
import and one row here, never an edit of the pipeline.
"""

from __future__ import annotations

from collections.abc import Callable

from aiinfra.apps.render import render_apps
from aiinfra.clab import clab_files
from aiinfra.design.model import Design
from aiinfra.observe.artefacts import observability
from aiinfra.verify.catalog import artefact as verify_catalogs

Artefact = Callable[[Design], dict[str, str]]

# name -> function. The name is the job's label; keep the order stable (it is the job order).
ARTEFACTS: dict[str, Artefact] = {
    "apps": render_apps,  # serving and RAG services (aiinfra/apps, docs/apps.md)
    "observability": observability,
    "verify": verify_catalogs,
    "containerlab": clab_files,
}

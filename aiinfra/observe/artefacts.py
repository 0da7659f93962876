"""The ``observability`` render artefact: every file of aiinfra/observe for one Design."""

from __future__ import annotations

from aiinfra.design.model import Design
from aiinfra.observe.collector import collector_files
from aiinfra.observe.dashboards import dashboard_files
from aiinfra.observe.exporters import exporter_files
from aiinfra.observe.gnmic import gnmic_files
from aiinfra.observe.install import install_files
from aiinfra.observe.kube import kube_files
from aiinfra.observe.prometheus import prometheus_files


def observability(design: Design) -> dict[str, str]:
    """{path: text} under ``observability/``; the monitoring objects only for OpenShift."""
    out = {**gnmic_files(design), **prometheus_files(design), **exporter_files(), **dashboard_files(design)}
    out.update({**collector_files(design), **install_files(design)})
    if design.platform is not None and design.platform.type == "openshift":
        out.update(kube_files(design))
    return dict(sorted(out.items()))

"""The monitoring.coreos.com objects for OpenShift/Kubernetes user-workload monitoring.

The alert and recording rules as a PrometheusRule (the same groups the bare-metal
Prometheus loads), and a ServiceMonitor for the gnmic collectors. gnmic runs on the spec's
collector hosts outside the cluster, so the ServiceMonitor selects a Service without a
selector whose EndpointSlice lists those hosts. GPU metrics come from the GPU operator's
own dcgm-exporter ServiceMonitor (ClusterPolicy ``dcgmExporter.serviceMonitor``, rendered by
the OpenShift platform), so nothing here scrapes DCGM a second time. The tests validate every
object against the upstream CRDs in ``../shared/schemas/crds``.
"""

from __future__ import annotations

from typing import Any

from aiinfra.design.model import Design
from aiinfra.observe.prometheus import gnmic_port
from aiinfra.observe.rules import rule_groups
from aiinfra.render.yamlout import dump

NAMESPACE = "aiinfra-monitoring"
API = "monitoring.coreos.com/v1"
LABELS = {"app.kubernetes.io/part-of": "aiinfra"}


def _meta(name: str, design: Design) -> dict[str, Any]:
    return {"name": name, "namespace": NAMESPACE, "labels": {**LABELS, "aiinfra.io/cluster": design.name}}


def monitoring_objects(design: Design) -> list[dict[str, Any]]:
    t = design.telemetry
    collectors = t.collectors if t else ()
    port = gnmic_port(design)
    objects: list[dict[str, Any]] = [
        {
            "apiVersion": API,
            "kind": "PrometheusRule",
            "metadata": _meta("aiinfra-rules", design),
            "spec": rule_groups(design),
        },
        {
            "apiVersion": API,
            "kind": "ServiceMonitor",
            "metadata": _meta("aiinfra-gnmic", design),
            "spec": {
                "selector": {"matchLabels": {"app.kubernetes.io/name": "gnmic"}},
                "endpoints": [{"port": "metrics", "interval": "15s", "honorLabels": True}],
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {**_meta("aiinfra-gnmic", design), "labels": {**LABELS, "app.kubernetes.io/name": "gnmic"}},
            "spec": {"ports": [{"name": "metrics", "port": port, "protocol": "TCP", "targetPort": port}]},
        },
        {
            "apiVersion": "discovery.k8s.io/v1",
            "kind": "EndpointSlice",
            "metadata": {
                **_meta("aiinfra-gnmic-collectors", design),
                "labels": {**LABELS, "kubernetes.io/service-name": "aiinfra-gnmic"},
            },
            "addressType": "IPv4",
            "ports": [{"name": "metrics", "port": port, "protocol": "TCP"}],
            "endpoints": [{"addresses": [c.address]} for c in collectors],
        },
    ]
    # without collectors in the spec there is nothing outside the cluster to scrape
    return objects if collectors else objects[:1]


def kube_files(design: Design) -> dict[str, str]:
    return {
        f"observability/openshift/{o['kind'].lower()}-{o['metadata']['name']}.yaml": dump(o)
        for o in monitoring_objects(design)
    }

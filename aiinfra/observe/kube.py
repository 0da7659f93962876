"""The monitoring.coreos.com objects for OpenShift/Kubernetes user-workload monitoring.

The alert and recording rules as a PrometheusRule (the same groups the bare-metal
Prometheus loads), and a ServiceMonitor for the gnmic collectors. gnmic runs on the spec's
collector hosts outside the cluster, so the ServiceMonitor selects a Service without a
selector whose EndpointSlice lists those hosts. GPU metrics come from the GPU operator's
own dcgm-exporter ServiceMonitor (ClusterPolicy ``dcgmExporter.serviceMonitor``, rendered by
the OpenShift platform), so nothing here scrapes DCGM a second time.

The NIC side is a PodMonitor: NVIDIA's DOCA Telemetry Service (DTS), the Network Operator's
``docaTelemetryService`` DaemonSet, reads the RDMA hw_counters (out-of-sequence, CNP) and
ethtool counters (PFC pause) on every RoCE node: what the bare-metal textfile collector and
node_exporter's ethtool collector give, and what OpenShift's own node-exporter does not
collect. The operator renders no Service for it (network-operator
``manifests/state-doca-telemetry-service``: a DaemonSet, its ServiceAccount and RBAC), and
each pod's figures are its own node's, so it is scraped per pod. The pod runs on the host
network and declares no container port, so the endpoint sets ``__address__`` to the pod
(= node) IP and DTS's Prometheus port, as the PodMonitor CRD's ``portNumber`` description
says an undeclared port must be. The tests validate every object against the upstream CRDs in
``../shared/schemas/crds``.
"""

from __future__ import annotations

from typing import Any

from aiinfra.design.model import Design
from aiinfra.observe.prometheus import gnmic_port
from aiinfra.observe.rules import rule_groups
from aiinfra.platforms.openshift.manifests import NETWORK_NAMESPACE
from aiinfra.render.yamlout import dump

NAMESPACE = "aiinfra-monitoring"
API = "monitoring.coreos.com/v1"
LABELS = {"app.kubernetes.io/part-of": "aiinfra"}
# network-operator manifests/state-doca-telemetry-service/0010-doca-telemetry-service.yaml: the
# DaemonSet's pod label, and ``prometheus=http://0.0.0.0:9189`` in its default dts_config_map.ini.
DTS_POD_LABELS = {"app.kubernetes.io/name": "doca-telemetry"}
DTS_PROMETHEUS_PORT = 9189


def _meta(name: str, design: Design) -> dict[str, Any]:
    return {"name": name, "namespace": NAMESPACE, "labels": {**LABELS, "aiinfra.io/cluster": design.name}}


def dts_pod_monitor(design: Design) -> dict[str, Any]:
    """The PodMonitor for the DTS pods. It lives in the Network Operator's namespace: OpenShift's
    user-workload Prometheus only selects pods in a PodMonitor's own namespace."""
    return {
        "apiVersion": API,
        "kind": "PodMonitor",
        "metadata": {**_meta("aiinfra-doca-telemetry", design), "namespace": NETWORK_NAMESPACE},
        "spec": {
            "selector": {"matchLabels": dict(DTS_POD_LABELS)},
            "podMetricsEndpoints": [
                {
                    "interval": "15s",
                    "relabelings": [
                        {
                            "action": "replace",
                            "sourceLabels": ["__meta_kubernetes_pod_ip"],
                            "regex": "(.+)",
                            "replacement": f"$1:{DTS_PROMETHEUS_PORT}",
                            "targetLabel": "__address__",
                        },
                        {
                            "action": "replace",
                            "sourceLabels": ["__meta_kubernetes_pod_node_name"],
                            "targetLabel": "node",
                        },
                    ],
                }
            ],
        },
    }


def monitoring_objects(design: Design) -> list[dict[str, Any]]:
    t = design.telemetry
    collectors = t.collectors if t else ()
    port = gnmic_port(design)
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE, "labels": dict(LABELS)}}
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
    return [namespace, *(objects if collectors else objects[:1]), dts_pod_monitor(design)]


def kube_files(design: Design) -> dict[str, str]:
    """One file per object; ``00-`` (the Namespace) sorts, and is applied, before what lives in it."""
    return {
        f"observability/openshift/{'00' if o['kind'] == 'Namespace' else '10'}-{o['kind'].lower()}-"
        f"{o['metadata']['name']}.yaml": dump(o)
        for o in monitoring_objects(design)
    }

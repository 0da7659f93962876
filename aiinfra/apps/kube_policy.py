"""Kubernetes objects around the workloads: Services, PDBs, HPAs, ServiceMonitors, NetworkPolicies, Secrets.

The NetworkPolicies are the intent's :class:`~aiinfra.design.apps_model.Flow` list spelled
for Kubernetes: a default deny of everything in the namespace, then one policy per
allowed flow direction. Pods of the RAG application (not rendered: it is the user's code)
join the pipeline by carrying ``aiinfra.io/client: "true"``.
"""

from __future__ import annotations

from typing import Any

from aiinfra.apps.kube_workloads import LABEL, MANAGED, hpa_spec, meta
from aiinfra.design.apps_model import AppService, AppsIntent

Obj = dict[str, Any]
CLIENT = {"aiinfra.io/client": "true"}
NS_LABEL = "kubernetes.io/metadata.name"
# OpenShift 4.x: user-workload Prometheus and the cluster DNS (listening on 5353) live in these namespaces.
MONITORING_NAMESPACE = "openshift-user-workload-monitoring"
DNS_NAMESPACE = "openshift-dns"


def namespace(a: AppsIntent) -> Obj:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": a.namespace, "labels": dict(MANAGED)}}


def _service(a: AppsIntent, s: AppService, name: str, ports: list[Obj], headless: bool = False) -> Obj:
    spec: Obj = {"selector": {LABEL: s.name}, "ports": ports}
    if headless:
        spec["clusterIP"] = "None"
        spec["publishNotReadyAddresses"] = True  # peers must find each other before they are ready
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(name, a.namespace, s), "spec": spec}


def services(a: AppsIntent, s: AppService) -> list[Obj]:
    """The client Service (KServe and the NIM operator make their own), a headless one for a
    StatefulSet, and a metrics Service every ServiceMonitor selects."""
    http = [{"name": "http", "port": s.port, "targetPort": s.port, "protocol": "TCP"}]
    out = []
    if s.deploy in ("deployment", "statefulset"):
        out.append(_service(a, s, s.name, http))
    if s.deploy == "statefulset":
        peers = [{"name": f"p2p-{p}", "port": p, "targetPort": p, "protocol": "TCP"} for p in s.peer_ports]
        out.append(_service(a, s, f"{s.name}-headless", http + peers, headless=True))
    metrics = _service(a, s, f"{s.name}-metrics", [{"name": "metrics", "port": s.metrics_port, "protocol": "TCP"}])
    metrics["metadata"]["labels"]["aiinfra.io/metrics"] = s.name
    out.append(metrics)
    return out


def service_monitor(a: AppsIntent, s: AppService) -> Obj:
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": meta(s.name, a.namespace, s),
        "spec": {
            "selector": {"matchLabels": {"aiinfra.io/metrics": s.name}},
            "endpoints": [{"port": "metrics", "path": s.metrics_path, "interval": "30s"}],
        },
    }


def pdb(a: AppsIntent, s: AppService) -> Obj:
    """At most one pod of a service down for a voluntary disruption (drain, upgrade)."""
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": meta(s.name, a.namespace, s),
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {LABEL: s.name}}},
    }


def hpa(a: AppsIntent, s: AppService) -> Obj | None:
    """Queue-depth autoscaling for a chatbot LLM (KServe RawDeployment or plain Deployment;
    the NIMService carries its HPA in its own spec). Needs the custom-metrics API (docs/apps.md)."""
    if s.autoscale is None or s.deploy not in ("kserve", "deployment"):
        return None
    target = f"{s.name}-predictor" if s.deploy == "kserve" else s.name
    spec = {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target}, **hpa_spec(s)}
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": meta(s.name, a.namespace, s),
        "spec": spec,
    }


def _policy(a: AppsIntent, name: str, selector: Obj, ingress: list[Obj] | None, egress: list[Obj] | None) -> Obj:
    spec: Obj = {"podSelector": {"matchLabels": selector} if selector else {}, "policyTypes": []}
    if ingress is not None:
        spec["policyTypes"].append("Ingress")
        spec["ingress"] = ingress
    if egress is not None:
        spec["policyTypes"].append("Egress")
        spec["egress"] = egress
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": meta(name, a.namespace),
        "spec": spec,
    }


def _tcp(port: int) -> Obj:
    return {"protocol": "TCP", "port": port}


def network_policies(a: AppsIntent) -> list[Obj]:
    by_name = {s.name: s for s in a.services}
    out = [_policy(a, "default-deny", {}, [], [])]
    dns = [{"protocol": p, "port": n} for n in (53, 5353) for p in ("UDP", "TCP")]
    dns_peer = [{"namespaceSelector": {"matchLabels": {NS_LABEL: DNS_NAMESPACE}}}]
    out.append(_policy(a, "allow-dns", {}, None, [{"to": dns_peer, "ports": dns}]))
    for s in a.services:
        ingress: list[Obj] = []
        egress: list[Obj] = []
        for f in a.flows:
            if f.target == s.name and f.source == "client":
                ingress.append({"from": [{"podSelector": {"matchLabels": CLIENT}}], "ports": [_tcp(f.port)]})
            elif f.target == s.name and f.source == "monitoring":
                peer = {"namespaceSelector": {"matchLabels": {NS_LABEL: MONITORING_NAMESPACE}}}
                ingress.append({"from": [peer], "ports": [_tcp(f.port)]})
            elif f.target == s.name and f.source == s.name:
                ingress.append({"from": [{"podSelector": {"matchLabels": {LABEL: s.name}}}], "ports": [_tcp(f.port)]})
            if f.source == s.name and f.target == s.name:
                egress.append({"to": [{"podSelector": {"matchLabels": {LABEL: s.name}}}], "ports": [_tcp(f.port)]})
            elif f.source == s.name and f.target == "external":
                egress.append({"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [_tcp(f.port)]})
        out.append(_policy(a, f"allow-{s.name}", {LABEL: s.name}, ingress, egress if egress else None))
    client_egress = [
        {"to": [{"podSelector": {"matchLabels": {LABEL: f.target}}}], "ports": [_tcp(f.port)]}
        for f in a.flows
        if f.source == "client" and f.target in by_name
    ]
    out.append(_policy(a, "allow-client", CLIENT, None, client_egress))
    return out


def secrets(a: AppsIntent, s: AppService) -> list[Obj]:
    """Registry and S3 credentials: the values are Ansible expressions the apps play fills in."""
    out: list[Obj] = []
    if s.pull_secret:
        out.append(
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": meta(f"{s.name}-pull", a.namespace, s),
                "type": "kubernetes.io/dockerconfigjson",
                "stringData": {".dockerconfigjson": s.pull_secret},
            }
        )
    src = s.model_source
    if src is not None and src.kind == "s3":
        assert src.access_key_id is not None and src.secret_access_key is not None
        notes = {"serving.kserve.io/s3-usehttps": "1"}
        if src.endpoint:
            notes["serving.kserve.io/s3-endpoint"] = src.endpoint.split("://", 1)[1].rstrip("/")
            notes["serving.kserve.io/s3-usehttps"] = "1" if src.endpoint.startswith("https") else "0"
        out.append(
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": meta(f"{s.name}-s3", a.namespace, s, annotations=notes),
                "type": "Opaque",
                "stringData": {"AWS_ACCESS_KEY_ID": src.access_key_id, "AWS_SECRET_ACCESS_KEY": src.secret_access_key},
            }
        )
        out.append(
            {
                "apiVersion": "v1",
                "kind": "ServiceAccount",
                "metadata": meta(f"{s.name}-models", a.namespace, s),
                "secrets": [{"name": f"{s.name}-s3"}],
            }
        )
    return out


__all__ = ["hpa", "namespace", "network_policies", "pdb", "secrets", "service_monitor", "services"]

"""Kubernetes workload objects for the apps intent: KServe, NIMService, Deployments, StatefulSets.

Built as data from :class:`~aiinfra.design.apps_model.AppsIntent` and dumped as YAML; the
tests validate each against its API (kubernetes-validate for core kinds, the upstream
CRDs for KServe ServingRuntime/InferenceService (KServe 0.15) and NIMService (NIM
operator 2.x)). Every pod carries ``aiinfra.io/service: NAME``, the one label the
Services, PodDisruptionBudgets, ServiceMonitors and NetworkPolicies select on.
"""

from __future__ import annotations

from typing import Any

from aiinfra.design.apps_model import AppService, AppsIntent

Obj = dict[str, Any]
LABEL = "aiinfra.io/service"
MANAGED = {"app.kubernetes.io/managed-by": "aiinfra", "app.kubernetes.io/part-of": "ai-serving"}
GPU_TAINT_KEY = "nvidia.com/gpu"


def labels(s: AppService) -> dict[str, str]:
    return {LABEL: s.name, "app.kubernetes.io/name": s.name, "app.kubernetes.io/component": s.role, **MANAGED}


def meta(name: str, ns: str, s: AppService | None = None, **extra: Any) -> Obj:
    out: Obj = {"name": name, "namespace": ns, "labels": labels(s) if s else dict(MANAGED)}
    out.update(extra)
    return out


def image_parts(image: str) -> tuple[str, str]:
    """registry/repo:tag -> (registry/repo, tag); a digest keeps its algorithm in the tag part."""
    if "@" in image:
        repo, digest = image.split("@", 1)
        return repo, digest
    repo, tag = image.rsplit(":", 1)
    return repo, tag


def gpu_scheduling(a: AppsIntent, s: AppService) -> Obj:
    """Node affinity to the GPU pool and the GPU taint's toleration, for GPU services only."""
    if s.gpus == 0:
        return {}
    term = {"matchExpressions": [{"key": a.gpu_node_label, "operator": "In", "values": ["true"]}]}
    return {
        "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [term]}}},
        "tolerations": [{"key": GPU_TAINT_KEY, "operator": "Exists", "effect": "NoSchedule"}],
    }


def resources(a: AppsIntent, s: AppService) -> Obj:
    req: Obj = {"cpu": str(s.cpu), "memory": f"{s.memory_gib}Gi"}
    lim: Obj = {"memory": f"{s.memory_gib}Gi"}
    if s.gpus:
        req[a.gpu_resource] = str(s.gpus)
        lim[a.gpu_resource] = str(s.gpus)
    return {"requests": req, "limits": lim}


def probe(s: AppService) -> Obj:
    return {"httpGet": {"path": s.readiness_path, "port": s.port}, "periodSeconds": 10, "failureThreshold": 3}


def container(a: AppsIntent, s: AppService, name: str) -> Obj:
    c: Obj = {
        "name": name,
        "image": s.image,
        "ports": [{"name": "http", "containerPort": s.port, "protocol": "TCP"}],
        "resources": resources(a, s),
        "readinessProbe": probe(s),
    }
    if s.command:
        c["command"] = list(s.command)
    if s.args:
        c["args"] = list(s.args)
    if s.env:
        c["env"] = [{"name": k, "value": v} for k, v in s.env]
    return c


def pull_secrets(s: AppService) -> list[Obj]:
    return [{"name": f"{s.name}-pull"}] if s.pull_secret else []


def s3_service_account(a: AppsIntent, s: AppService) -> str | None:
    return f"{s.name}-models" if s.model_source is not None and s.model_source.kind == "s3" else None


# --------------------------------------------------------------------------- LLMs


def serving_runtime(a: AppsIntent, s: AppService) -> Obj:
    spec: Obj = {
        "supportedModelFormats": [{"name": s.engine, "autoSelect": False}],
        "containers": [container(a, s, "kserve-container")],
    }
    if s.pull_secret:
        spec["imagePullSecrets"] = pull_secrets(s)
    return {
        "apiVersion": "serving.kserve.io/v1alpha1",
        "kind": "ServingRuntime",
        "metadata": meta(s.name, a.namespace, s),
        "spec": spec,
    }


def inference_service(a: AppsIntent, s: AppService) -> Obj:
    """RawDeployment mode; autoscaling is ours (an HPA on waiting requests), so KServe's is external."""
    assert s.model_source is not None
    replicas = (s.autoscale.min_replicas, s.autoscale.max_replicas) if s.autoscale else (s.replicas, s.replicas)
    predictor: Obj = {
        "minReplicas": replicas[0],
        "maxReplicas": replicas[1],
        "labels": labels(s),
        "model": {
            "modelFormat": {"name": s.engine},
            "runtime": s.name,
            "storageUri": s.model_source.uri,
            "resources": resources(a, s),
        },
        **gpu_scheduling(a, s),
    }
    account = s3_service_account(a, s)
    if account:
        predictor["serviceAccountName"] = account
    annotations = {"serving.kserve.io/deploymentMode": "RawDeployment", "serving.kserve.io/autoscalerClass": "external"}
    return {
        "apiVersion": "serving.kserve.io/v1beta1",
        "kind": "InferenceService",
        "metadata": meta(s.name, a.namespace, s, annotations=annotations),
        "spec": {"predictor": predictor},
    }


def nim_service(a: AppsIntent, s: AppService) -> Obj:
    assert s.model_source is not None and s.model_source.claim is not None
    repo, tag = image_parts(s.image)
    image: Obj = {"repository": repo, "tag": tag}
    if s.pull_secret:
        image["pullSecrets"] = [f"{s.name}-pull"]
    spec: Obj = {
        "image": image,
        "labels": labels(s),
        "env": [{"name": k, "value": v} for k, v in s.env],
        "storage": {"pvc": {"name": s.model_source.claim, "subPath": s.model_source.path}, "readOnly": True},
        "resources": resources(a, s),
        "expose": {"service": {"type": "ClusterIP", "port": s.port}},
        "replicas": s.replicas,
        **gpu_scheduling(a, s),
    }
    if s.autoscale:
        spec["scale"] = {"enabled": True, "hpa": hpa_spec(s)}
        spec["replicas"] = s.autoscale.min_replicas
    return {
        "apiVersion": "apps.nvidia.com/v1alpha1",
        "kind": "NIMService",
        "metadata": meta(s.name, a.namespace, s),
        "spec": spec,
    }


def hpa_spec(s: AppService) -> Obj:
    assert s.autoscale is not None
    metric = {
        "type": "Pods",
        "pods": {
            "metric": {"name": s.autoscale.metric},
            "target": {"type": "AverageValue", "averageValue": str(s.autoscale.target_per_pod)},
        },
    }
    return {"minReplicas": s.autoscale.min_replicas, "maxReplicas": s.autoscale.max_replicas, "metrics": [metric]}


def model_volume(s: AppService) -> tuple[list[Obj], list[Obj]]:
    """(volumes, mounts) for a plain Deployment: the model PVC, or an OCI model-car as an image volume."""
    src = s.model_source
    assert src is not None
    if src.kind == "pvc":
        vol: Obj = {"name": "models", "persistentVolumeClaim": {"claimName": src.claim, "readOnly": True}}
        return [vol], [{"name": "models", "mountPath": "/models", "readOnly": True}]
    reference = src.uri.removeprefix("oci://")
    return [{"name": "models", "image": {"reference": reference, "pullPolicy": "IfNotPresent"}}], [
        {"name": "models", "mountPath": "/models", "readOnly": True}
    ]


def deployment(a: AppsIntent, s: AppService) -> Obj:
    c = container(a, s, s.engine)
    volumes, mounts = model_volume(s)
    c["volumeMounts"] = mounts
    pod: Obj = {"containers": [c], "volumes": volumes, **gpu_scheduling(a, s)}
    if s.pull_secret:
        pod["imagePullSecrets"] = pull_secrets(s)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta(s.name, a.namespace, s),
        "spec": {
            "replicas": s.autoscale.min_replicas if s.autoscale else s.replicas,
            "selector": {"matchLabels": {LABEL: s.name}},
            "template": {"metadata": {"labels": labels(s)}, "spec": pod},
        },
    }


# --------------------------------------------------------------------------- StatefulSets


QDRANT_START = (
    'uri="http://${HOSTNAME}.qdrant-headless:6335"; '
    'if [ "${HOSTNAME##*-}" = "0" ]; then exec /qdrant/qdrant --uri "$uri"; '
    'else exec /qdrant/qdrant --uri "$uri" --bootstrap "http://qdrant-0.qdrant-headless:6335"; fi'
)


def stateful_set(a: AppsIntent, s: AppService) -> Obj:
    c = container(a, s, s.name)
    data = "/qdrant/storage" if s.engine == "qdrant" else s.model_path
    c["volumeMounts"] = [{"name": "data", "mountPath": data}]
    if s.engine == "qdrant":
        c["command"] = ["/bin/sh", "-c", QDRANT_START]
        c["ports"] += [{"name": "p2p", "containerPort": p, "protocol": "TCP"} for p in s.peer_ports]
    claim: Obj = {
        "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": f"{s.storage_gib}Gi"}}},
    }
    if s.storage_class:
        claim["spec"]["storageClassName"] = s.storage_class
    pod: Obj = {"containers": [c], **gpu_scheduling(a, s)}
    if s.role == "vectordb":
        pod["affinity"] = {
            "podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [
                    {"labelSelector": {"matchLabels": {LABEL: s.name}}, "topologyKey": "kubernetes.io/hostname"}
                ]
            }
        }
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": meta(s.name, a.namespace, s),
        "spec": {
            "serviceName": f"{s.name}-headless",
            "replicas": s.replicas,
            "podManagementPolicy": "Parallel" if s.role != "vectordb" else "OrderedReady",
            "selector": {"matchLabels": {LABEL: s.name}},
            "template": {"metadata": {"labels": labels(s)}, "spec": pod},
            "volumeClaimTemplates": [claim],
        },
    }


def workload(a: AppsIntent, s: AppService) -> list[Obj]:
    """The objects that run one service."""
    if s.deploy == "kserve":
        return [serving_runtime(a, s), inference_service(a, s)]
    if s.deploy == "nim-operator":
        return [nim_service(a, s)]
    if s.deploy == "deployment":
        return [deployment(a, s)]
    return [stateful_set(a, s)]


__all__ = ["LABEL", "hpa_spec", "labels", "meta", "workload"]

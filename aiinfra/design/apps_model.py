"""The application-platform intent: the serving and RAG services, sized and placed.

Plain slotted dataclasses like :mod:`aiinfra.design.platform`. ``build_design`` fills one
:class:`AppsIntent` when the spec declares ``serving:`` or ``rag:``
(:mod:`aiinfra.design.apps`), with every number the renderers print already decided:
engine arguments from the sizing, replicas, autoscaling bounds, GPU and memory
requests, volume sizes, the network flows the pipeline needs and, for VM and bare-metal
platforms, which node runs which instance. Kubernetes objects, Quadlet units and
cloud-init are three spellings of this one intent (:mod:`aiinfra.apps`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ModelSourceIntent:
    """Where a service's weights come from; credentials are Ansible expressions, never values."""

    kind: str  # "pvc" | "s3" | "oci"
    uri: str  # "pvc://claim/path", "s3://bucket/prefix", "oci://registry/repo:tag"
    claim: str | None  # pvc: the claim (Kubernetes) or the host folder under /srv/models (VMs, bare metal)
    path: str  # pvc: the folder inside the claim
    endpoint: str | None  # s3: an S3-compatible endpoint
    access_key_id: str | None
    secret_access_key: str | None


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """The sizing's replica shape as the engine takes it (docs/apps.md lists the flags per engine)."""

    tensor_parallel: int
    pipeline_parallel: int
    gpu_memory_utilization: float
    max_model_len: int  # p95 prompt (with retrieved chunks) + p95 output
    kv_cache_dtype: str  # "auto" (the model's dtype) | "fp8"
    max_num_seqs: int  # the sequences the KV pool holds at the mean context


@dataclass(frozen=True, slots=True)
class Autoscale:
    """Chatbot load: scale between the average and the peak on waiting requests; agentic: fixed."""

    min_replicas: int
    max_replicas: int
    metric: str  # a per-pod Prometheus metric (pods metric through the custom-metrics API)
    target_per_pod: int


@dataclass(frozen=True, slots=True)
class AppService:
    """One service of the pipeline: an LLM, the embedding or reranker server, or the vector database."""

    name: str  # DNS label, unique in the namespace
    role: str  # "llm" | "embedding" | "reranker" | "vectordb"
    engine: str  # "vllm" | "nim" | "sglang" | "tei" | "qdrant"
    deploy: str  # Kubernetes: "kserve" | "nim-operator" | "deployment" | "statefulset"
    image: str  # registry/repository:tag
    port: int
    metrics_port: int
    metrics_path: str
    readiness_path: str
    replicas: int
    gpus: int  # per replica
    cpu: int  # per replica, cores
    memory_gib: int  # per replica
    storage_gib: int  # per replica, 0 when none
    storage_class: str | None  # the PVCs' StorageClass; None: the cluster default
    command: tuple[str, ...]  # the container's command; empty: the image's entrypoint
    args: tuple[str, ...]  # the container's arguments, the engine's flags
    env: tuple[tuple[str, str], ...]
    model_path: str  # where the container reads its weights
    model_source: ModelSourceIntent | None
    engine_settings: EngineSettings | None
    autoscale: Autoscale | None
    peer_ports: tuple[int, ...]  # ports replicas of this service talk to each other on (vector DB cluster)
    pull_secret: str | None  # Ansible expression of a dockerconfigjson


@dataclass(frozen=True, slots=True)
class Placement:
    """One instance of a service on one node (VM and bare-metal platforms)."""

    service: str
    instance: int
    node: str
    gpus: tuple[int, ...]  # GPU indices on the node, empty for CPU services
    host_port: int  # the node port the instance's HTTP port is published on (service port + its rank there)


@dataclass(frozen=True, slots=True)
class Flow:
    """A network flow the pipeline needs; everything else is denied."""

    source: str  # a service name, "client" (the RAG application) or "monitoring"
    target: str  # a service name
    port: int


@dataclass(slots=True)
class AppsIntent:
    """What the application layer runs, decided: one per Design that declares ``serving:`` or ``rag:``."""

    namespace: str
    gpu_resource: str  # "nvidia.com/gpu" | "amd.com/gpu"
    gpu_node_label: str  # the NFD PCI-vendor label GPU nodes carry
    services: tuple[AppService, ...]
    flows: tuple[Flow, ...]
    placements: tuple[Placement, ...]  # empty on Kubernetes platforms: the scheduler places pods


__all__ = ["AppService", "AppsIntent", "Autoscale", "EngineSettings", "Flow", "ModelSourceIntent", "Placement"]

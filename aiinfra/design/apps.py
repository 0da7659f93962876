"""Build the Design's :class:`~aiinfra.design.apps_model.AppsIntent` from ``serving:`` and ``rag:``.

Every number comes from the sizing (:mod:`aiinfra.sizing.inference`, :mod:`aiinfra.sizing.rag`):
the replica shape becomes engine flags, the fleet becomes replicas and autoscaling bounds,
the corpus becomes vector-DB memory and volume sizes. What a platform cannot run is a
:class:`~aiinfra.design.problems.Problem` at the spec field to change, so ``validate``
refuses it and no renderer meets it.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

from aiinfra.catalog import Catalog
from aiinfra.design.apps_engines import COMMANDS, ENGINES, llm_command, tei_args
from aiinfra.design.apps_model import (
    AppService,
    AppsIntent,
    Autoscale,
    EngineSettings,
    Flow,
    ModelSourceIntent,
    Placement,
)
from aiinfra.design.model import Design
from aiinfra.design.problems import DesignError, Problems
from aiinfra.errors import Path
from aiinfra.sizing.cluster import Outcome, size_workloads
from aiinfra.sizing.errors import SizingError
from aiinfra.sizing.hardware import hardware_for_server
from aiinfra.sizing.inference import InferenceSizing
from aiinfra.sizing.rag import GIB, MEMORY_HEADROOM, RagSizing, size_rag_for
from aiinfra.spec.model import ClusterSpec
from aiinfra.spec.rag import Rag
from aiinfra.spec.serving import OciSource, PvcSource, S3Source, Serving
from aiinfra.spec.workloads import ChatbotPattern, InferenceWorkload

NAMESPACE = "ai-serving"
KUBERNETES = frozenset({"openshift"})
HOSTS = frozenset({"baremetal", "nutanix", "vmware"})  # containers on the node, or in its GPU VM (AHV, vSphere)
QUEUE_TARGET = 2  # waiting requests per pod that make the HPA add a replica (assumption, docs/apps.md)
TEI_PORT = 8080
QDRANT_PORT, QDRANT_PEER_PORT = 6333, 6335
GPU_RESOURCE = {"NVIDIA": ("nvidia.com/gpu", "feature.node.kubernetes.io/pci-10de.present")}


def dns_label(name: str) -> str:
    return re.sub(r"[^a-z0-9-]", "-", name.lower()).strip("-")[:63]


def _source(s: Serving) -> ModelSourceIntent:
    src = s.model_source
    if isinstance(src, PvcSource):
        return ModelSourceIntent(
            "pvc", f"pvc://{src.claim}/{src.path}".rstrip("/"), src.claim, src.path, None, None, None
        )
    if isinstance(src, S3Source):
        return ModelSourceIntent(
            "s3",
            src.uri,
            None,
            "",
            src.endpoint,
            src.access_key_id.ansible_expression,
            src.secret_access_key.ansible_expression,
        )
    assert isinstance(src, OciSource)
    return ModelSourceIntent("oci", f"oci://{s.registry}/{src.image}", None, "", None, None, None)


def _llm(w: InferenceWorkload, s: Serving, sized: InferenceSizing, platform: str) -> AppService:
    assert sized.chosen is not None and sized.chosen.at_slo is not None and sized.chosen.replicas is not None
    plan, point, setup = sized.chosen.plan, sized.chosen.at_slo, sized.setup
    settings = EngineSettings(
        tensor_parallel=plan.tensor_parallel,
        pipeline_parallel=plan.pipeline_parallel,
        gpu_memory_utilization=w.engine.gpu_memory_utilization,
        max_model_len=setup.tail_sequence_tokens,
        kv_cache_dtype="fp8" if setup.kv_precision == "fp8" else "auto",
        max_num_seqs=point.concurrency,  # beyond the SLO concurrency requests queue instead of slowing everyone
    )
    deploy = s.deploy_or_default if platform in KUBERNETES else "container"
    src = _source(s)
    model_path = "/mnt/models" if deploy == "kserve" else f"/models/{src.path}".rstrip("/")
    name = dns_label(w.name)
    args, env = llm_command(s.engine, settings, model_path, s.served_model_name or name, s.port)
    replicas = sized.chosen.replicas
    autoscale = None
    spelling = ENGINES[s.engine]
    if isinstance(w.pattern, ChatbotPattern) and w.pattern.peak_factor > 1:
        low = max(1, math.ceil(replicas / w.pattern.peak_factor))
        if low < replicas:
            autoscale = Autoscale(low, replicas, spelling.queue_metric, QUEUE_TARGET)
    return AppService(
        name=name,
        role="llm",
        engine=s.engine,
        deploy=deploy,
        image=s.image_ref,
        port=s.port,
        metrics_port=s.port,
        metrics_path=spelling.metrics_path,
        readiness_path=spelling.readiness_path,
        replicas=replicas,
        gpus=plan.gpus,
        cpu=4 * plan.gpus,
        memory_gib=math.ceil(setup.weights_bytes / GIB) + 16,  # weights staged through host memory, plus runtime
        storage_gib=0,
        storage_class=None,
        command=COMMANDS.get(s.engine, ()),
        args=args,
        env=env,
        model_path=model_path,
        model_source=src,
        engine_settings=settings,
        autoscale=autoscale,
        peer_ports=(),
        pull_secret=s.pull_secret.ansible_expression if s.pull_secret else None,
    )


def _tei(
    name: str, role: str, image: str, model: str, params: int, replicas: int, gpus: int, storage_class: str | None
) -> AppService:
    spelling = ENGINES["tei"]
    return AppService(
        name=name,
        role=role,
        engine="tei",
        deploy="statefulset",
        image=image,
        port=TEI_PORT,
        metrics_port=TEI_PORT,
        metrics_path=spelling.metrics_path,
        readiness_path=spelling.readiness_path,
        replicas=replicas,
        gpus=gpus,
        cpu=4,
        memory_gib=16,
        storage_gib=math.ceil(2 * params * 2 / GIB) + 5,  # twice the BF16 weights (cache and an update), plus 5
        storage_class=storage_class,
        command=(),
        args=tei_args(model, TEI_PORT, 16_384),
        env=(("HUGGINGFACE_HUB_CACHE", "/data"),),
        model_path="/data",
        model_source=None,
        engine_settings=None,
        autoscale=None,
        peer_ports=(),
        pull_secret=None,
    )


def _rag_services(rag: Rag, sized: RagSizing) -> list[AppService]:
    out = [
        _tei(
            "embedding",
            "embedding",
            f"{rag.registry}/{rag.embedding.image}",
            sized.embedding.name,
            sized.embedding.params,
            sized.embedding_replicas,
            rag.embedding.gpus_per_replica,
            rag.vector_db.storage_class,
        )
    ]
    if rag.reranker is not None:
        r = rag.reranker
        out.append(
            _tei(
                "reranker",
                "reranker",
                f"{rag.registry}/{r.image}",
                r.name,
                r.params,
                sized.reranker_replicas,
                1,
                rag.vector_db.storage_class,
            )
        )
    db = rag.vector_db
    if db.engine == "qdrant":
        assert db.image is not None
        out.append(
            AppService(
                name="qdrant",
                role="vectordb",
                engine="qdrant",
                deploy="statefulset",
                image=f"{rag.registry}/{db.image}",
                port=QDRANT_PORT,
                metrics_port=QDRANT_PORT,
                metrics_path=ENGINES["qdrant"].metrics_path,
                readiness_path=ENGINES["qdrant"].readiness_path,
                replicas=sized.pods,
                gpus=0,
                cpu=4,
                memory_gib=math.ceil(sized.memory_per_pod_bytes / GIB / MEMORY_HEADROOM),
                storage_gib=math.ceil(sized.disk_per_pod_bytes / GIB / MEMORY_HEADROOM),
                storage_class=db.storage_class,
                command=(),
                args=(),
                env=(("QDRANT__CLUSTER__ENABLED", "true"), ("QDRANT__CLUSTER__P2P__PORT", str(QDRANT_PEER_PORT))),
                model_path="",
                model_source=None,
                engine_settings=None,
                autoscale=None,
                peer_ports=(QDRANT_PEER_PORT,),
                pull_secret=None,
            )
        )
    return out


def _flows(services: list[AppService]) -> tuple[Flow, ...]:
    """The pipeline's flows: the RAG application to each service, Prometheus to each metrics port,
    vector-DB peers to each other, an LLM to its S3 endpoint, everyone to DNS."""
    out = [Flow("all", "dns", 53)]
    for s in services:
        out.append(Flow("client", s.name, s.port))
        out.append(Flow("monitoring", s.name, s.metrics_port))
        out += [Flow(s.name, s.name, p) for p in s.peer_ports]
        if s.model_source is not None and s.model_source.kind == "s3":
            out.append(Flow(s.name, "external", 443))
    return tuple(dict.fromkeys(out))


def _place(design: Design, services: list[AppService], paths: dict[str, Path], problems: Problems) -> list[Placement]:
    """Spread instances: each GPU instance on the node with the most free GPUs (node order breaks
    ties), vector-DB pods one per node. Instances of a service sharing a node publish
    consecutive ports from the service's port."""
    free = {n.name: list(range(n.gpus)) for n in design.nodes}
    order = [n.name for n in design.nodes]
    out: list[Placement] = []
    for s in services:
        ranks: dict[str, int] = {}
        if s.gpus == 0 and s.replicas > len(order):
            problems.add(paths[s.name], f"{s.replicas} {s.name} pods need as many nodes; the cluster has {len(order)}")
            continue
        for i in range(s.replicas):
            gpus: tuple[int, ...]
            if s.gpus == 0:
                node, gpus = order[i], ()
            else:
                node = max(order, key=lambda n: (len(free[n]), -order.index(n)))
                if len(free[node]) < s.gpus:
                    problems.add(
                        paths[s.name],
                        f"{s.name} replica {i + 1} of {s.replicas} ({s.gpus} GPUs) finds no node with room",
                    )
                    break
                gpus, free[node] = tuple(free[node][: s.gpus]), free[node][s.gpus :]
            rank = ranks.get(node, 0)
            ranks[node] = rank + 1
            out.append(Placement(s.name, i, node, gpus, s.port + rank))
    return out


def _sized(spec: ClusterSpec, catalog: Catalog) -> tuple[tuple[Outcome, ...], RagSizing | None]:
    assert spec.workloads is not None
    hw = hardware_for_server(catalog, spec.compute.node_model)
    inference, _ = size_workloads(spec.workloads.model_copy(update={"training": []}), hw)
    return inference, size_rag_for(spec.workloads.rag, inference)


def apps_intent(spec: ClusterSpec, catalog: Catalog, design: Design) -> AppsIntent | None:
    """The apps intent, or None when the spec deploys nothing; a DesignError for what cannot run."""
    wl = spec.workloads
    if wl is None or (wl.rag is None and all(w.serving is None for w in wl.inference)):
        return None
    problems = Problems()
    platform = spec.platform.type
    names = [w.name for w in wl.inference]
    if wl.rag is not None and wl.rag.serves not in names:
        problems.add(
            ("workloads", "rag", "serves"), f"no inference workload {wl.rag.serves!r}; known: {', '.join(names)}"
        )
    try:
        inference, rag_sized = _sized(spec, catalog)
    except SizingError as exc:
        problems.add(("workloads",), str(exc))
        raise DesignError(problems.items) from None
    services: list[AppService] = []
    paths: dict[str, Path] = {}
    for i, (w, o) in enumerate(zip(wl.inference, inference, strict=True)):
        path: Path = ("workloads", "inference", i, "serving")
        s = w.serving
        if s is None or not isinstance(o.result, InferenceSizing) or not o.result.feasible:
            continue  # not deployed, or refused by the workload check (aiinfra.sizing.check)
        if platform not in KUBERNETES | HOSTS:
            problems.add(path, f"platform {platform} runs no containers aiinfra renders")
            continue
        if platform in HOSTS and isinstance(s.model_source, S3Source):
            problems.add(
                (*path, "model_source"), "on VMs and bare metal stage the weights under /srv/models and use type pvc"
            )
        if (
            platform in KUBERNETES
            and s.deploy_or_default == "nim-operator"
            and not isinstance(s.model_source, PvcSource)
        ):
            problems.add((*path, "model_source"), "the NIMService renders with a model PVC; use type pvc")
        if platform in KUBERNETES and s.deploy_or_default == "deployment" and isinstance(s.model_source, S3Source):
            problems.add((*path, "model_source"), "a plain Deployment cannot fetch S3; use deploy kserve, or a pvc")
        assert o.result.chosen is not None
        if o.result.chosen.plan.nodes > 1:
            problems.add(
                path, f"a {o.result.chosen.plan.gpus}-GPU replica spans nodes; multi-node serving is not rendered"
            )
            continue
        service = _llm(w, s, o.result, platform)
        if service.name in paths:
            problems.add(path, f"{w.name!r} and another workload share the service name {service.name!r}")
        services.append(service)
        paths[service.name] = path
    if wl.rag is not None and rag_sized is not None:
        if wl.rag.vector_db.engine not in ("qdrant", "faiss"):
            problems.add(
                ("workloads", "rag", "vector_db", "engine"),
                f"aiinfra renders qdrant (or faiss, embedded); {wl.rag.vector_db.engine} is sized but not rendered",
            )
        rag_services = _rag_services(wl.rag, rag_sized)
        for rs in rag_services:
            paths[rs.name] = ("workloads", "rag", rs.name if rs.role != "vectordb" else "vector_db")
        services += rag_services
    pulls = {s.pull_secret for s in services if s.pull_secret}
    if platform in HOSTS and len(pulls) > 1:
        problems.add(
            ("workloads", "inference"), "on VMs and bare metal podman uses one registry auth file; give one pull_secret"
        )
    if platform in HOSTS:  # one container per instance, placed by aiinfra, not a Kubernetes controller
        services = [replace(s, deploy="container") for s in services]
    placements = _place(design, services, paths, problems) if platform in HOSTS else []
    if problems:
        raise DesignError(problems.items)
    vendor = next(iter(design.platform.gpus.values())).vendor if design.platform and design.platform.gpus else "NVIDIA"
    resource, label = GPU_RESOURCE.get(vendor, ("amd.com/gpu", "feature.node.kubernetes.io/pci-1002.present"))
    return AppsIntent(NAMESPACE, resource, label, tuple(services), _flows(services), tuple(placements))


def with_apps(design: Design, spec: ClusterSpec, catalog: Catalog) -> Design:
    """Attach the apps intent (the last step of ``build_design``)."""
    design.apps = apps_intent(spec, catalog, design)
    return design


__all__ = ["NAMESPACE", "apps_intent", "dns_label", "with_apps"]

"""Rendered serving objects: accepted by their vendors' schemas, and carrying the sizing's numbers.

Kubernetes objects go through ``tests/validators/kube.py`` (kubernetes-validate for core
kinds, the upstream KServe/NIM/Prometheus-operator CRDs for the rest); Quadlet units and
cloud-init are parsed back and compared with the Design, never with the renderer's strings.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from aiinfra.apps.render import render_apps
from aiinfra.design.apps_model import AppsIntent
from aiinfra.sizing.cluster import size_cluster
from tests.conftest import example
from tests.platforms import crdschema
from tests.validators.kube import crd_kinds, object_problems

# podman-systemd.unit(5), Podman 5.x: the keys the units may use, by section.
QUADLET_KEYS = {
    "Unit": {"Description", "Wants", "After"},
    "Container": {
        "ContainerName",
        "Image",
        "PublishPort",
        "Label",
        "Environment",
        "AddDevice",
        "ShmSize",
        "Volume",
        "Mount",
        "Exec",
        "Entrypoint",
        "PodmanArgs",
    },
    "Service": {"Restart", "TimeoutStartSec"},
    "Install": {"WantedBy"},
}


def _objects(files: dict[str, str]) -> list[dict[str, Any]]:
    return [
        d
        for path, text in sorted(files.items())
        if path.startswith("apps/kubernetes/")
        for d in yaml.load_all(text, Loader=crdschema.LOADER)
        if d is not None
    ]


@pytest.fixture(scope="module")
def openshift() -> tuple[dict[str, str], AppsIntent, Any]:
    result = example("superpod-4su")
    assert result.design.apps is not None
    return render_apps(result.design), result.design.apps, result


@pytest.fixture(scope="module", params=["ahv-inference", "vsphere-inference"])
def ahv(request: pytest.FixtureRequest) -> tuple[dict[str, str], AppsIntent]:
    """The VM platforms: AHV (guest ``<node>-vm``) and vSphere (guest ``<node>-gpu-vm``)."""
    design = example(request.param).design
    assert design.apps is not None
    return render_apps(design), design.apps


def _by(objs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    return next(o for o in objs if o["kind"] == kind and o["metadata"]["name"] == name)


@pytest.mark.slow  # kubernetes-validate and the CRD schemas take ~20 s
@pytest.mark.skipif(not crdschema.available(), reason="../shared/schemas/crds not present")
def test_every_kubernetes_object_passes_its_schema(openshift: Any) -> None:
    objs = _objects(openshift[0])
    kinds = {o["kind"] for o in objs}
    assert {"ServingRuntime", "InferenceService", "StatefulSet", "NetworkPolicy", "ServiceMonitor"} <= kinds
    assert {"PodDisruptionBudget", "HorizontalPodAutoscaler", "Secret", "Namespace"} <= kinds
    crds = crd_kinds()
    problems = [p for o in objs for p in object_problems(o, crds)]
    assert problems == []


@pytest.mark.slow
@pytest.mark.skipif(not crdschema.available(), reason="../shared/schemas/crds not present")
def test_the_validators_catch_a_bad_object(openshift: Any) -> None:
    """The check above can fail: a misspelt predictor key and a string replica count are refused."""
    objs = _objects(openshift[0])
    isvc = copy.deepcopy(_by(objs, "InferenceService", "assistant"))
    isvc["spec"]["predictor"]["minReplica"] = 1
    sts = copy.deepcopy(_by(objs, "StatefulSet", "qdrant"))
    sts["spec"]["replicas"] = "two"
    crds = crd_kinds()
    assert object_problems(isvc, crds) and object_problems(sts, crds)


def test_engine_args_replicas_and_gpus_come_from_the_sizing(openshift: Any) -> None:
    files, _apps, result = openshift
    sized = size_cluster(result.loaded.spec, result.catalog).inference[0].result
    chosen = sized.chosen
    objs = _objects(files)
    args = _by(objs, "ServingRuntime", "assistant")["spec"]["containers"][0]["args"]
    flags = dict(zip(args[::2], args[1::2], strict=True))
    assert int(flags["--tensor-parallel-size"]) == chosen.plan.tensor_parallel
    assert int(flags["--max-num-seqs"]) == chosen.at_slo.concurrency
    assert int(flags["--max-model-len"]) == sized.setup.prompt.tail + sized.setup.output.tail
    assert flags["--kv-cache-dtype"] == "fp8" and float(flags["--gpu-memory-utilization"]) == 0.9
    predictor = _by(objs, "InferenceService", "assistant")["spec"]["predictor"]
    assert predictor["maxReplicas"] == chosen.replicas  # the peak fleet
    assert predictor["minReplicas"] == -(-chosen.replicas // 2)  # the average (peak-to-average 2)
    assert predictor["model"]["resources"]["limits"]["nvidia.com/gpu"] == str(chosen.plan.gpus)
    hpa = _by(objs, "HorizontalPodAutoscaler", "assistant")["spec"]
    assert hpa["scaleTargetRef"]["name"] == "assistant-predictor"
    assert hpa["metrics"][0]["pods"]["metric"]["name"] == "vllm:num_requests_waiting"


def test_vector_db_statefulset_is_sized_from_the_corpus(openshift: Any) -> None:
    files, _apps, result = openshift
    rag = size_cluster(result.loaded.spec, result.catalog).rag
    sts = _by(_objects(files), "StatefulSet", "qdrant")["spec"]
    assert sts["replicas"] == rag.shards * rag.replicas
    storage = sts["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"]
    assert int(storage.removesuffix("Gi")) * 2**30 >= rag.disk_per_pod_bytes
    memory = sts["template"]["spec"]["containers"][0]["resources"]["requests"]["memory"]
    assert int(memory.removesuffix("Gi")) * 2**30 * 0.8 >= rag.memory_per_pod_bytes


def test_network_policies_deny_by_default_and_allow_only_the_flows(openshift: Any) -> None:
    files, apps, _ = openshift
    policies = {o["metadata"]["name"]: o["spec"] for o in _objects(files) if o["kind"] == "NetworkPolicy"}
    deny = policies["default-deny"]
    assert deny["podSelector"] == {} and deny["ingress"] == [] and deny["egress"] == []
    for s in apps.services:
        allowed = {p["port"] for rule in policies[f"allow-{s.name}"]["ingress"] for p in rule["ports"]}
        assert allowed == {f.port for f in apps.flows if f.target == s.name}
    client = {
        (rule["to"][0]["podSelector"]["matchLabels"]["aiinfra.io/service"], rule["ports"][0]["port"])
        for rule in policies["allow-client"]["egress"]
    }
    assert client == {(s.name, s.port) for s in apps.services}


def _quadlet(text: str) -> dict[str, list[tuple[str, str]]]:
    """A Quadlet unit as (key, value) pairs per section; keys repeat (PublishPort, AddDevice)."""
    out: dict[str, list[tuple[str, str]]] = {}
    section = ""
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            out[section] = []
            continue
        key, _, value = line.partition("=")
        out[section].append((key, value))
    return out


def test_quadlet_units_place_every_gpu_once(ahv: Any) -> None:
    files, apps = ahv
    units = {p: _quadlet(t) for p, t in files.items() if p.endswith(".container")}
    assert len(units) == len(apps.placements)
    taken: dict[str, list[str]] = {}
    ports: dict[str, list[str]] = {}
    for path, unit in units.items():
        node = path.split("/")[2]
        for section, pairs in unit.items():
            assert {k for k, _ in pairs} <= QUADLET_KEYS[section], (path, section)
        container = unit["Container"]
        taken.setdefault(node, []).extend(v for k, v in container if k == "AddDevice")
        ports.setdefault(node, []).extend(v.split(":")[0] for k, v in container if k == "PublishPort")
    for node in taken:
        assert len(taken[node]) == len(set(taken[node])), f"{node}: a GPU given twice"
        assert len(ports[node]) == len(set(ports[node])), f"{node}: a port published twice"
    gpus = {s.name: s.gpus for s in apps.services}
    for p in apps.placements:
        unit = units[f"apps/quadlet/{p.node}/{p.service}-{p.instance}.container"]["Container"]
        assert [v for k, v in unit if k == "AddDevice"] == [f"nvidia.com/gpu={g}" for g in p.gpus]
        assert len(p.gpus) == gpus[p.service]


def test_cloud_init_delivers_the_same_units(ahv: Any) -> None:
    files, apps = ahv
    for path, text in files.items():
        if not path.startswith("apps/cloud-init/"):
            continue
        assert text.startswith("#cloud-config\n")
        doc = yaml.safe_load(text)
        assert set(doc) == {"write_files", "runcmd"}
        vm = path.removeprefix("apps/cloud-init/").removesuffix(".yaml")
        node = next(n for n in {p.node for p in apps.placements} if vm in (f"{n}-vm", f"{n}-gpu-vm"))
        for f in doc["write_files"]:
            name = f["path"].removeprefix("/etc/containers/systemd/")
            assert f["content"] == files[f"apps/quadlet/{node}/{name}"]
        assert doc["runcmd"][0] == ["systemctl", "daemon-reload"]


@pytest.mark.slow  # cloud-init schema: ~4 s a document
@pytest.mark.skipif(shutil.which("cloud-init") is None, reason="cloud-init not installed (Debian package cloud-init)")
def test_cloud_init_passes_cloud_init_schema(ahv: Any, tmp_path: Path) -> None:
    """cloud-init's own schema (``cloud-init schema``, 22.4) accepts every document, and refuses a broken one."""
    docs = {p: t for p, t in ahv[0].items() if p.startswith("apps/cloud-init/")}
    assert docs
    for path, text in [*docs.items(), ("broken", next(iter(docs.values())).replace("permissions: ", "perms: "))]:
        file = tmp_path / "user-data.yaml"
        file.write_text(text)
        run = subprocess.run(
            ["cloud-init", "schema", "--config-file", str(file)], capture_output=True, text=True, check=False
        )
        assert (run.returncode == 0) == (path != "broken"), (path, run.stdout + run.stderr)


def test_render_is_deterministic() -> None:
    design = example("ahv-inference").design
    assert render_apps(design) == render_apps(design)


def test_oci_model_car_and_sglang_flags_on_vsphere() -> None:
    design = example("vsphere-inference").design
    assert design.apps is not None
    llm = design.apps.services[0]
    assert llm.engine == "sglang" and llm.engine_settings is not None
    assert llm.autoscale is None  # an agentic (flat) load gets a fixed replica count
    unit = _quadlet(render_apps(design)[f"apps/quadlet/{design.apps.placements[0].node}/support-bot-0.container"])
    container = dict(unit["Container"])
    assert (
        container["Mount"]
        == "type=image,source=harbor.vsi.example.org/ai/models/llama-3.1-70b-instruct-fp8:1.0,destination=/models"
    )
    assert container["Entrypoint"] == "python3"  # the sglang image does not start the server by itself
    args = container["Exec"].split()
    assert args[:2] == ["-m", "sglang.launch_server"]
    assert args[args.index("--tp-size") + 1] == str(llm.engine_settings.tensor_parallel)
    assert args[args.index("--max-running-requests") + 1] == str(llm.engine_settings.max_num_seqs)


def test_no_serving_renders_nothing() -> None:
    assert example("lab").design.apps is None
    assert render_apps(example("lab").design) == {}


@pytest.mark.slow
@pytest.mark.skipif(not crdschema.available(), reason="../shared/schemas/crds not present")
def test_nim_operator_and_plain_deployment_pass_their_schemas(openshift: Any) -> None:
    """The other two OpenShift spellings of an LLM: a NIMService (NIM operator CRD) and a plain
    Deployment with an OCI model-car image volume, from the same engine settings."""
    from dataclasses import replace

    from aiinfra.apps.kube_workloads import workload
    from aiinfra.design.apps_engines import llm_command
    from aiinfra.design.apps_model import ModelSourceIntent

    _, apps, _ = openshift
    llm = apps.services[0]
    assert llm.engine_settings is not None
    pvc = ModelSourceIntent("pvc", "pvc://models/llama", "models", "llama", None, None, None)
    args, env = llm_command("nim", llm.engine_settings, "/models/llama", llm.name, llm.port)
    nim = replace(
        llm,
        engine="nim",
        deploy="nim-operator",
        image="nvcr.example.org/nim/meta/llama-3.1-70b:2.0.1",
        args=args,
        env=env,
        model_source=pvc,
    )
    oci = ModelSourceIntent("oci", "oci://registry.example.org/models/llama:1", None, "", None, None, None)
    plain = replace(llm, deploy="deployment", model_source=oci, model_path="/models")
    crds = crd_kinds()
    objs = [*workload(apps, nim), *workload(apps, plain)]
    assert [o["kind"] for o in objs] == ["NIMService", "Deployment"]
    assert [p for o in objs for p in object_problems(o, crds)] == []
    spec = objs[0]["spec"]
    passthrough = {e["name"]: e["value"] for e in spec["env"]}
    assert f"--tensor-parallel-size {llm.engine_settings.tensor_parallel}" in passthrough["NIM_PASSTHROUGH_ARGS"]
    assert spec["scale"]["hpa"]["maxReplicas"] == llm.autoscale.max_replicas

"""Podman Quadlet ``.container`` units: one per service instance placed on a node or GPU VM.

The same unit text serves bare metal (installed by ``playbooks/apps.yml``) and the AHV GPU
VMs (written by cloud-init, :mod:`aiinfra.apps.cloud_init`). Keys are those of
podman-systemd.unit(5) for Podman 5.x; GPUs are CDI devices (``nvidia.com/gpu=N``, the
NVIDIA Container Toolkit's CDI spec), so each instance sees exactly the GPUs it was placed on.
"""

from __future__ import annotations

import shlex

from aiinfra.design.apps_model import AppService, AppsIntent, Placement

UNIT_DIR = "/etc/containers/systemd"
DATA_DIR = "/srv/aiinfra"
MODELS_DIR = "/srv/models"
AUTH_FILE = "/etc/aiinfra/registry-auth.json"
HEADER = "# Rendered by aiinfra from cluster.yaml; edit the spec, not this file.\n"
CDI_VENDOR = {"nvidia.com/gpu": "nvidia.com/gpu", "amd.com/gpu": "amd.com/gpu"}


def unit_name(p: Placement) -> str:
    """``assistant-0``: the container, the unit file (``.container``) and the service (``.service``)."""
    return f"{p.service}-{p.instance}"


def _lines(section: str, pairs: list[tuple[str, str]]) -> list[str]:
    return [f"[{section}]", *(f"{k}={v}" for k, v in pairs), ""]


def container_unit(a: AppsIntent, s: AppService, p: Placement, hosts: dict[str, str]) -> str:
    """The unit for one instance; ``hosts`` maps node names to the address peers reach them at."""
    name = unit_name(p)
    c: list[tuple[str, str]] = [("ContainerName", name), ("Image", s.image), ("PublishPort", f"{p.host_port}:{s.port}")]
    c += [("PublishPort", f"{port}:{port}") for port in s.peer_ports]
    c += [("Label", f"aiinfra.io/service={s.name}"), ("Label", f"aiinfra.io/instance={p.instance}")]
    c += [("Environment", f"{k}={v}") for k, v in s.env]
    c += [("AddDevice", f"{CDI_VENDOR[a.gpu_resource]}={g}") for g in p.gpus]
    if s.gpus:
        c.append(("ShmSize", "16g"))  # NCCL between the replica's GPUs uses shared memory
    src = s.model_source
    if src is not None and src.kind == "pvc":
        c.append(("Volume", f"{MODELS_DIR}/{src.claim}:/models:ro,Z"))
    elif src is not None and src.kind == "oci":
        c.append(("Mount", f"type=image,source={src.uri.removeprefix('oci://')},destination=/models"))
    if s.role in ("embedding", "reranker"):
        c.append(("Volume", f"{DATA_DIR}/{name}:/data:Z"))
    args = [*s.command[1:], *s.args]
    if s.command:
        c.append(("Entrypoint", s.command[0]))
    if s.engine == "qdrant":
        c.append(("Volume", f"{DATA_DIR}/{name}:/qdrant/storage:Z"))
        c.append(("Entrypoint", "/qdrant/qdrant"))  # the binary, in every qdrant/qdrant image's /qdrant
        args = ["--uri", f"http://{hosts[p.node]}:{s.peer_ports[0]}"]
        if p.instance > 0:
            first = next(q for q in a.placements if q.service == s.name and q.instance == 0)
            args += ["--bootstrap", f"http://{hosts[first.node]}:{s.peer_ports[0]}"]
    if args:
        c.append(("Exec", shlex.join(args)))
    if s.pull_secret:
        c.append(("PodmanArgs", f"--authfile={AUTH_FILE}"))
    lines = [HEADER.rstrip("\n"), ""]
    lines += _lines(
        "Unit",
        [
            ("Description", f"aiinfra {s.role} {name} ({s.engine})"),
            ("Wants", "network-online.target"),
            ("After", "network-online.target"),
        ],
    )
    lines += _lines("Container", c)
    lines += _lines("Service", [("Restart", "always"), ("TimeoutStartSec", "1800")])  # first start pulls images
    lines += _lines("Install", [("WantedBy", "multi-user.target")])
    return "\n".join(lines).rstrip("\n") + "\n"


def units(a: AppsIntent, hosts: dict[str, str]) -> dict[str, dict[str, str]]:
    """node -> {unit file name: text}, in placement order."""
    by_name = {s.name: s for s in a.services}
    out: dict[str, dict[str, str]] = {}
    for p in a.placements:
        out.setdefault(p.node, {})[f"{unit_name(p)}.container"] = container_unit(a, by_name[p.service], p, hosts)
    return out


__all__ = ["AUTH_FILE", "DATA_DIR", "MODELS_DIR", "UNIT_DIR", "container_unit", "unit_name", "units"]

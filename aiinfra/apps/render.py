"""``apps`` artefact: the serving and RAG services of the Design, spelled for its platform.

OpenShift gets Kubernetes objects; bare metal gets Quadlet units per node; Nutanix AHV gets
the same units inside each GPU VM's cloud-config. Every platform also gets
``apps/vars.yml``: what ``playbooks/apps.yml`` deploys and the readiness endpoint it waits on
for every service, every string ``!unsafe`` but the secret references it must fill in.
A Design without ``serving:``/``rag:`` renders nothing here.
"""

from __future__ import annotations

from typing import Any

from aiinfra.apps import cloud_init, kubernetes, quadlet
from aiinfra.design.apps_model import AppsIntent
from aiinfra.design.model import Design
from aiinfra.render.inventory import Trusted, Unsafe, unsafe
from aiinfra.render.reports import dump_yaml

HEADER = "# Rendered by aiinfra from cluster.yaml; edit the spec, not this file.\n"


def _hosts(design: Design) -> dict[str, str]:
    """The address each node's services are reached at: the node's management address on bare
    metal, the GPU VM's name in the site domain on AHV (the VM's address is the DHCP server's)."""
    if design.platform is not None and design.platform.type == "nutanix":
        from aiinfra.platforms.nutanix.render import vm_name

        return {n.name: f"{vm_name(n)}.{design.domain}" for n in design.nodes}
    return {n.name: n.mgmt_address.split("/")[0] for n in design.nodes}


def secret_refs(a: AppsIntent) -> list[str]:
    """Every secret reference the apps files hold, in service order, each once."""
    refs: list[str] = []
    for s in a.services:
        if s.pull_secret:
            refs.append(s.pull_secret)
        src = s.model_source
        if src is not None and src.access_key_id and src.secret_access_key:
            refs += [src.access_key_id, src.secret_access_key]
    return list(dict.fromkeys(refs))


def play_vars(design: Design, a: AppsIntent, hosts: dict[str, str]) -> dict[str, Any]:
    """The apps play's variables: ``aiinfra_apps`` (data, never templated) and
    ``aiinfra_apps_secrets`` (each reference literal, its value the expression Ansible resolves)."""
    out: dict[str, Any] = {
        "aiinfra_apps": unsafe(service_list(design, a, hosts)),
        "aiinfra_apps_secrets": [{"ref": Unsafe(r), "value": Trusted(r)} for r in secret_refs(a)],
    }
    pull = sorted({s.pull_secret for s in a.services if s.pull_secret})
    if a.placements and pull:
        out["aiinfra_apps_pull_secret"] = Trusted(pull[0])  # hosts share one auth file (the design allows one)
    return out


def service_list(design: Design, a: AppsIntent, hosts: dict[str, str]) -> dict[str, Any]:
    """What the apps play deploys and waits on."""
    entries = []
    for s in a.services:
        entry: dict[str, Any] = {
            "name": s.name,
            "role": s.role,
            "deploy": s.deploy,
            "port": s.port,
            "readiness_path": s.readiness_path,
            "replicas": s.replicas,
            "ready_replicas": s.autoscale.min_replicas if s.autoscale else s.replicas,
        }
        if a.placements:
            entry["instances"] = [
                {
                    "unit": quadlet.unit_name(p),
                    "node": p.node,
                    "url": f"http://{hosts[p.node]}:{p.host_port}{s.readiness_path}",
                }
                for p in a.placements
                if p.service == s.name
            ]
        else:
            kind = {"kserve": "Deployment", "nim-operator": "Deployment", "deployment": "Deployment"}
            name = f"{s.name}-predictor" if s.deploy == "kserve" else s.name
            entry["kubernetes"] = {"kind": kind.get(s.deploy, "StatefulSet"), "name": name}
        entries.append(entry)
    platform = design.platform.type if design.platform else ""
    used = sorted({p.node for p in a.placements})
    return {"namespace": a.namespace, "platform": platform, "hosts": {n: hosts[n] for n in used}, "services": entries}


def render_apps(design: Design) -> dict[str, str]:
    a = design.apps
    if a is None or design.platform is None:
        return {}
    hosts = _hosts(design)
    out: dict[str, str] = {"apps/vars.yml": HEADER + dump_yaml(play_vars(design, a, hosts))}
    platform = design.platform.type
    if platform == "openshift":
        out.update(kubernetes.files(a))
    elif platform == "baremetal":
        for node, node_units in quadlet.units(a, hosts).items():
            out.update({f"apps/quadlet/{node}/{name}": text for name, text in node_units.items()})
    elif platform == "nutanix":
        from aiinfra.platforms.nutanix.render import vm_name

        vms = {n.name: vm_name(n) for n in design.nodes}
        for node, node_units in quadlet.units(a, hosts).items():
            out.update({f"apps/quadlet/{node}/{name}": text for name, text in node_units.items()})
        out.update({f"apps/cloud-init/{vm}.yaml": text for vm, text in cloud_init.documents(a, vms, hosts).items()})
    return out


__all__ = ["render_apps", "service_list"]

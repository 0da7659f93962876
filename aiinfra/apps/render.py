"""``apps`` artefact: the serving and RAG services of the Design, spelled for its platform.

OpenShift gets Kubernetes objects; bare metal gets Quadlet units per node; Nutanix AHV gets
the same units inside each GPU VM's cloud-config. Every platform also gets
``apps/services.yaml``: the readiness endpoint of every service, which ``playbooks/apps.yml``
waits on. A Design without ``serving:``/``rag:`` renders nothing here.
"""

from __future__ import annotations

from typing import Any

from aiinfra.apps import cloud_init, kubernetes, quadlet
from aiinfra.design.apps_model import AppsIntent
from aiinfra.design.model import Design
from aiinfra.render.yamlout import dump

HEADER = "# Rendered by aiinfra from cluster.yaml; edit the spec, not this file.\n"


def _hosts(design: Design) -> dict[str, str]:
    """The address each node's services are reached at: the node's management address on bare
    metal, the GPU VM's name in the site domain on AHV (the VM's address is the DHCP server's)."""
    if design.platform is not None and design.platform.type == "nutanix":
        from aiinfra.platforms.nutanix.render import vm_name

        return {n.name: f"{vm_name(n)}.{design.domain}" for n in design.nodes}
    return {n.name: n.mgmt_address.split("/")[0] for n in design.nodes}


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
    return {"namespace": a.namespace, "platform": design.platform.type if design.platform else "", "services": entries}


def render_apps(design: Design) -> dict[str, str]:
    a = design.apps
    if a is None or design.platform is None:
        return {}
    hosts = _hosts(design)
    out: dict[str, str] = {"apps/services.yaml": HEADER + dump(service_list(design, a, hosts))}
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

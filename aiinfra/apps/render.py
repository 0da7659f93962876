"""``apps`` artefact: the serving and RAG services of the Design, spelled for its platform.

OpenShift gets Kubernetes objects; bare metal gets Quadlet units per node; Nutanix AHV and
vSphere get the same units inside each host's GPU VM, delivered by its cloud-config. Every platform also gets
``apps/apps.yaml``: what ``playbooks/apps.yml`` deploys, the readiness endpoint it waits on
for every service and the secret references it fills in. The play reads it as data
(``lookup('file') | from_yaml``), so nothing in it is ever templated.
A Design without ``serving:``/``rag:`` renders nothing here.
"""

from __future__ import annotations

import re
from typing import Any

from aiinfra.apps import cloud_init, kubernetes, quadlet
from aiinfra.design.apps_model import AppsIntent
from aiinfra.design.model import Design
from aiinfra.render.yamlout import dump

HEADER = "# Rendered by aiinfra from cluster.yaml; edit the spec, not this file.\n"


VSPHERE_GUEST_SUFFIX = "-gpu-vm"  # the GPU VM on each ESXi host (you create it; docs/apps.md)


def guests(design: Design) -> dict[str, str]:
    """node -> the GPU VM its services run in, on VM platforms (empty on bare metal and OpenShift)."""
    platform = design.platform.type if design.platform else ""
    if platform == "nutanix":
        from aiinfra.platforms.nutanix.render import vm_name

        return {n.name: vm_name(n) for n in design.nodes}
    if platform == "vmware":
        return {n.name: n.name + VSPHERE_GUEST_SUFFIX for n in design.nodes}
    return {}


def _hosts(design: Design) -> dict[str, str]:
    """The address each node's services are reached at: the node's management address on bare
    metal, its GPU VM's name in the site domain on AHV and vSphere (the VM's address is DHCP's)."""
    vms = guests(design)
    if vms:
        return {node: f"{vm}.{design.domain}" for node, vm in vms.items()}
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


# The two forms SecretRef.ansible_expression writes, from a validated variable name.
_VAULT = re.compile(r"^\{\{ ([A-Za-z_][A-Za-z0-9_]*) \}\}$")
_ENV = re.compile(r"^\{\{ lookup\('ansible\.builtin\.env', '([A-Za-z_][A-Za-z0-9_]*)'\) \}\}$")


def secret_source(ref: str) -> dict[str, str]:
    """``{ref, vault: NAME}`` or ``{ref, env: NAME}``: where the play looks the value up."""
    if m := _VAULT.match(ref):
        return {"ref": ref, "vault": m.group(1)}
    if m := _ENV.match(ref):
        return {"ref": ref, "env": m.group(1)}
    raise ValueError(f"not a secret reference aiinfra writes: {ref!r}")


def play_data(design: Design, a: AppsIntent, hosts: dict[str, str]) -> dict[str, Any]:
    """The apps play's input: the services, and the secrets by where they live."""
    out = service_list(design, a, hosts)
    out["secrets"] = [secret_source(r) for r in secret_refs(a)]
    pull = sorted({s.pull_secret for s in a.services if s.pull_secret})
    if a.placements and pull:
        out["pull_secret"] = pull[0]  # hosts share one auth file (the design allows one)
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
    out: dict[str, str] = {"apps/apps.yaml": HEADER + dump(play_data(design, a, hosts))}
    platform = design.platform.type
    if platform == "openshift":
        out.update(kubernetes.files(a))
    else:
        for node, node_units in quadlet.units(a, hosts).items():
            out.update({f"apps/quadlet/{node}/{name}": text for name, text in node_units.items()})
        vms = guests(design)
        if vms:
            out.update({f"apps/cloud-init/{vm}.yaml": text for vm, text in cloud_init.documents(a, vms, hosts).items()})
    return out


__all__ = ["render_apps", "service_list"]

"""openshift: every output file, and the README that lists them."""

from __future__ import annotations

from typing import Any

from aiinfra.design.model import Design
from aiinfra.platforms import driver
from aiinfra.platforms.host import BIN_DIR, HEADER, platform_of
from aiinfra.platforms.openshift.install import agent_config, control_plane, install_config, node_ip, settings
from aiinfra.platforms.openshift.manifests import (
    cluster_policy,
    machine_config,
    namespaces,
    nccl_config_map,
    nfd_instance,
    nic_cluster_policy,
    nncp,
    pool_intent,
    sriov_policies,
)
from aiinfra.render.yamlout import dump

ROLES = ("master", "worker")


def _doc(obj: dict[str, Any]) -> str:
    return HEADER + dump(obj)


def render(design: Design) -> dict[str, str]:
    """The installer inputs and day-2 manifests. One MachineConfig serves a whole pool, which
    needs one set of rail names on every node: the design refused a spec without it."""
    hosts = platform_of(design).hosts
    intents = [hosts[node.name] for node in design.nodes]
    pool = pool_intent(intents)
    out = {
        "openshift/install/install-config.yaml": _doc(install_config(design)),
        "openshift/install/agent-config.yaml": _doc(agent_config(design)),
        "openshift/manifests/00-namespaces.yaml": HEADER + "---\n".join(dump(n) for n in namespaces()),
        "openshift/manifests/10-nfd-instance.yaml": _doc(nfd_instance()),
        "openshift/manifests/20-gpu-cluster-policy.yaml": _doc(cluster_policy()),
        "openshift/manifests/30-nic-cluster-policy.yaml": _doc(nic_cluster_policy(design)),
        "openshift/manifests/50-nccl-env-configmap.yaml": _doc(nccl_config_map(pool)),
    }
    for role in ROLES:
        out[f"openshift/manifests/40-machineconfig-{role}-roce.yaml"] = _doc(machine_config(role, pool))
    if settings(design).sriov:
        for policy in sriov_policies(design):
            out[f"openshift/manifests/35-sriov-{policy['metadata']['name']}.yaml"] = _doc(policy)
    for intent in intents:
        out[f"openshift/manifests/60-nncp-{intent.node}.yaml"] = _doc(nncp(intent))
    out["openshift/README.md"] = driver("openshift").render_template(
        "README.md.j2",
        design=design,
        platform=settings(design),
        masters=control_plane(design),
        node_ip=node_ip,
        files=sorted(out),
        bin_dir=BIN_DIR,
    )
    return out

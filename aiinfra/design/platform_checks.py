"""What a platform cannot take, refused while designing with the spec field to change.

Each check reads the finished :class:`~aiinfra.design.platform.PlatformIntent` (after the
node facts were applied), so ``aiinfra validate`` fails with the node and the field
named instead of a renderer writing a placeholder, or failing, later.
"""

from __future__ import annotations

import re

from aiinfra.design.model import Design
from aiinfra.design.platform import OpenShiftSettings, PlatformIntent, node_mac
from aiinfra.design.problems import Problem
from aiinfra.spec.model import ClusterSpec

VDS_MAX_MTU = 9000  # vSphere distributed switch maximum (VCF design decision, platforms.md 3.1)
AHV_MAX_MTU = 9000  # AHV virtual switch / OVS bridge jumbo MTU
VMNIC = re.compile(r"^vmnic\d+$")
# Host QoS artefacts program mlx5 NICs: mlnx_qos, the ecn/roce_np sysfs knobs and the
# tc/1/traffic_class file are mlx5 (DOCA/MLNX_OFED) interfaces (fabric.md 3.1).
HOST_QOS_DRIVERS = {"mlx5"}
# ntnx_gpus_v2 ``vendor`` choices (nutanix.ncp), matched case-insensitively to the catalog vendor.
NUTANIX_GPU_VENDORS = ("nvidia", "amd", "intel")


def platform_problems(spec: ClusterSpec, design: Design, intent: PlatformIntent) -> list[Problem]:
    """Every problem the platform outputs would have, positioned at the spec field to change."""
    problems = _driver_problems(spec, design, intent)
    if isinstance(intent.settings, OpenShiftSettings):
        problems += _openshift(spec, design, intent, intent.settings)
    elif intent.type == "vmware":
        problems += _mtu_limit(design, VDS_MAX_MTU, "the vSphere distributed switch")
        problems += _vmware(spec, design)
    elif intent.type == "nutanix":
        problems += _mtu_limit(design, AHV_MAX_MTU, "the AHV virtual switch")
        problems += _nutanix_gpus(spec, intent)
    return problems


def _facts_path(spec: ClusterSpec) -> tuple[str, ...]:
    return ("compute", "node_facts") if spec.compute.node_facts is not None else ("compute",)


def _facts_file(spec: ClusterSpec) -> str:
    if spec.compute.node_facts is not None:
        return str(spec.compute.node_facts)
    return "a per-node facts file (CSV or YAML) named by compute.node_facts"


def _model_path(spec: ClusterSpec) -> tuple[str, ...]:
    return ("compute", "backend_nic") if spec.compute.backend_nic else ("compute", "node_model")


def _driver_problems(spec: ClusterSpec, design: Design, intent: PlatformIntent) -> list[Problem]:
    models = sorted({n.nic_model for node in design.nodes for n in node.backend})
    return [
        Problem(
            _model_path(spec),
            f"back-end NIC {m} uses the {intent.nics[m].rdma_driver} RDMA driver; aiinfra renders host RoCE "
            "QoS (trust, PFC, DCQCN/CNP, ToS) for mlx5 NICs only, and will not render settings it cannot verify",
        )
        for m in models
        if intent.nics[m].rdma_driver not in HOST_QOS_DRIVERS
    ]


def _openshift(spec: ClusterSpec, design: Design, intent: PlatformIntent, p: OpenShiftSettings) -> list[Problem]:
    problems = _openshift_macs(spec, design)
    replicas = p.control_plane_replicas
    if len(design.nodes) < replicas:
        problems.append(
            Problem(
                ("platform", "control_plane_replicas"),
                f"{replicas} control-plane nodes are taken from the GPU nodes but the design has {len(design.nodes)}",
            )
        )
    node_ips = {n.frontend_address.split("/")[0]: n.name for n in design.nodes if n.frontend_address}
    for field, vip in (("api_vip", p.api_vip), ("ingress_vip", p.ingress_vip)):
        if vip in node_ips:
            problems.append(Problem(("platform", field), f"{vip} is already the front-end address of {node_ips[vip]}"))
    problems += _openshift_uniform_rails(spec, intent)
    return problems


def _openshift_macs(spec: ClusterSpec, design: Design) -> list[Problem]:
    """One problem per missing MAC field, naming the nodes (the first few, then a count)."""
    missing: dict[str, list[str]] = {}
    for node in design.nodes:
        for nic in node.frontend:
            if node_mac(node, nic.netdev) is None:
                missing.setdefault(nic.netdev, []).append(node.name)
    return [
        Problem(
            _facts_path(spec),
            f"OpenShift agent-config needs each node's MAC for front-end interface {netdev} (field "
            f"macs.{netdev}); it is missing for {_name_list(nodes)}; add it to {_facts_file(spec)}",
        )
        for netdev, nodes in missing.items()
    ]


def _openshift_uniform_rails(spec: ClusterSpec, intent: PlatformIntent) -> list[Problem]:
    """The pool-wide MachineConfig and the per-rail resources need one set of rail names."""
    by_names: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for host in intent.hosts.values():
        by_names.setdefault(tuple((n.netdev, n.rdma_device) for n in host.nics), []).append(host.node)
    if len(by_names) <= 1:
        return []
    groups = list(by_names.values())
    first = groups[0][0]
    others = [name for group in groups[1:] for name in group]
    return [
        Problem(
            _facts_path(spec),
            f"OpenShift renders one RoCE MachineConfig per pool, so every node needs the same rail netdev "
            f"and RDMA names; {_name_list(others)} differ from {first}; rename them alike in {_facts_file(spec)}",
        )
    ]


def _name_list(names: list[str], shown: int = 5) -> str:
    if len(names) <= shown:
        return "node " + names[0] if len(names) == 1 else "nodes " + ", ".join(names)
    return f"nodes {', '.join(names[:shown])} and {len(names) - shown} more"


def _vmware(spec: ClusterSpec, design: Design) -> list[Problem]:
    """Rail NICs must carry their ESXi vmnic names; one problem per rail, naming the nodes."""
    missing: dict[tuple[int, str], list[str]] = {}
    for node in design.nodes:
        for nic in node.backend:
            if not VMNIC.match(nic.netdev):
                missing.setdefault((nic.index, nic.netdev), []).append(node.name)
    return [
        Problem(
            _facts_path(spec),
            f"the dvSwitch uplink for rail {rail} needs the ESXi vmnic name (field netdevs.{netdev}); it is "
            f"missing for {_name_list(nodes)}, whose rail NIC is still the Linux name {netdev!r}; "
            f"add netdevs.{netdev}: vmnicN to {_facts_file(spec)}",
        )
        for (rail, netdev), nodes in sorted(missing.items())
    ]


def _mtu_limit(design: Design, limit: int, what: str) -> list[Problem]:
    mtu = design.qos["backend"].host_mtu
    if mtu <= limit:
        return []
    return [
        Problem(
            ("fabrics", "backend", "roce", "host_mtu"),
            f"host MTU {mtu} is above the {limit} maximum of {what}; use {limit} or less",
        )
    ]


def _nutanix_gpus(spec: ClusterSpec, intent: PlatformIntent) -> list[Problem]:
    return [
        Problem(
            ("compute", "node_model"),
            f"GPU {key} is made by {gpu.vendor}; Nutanix attaches GPUs of vendor "
            f"{', '.join(v.upper() for v in NUTANIX_GPU_VENDORS)} only (ntnx_gpus_v2 vendor)",
        )
        for key, gpu in intent.gpus.items()
        if gpu.vendor.lower() not in NUTANIX_GPU_VENDORS
    ]

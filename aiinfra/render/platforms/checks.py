"""Design-time checks for the platform outputs: per-node facts and platform limits.

``check_platform`` runs once, right after the design is built, so a spec that
cannot produce a complete platform output fails ``aiinfra validate`` with the
node and field named, instead of a renderer writing a placeholder later.
"""

from __future__ import annotations

import re
from pathlib import Path

from aiinfra.catalog import Catalog
from aiinfra.design.hosts import apply_node_facts, node_mac
from aiinfra.design.model import Design
from aiinfra.design.problems import Problem
from aiinfra.errors import SpecError
from aiinfra.spec.model import ClusterSpec
from aiinfra.spec.node_facts import load_node_facts, resolve

VDS_MAX_MTU = 9000  # vSphere distributed switch maximum (VCF design decision, platforms.md 3.1)
AHV_MAX_MTU = 9000  # AHV virtual switch / OVS bridge jumbo MTU
VMNIC = re.compile(r"^vmnic\d+$")
# Host QoS artefacts program mlx5 NICs: mlnx_qos, the ecn/roce_np sysfs knobs and the
# tc/1/traffic_class file are mlx5 (DOCA/MLNX_OFED) interfaces (fabric.md 3.1).
HOST_QOS_DRIVERS = {"mlx5"}


def check_platform(spec: ClusterSpec, design: Design, spec_dir: Path, catalog: Catalog | None = None) -> list[Problem]:
    """Attach ``compute.node_facts`` to the design and list what the platform outputs still lack.

    Problems inside the facts file raise :class:`SpecError` positioned in that file;
    problems returned here are positioned at the spec field to change.
    """
    from aiinfra.design.build import resolve_catalog

    catalog = catalog or resolve_catalog(spec)
    if spec.compute.node_facts is not None:
        file = resolve(spec_dir, spec.compute.node_facts)
        loaded = load_node_facts(file)
        diagnostics = apply_node_facts(design, loaded)
        if diagnostics:
            raise SpecError(diagnostics)
    problems = _driver_problems(spec, design, catalog)
    kind = spec.platform.type
    if kind == "openshift":
        problems += _openshift(spec, design)
    elif kind == "vmware":
        problems += _mtu_limit(design, VDS_MAX_MTU, "the vSphere distributed switch")
        problems += _vmware(spec, design)
    elif kind == "nutanix":
        problems += _mtu_limit(design, AHV_MAX_MTU, "the AHV virtual switch")
    return problems


def missing_facts(spec: ClusterSpec, design: Design) -> list[Problem]:
    """Per-node facts a platform output needs but the design does not carry (renderer guard)."""
    if spec.platform.type == "openshift":
        return _openshift_macs(spec, design)
    if spec.platform.type == "vmware":
        return _vmware(spec, design)
    return []


def _facts_path(spec: ClusterSpec) -> tuple[str, ...]:
    return ("compute", "node_facts") if spec.compute.node_facts is not None else ("compute",)


def _facts_file(spec: ClusterSpec) -> str:
    if spec.compute.node_facts is not None:
        return str(spec.compute.node_facts)
    return "a per-node facts file (CSV or YAML) named by compute.node_facts"


def _driver_problems(spec: ClusterSpec, design: Design, catalog: Catalog) -> list[Problem]:
    models = sorted({n.nic_model for node in design.nodes for n in node.backend})
    bad = [m for m in models if catalog.nics[m].rdma_driver not in HOST_QOS_DRIVERS]
    return [
        Problem(
            ("compute", "backend_nic") if spec.compute.backend_nic else ("compute", "node_model"),
            f"back-end NIC {m} uses the {catalog.nics[m].rdma_driver} RDMA driver; aiinfra renders host RoCE "
            "QoS (trust, PFC, DCQCN/CNP, ToS) for mlx5 NICs only, and will not render settings it cannot verify",
        )
        for m in bad
    ]


def _openshift(spec: ClusterSpec, design: Design) -> list[Problem]:
    problems = _openshift_macs(spec, design)
    platform = spec.platform
    replicas = platform.control_plane_replicas  # type: ignore[union-attr]
    if len(design.nodes) < replicas:
        problems.append(
            Problem(
                ("platform", "control_plane_replicas"),
                f"{replicas} control-plane nodes are taken from the GPU nodes but the design has {len(design.nodes)}",
            )
        )
    node_ips = {n.frontend_address.split("/")[0]: n.name for n in design.nodes if n.frontend_address}
    for field in ("api_vip", "ingress_vip"):
        vip = str(getattr(platform, field))
        if vip in node_ips:
            problems.append(Problem(("platform", field), f"{vip} is already the front-end address of {node_ips[vip]}"))
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

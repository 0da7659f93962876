"""The platform intent: everything the node/platform renderers and the inventory read.

Plain slotted dataclasses, like :mod:`aiinfra.design.model`. ``build_design`` fills one
:class:`PlatformIntent` per Design (:mod:`aiinfra.design.platform_build`): the
platform's settings as the renderers format them (secrets already the Ansible
expressions they render to), the host intent of every node (after the site's node
facts renamed its NICs), and the catalog facts of the NICs and GPUs the nodes carry.
So a renderer needs nothing but the Design, and a platform limit is refused at
``validate`` with the spec field named, never discovered while rendering.

The site's DNS and NTP servers are ``Design.management.dns``/``ntp`` (the switches
point at the same servers); per-node site facts (MACs, serial, root-disk hints) are
``Node.facts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # model.py imports this module; the functions below only read a Node
    from aiinfra.design.model import Node


@dataclass(frozen=True, slots=True)
class RailNicIntent:
    """One back-end NIC port and every setting the host must hold for it (:mod:`aiinfra.design.hosts`).

    Values are the fabric's, in its own terms (a priority, a DSCP, bytes); a host-side
    unit such as the mlnx_qos PFC list or the ESXi pfctx mask is the renderer's to format.
    """

    rail: int
    netdev: str
    rdma_device: str
    rdma_driver: str
    address: str  # "10.1.0.1/31"
    ip: str  # "10.1.0.1"
    gateway: str  # leaf side of the /31
    route_table: int
    mtu: int
    switch: str
    switch_interface: str
    trust: str  # "dscp": classify on DSCP, never PCP
    dscp_to_priority: tuple[tuple[int, int], ...]  # (dscp, priority), RoCE data + CNP
    pfc_priority: int  # the one priority PFC is on for
    dcqcn: bool
    dcqcn_priorities: tuple[int, ...]  # ECN roce_np/roce_rp enabled on these
    cnp_dscp: int
    cnp_priority: int
    roce_dscp: int
    roce_tos: int
    roce_mode: str
    gid_index: int
    gid: str  # the GID the RoCEv2 IPv4 entry must hold, as sysfs prints it
    pause_8023x: bool
    speed_gbps: int = 0  # the NIC port's designed line rate (roce-check reads the link at it)


@dataclass(frozen=True, slots=True)
class HostIntent:
    """Everything a node's host configuration formats: rail NICs, sysctls, NCCL env."""

    node: str
    load_balancing: str
    nics: tuple[RailNicIntent, ...]
    sysctls: tuple[tuple[str, str], ...]
    nccl_env: tuple[tuple[str, str], ...]
    gpu_pool: str  # back-end GPU prefix reachable through every rail

    @property
    def nccl(self) -> dict[str, str]:
        return dict(self.nccl_env)


@dataclass(frozen=True, slots=True)
class BaremetalSettings:
    """Linux on the metal configured by Ansible."""

    distribution: str  # "ubuntu-22.04" ...
    qos_tool: str  # "mlnx_qos" | "dcb": what the boot-time unit programs trust/PFC with


@dataclass(frozen=True, slots=True)
class OperatorImages:
    """Image pins of the NVIDIA Network Operator's NicClusterPolicy."""

    repository: str
    doca_driver_version: str
    rdma_shared_device_plugin_version: str
    doca_telemetry_repository: str  # DTS is in nvcr.io/nvidia/doca, not the Mellanox repository
    doca_telemetry_version: str


@dataclass(frozen=True, slots=True)
class OpenShiftSettings:
    """Agent-based installer inputs and the day-2 operator settings."""

    version: str
    base_domain: str
    control_plane_replicas: int  # the first N GPU nodes are the control plane
    api_vip: str
    ingress_vip: str
    cluster_network: str  # CIDR
    service_network: str  # CIDR
    pull_secret: str  # Ansible expression, never a value
    ssh_key: str
    sriov: bool
    sriov_vfs: int
    network_operator: OperatorImages


@dataclass(frozen=True, slots=True)
class VSphereSettings:
    """vCenter, the rail distributed switch and the ESXi GPU mode."""

    vcenter: str
    datacenter: str
    cluster: str
    username: str
    password: str  # Ansible expression
    dvs_name: str
    gpu_mode: str  # "passthrough" | "vgpu"
    vgpu_profile: str | None
    sriov_vfs: int
    esxi_username: str
    gpu_devices: tuple[str, ...]  # PCI device names vCenter lists (passthrough)


@dataclass(frozen=True, slots=True)
class NutanixSettings:
    """Prism Central, the GPU VM shape and the per-rail AHV virtual switches."""

    prism_central: str
    cluster: str
    username: str
    password: str  # Ansible expression
    gpu_mode: str  # "passthrough" | "vgpu"
    vgpu_profile: str | None
    vm_vcpus: int
    vm_memory_gib: int
    vm_image: str
    vm_disk_gib: int
    gpu_device_id: int
    rail_virtual_switch_prefix: str
    vm_management_subnet: str


PlatformSettings = BaremetalSettings | OpenShiftSettings | VSphereSettings | NutanixSettings


@dataclass(frozen=True, slots=True)
class NicFacts:
    """Catalog facts of one NIC model the nodes carry."""

    vendor: str
    model: str
    speed_gbps: int
    rdma_driver: str  # "mlx5" | "bnxt_re" | "ionic"


@dataclass(frozen=True, slots=True)
class GpuFacts:
    """Catalog facts of one GPU model the nodes carry."""

    vendor: str  # as the catalog spells it ("NVIDIA", "AMD")
    model: str


@dataclass(slots=True)
class PlatformIntent:
    """What runs on the GPU nodes, decided: one per Design."""

    type: str  # the platform driver's name (aiinfra.platforms.names())
    settings: PlatformSettings
    qos_tool: str  # what the host QoS scripts use: baremetal's choice, "dcb" elsewhere
    secrets: tuple[str, ...]  # the platform's secret references (Ansible expressions), in spec order
    hosts: dict[str, HostIntent]  # node name -> host intent, in node order
    nics: dict[str, NicFacts]  # catalog key -> facts, for every NIC model a node uses
    gpus: dict[str, GpuFacts]  # catalog key -> facts, for every GPU model a node uses


def node_mac(node: Node, netdev: str) -> str | None:
    """The MAC the site's node facts gave for one of the node's interfaces, if any."""
    return node.facts.get(f"mac.{netdev}")


def root_device_hints(node: Node) -> dict[str, str]:
    """Root-disk hints from the node facts, keyed like the facts file (snake_case)."""
    return {k.removeprefix("root."): v for k, v in node.facts.items() if k.startswith("root.")}


__all__ = [
    "BaremetalSettings",
    "GpuFacts",
    "HostIntent",
    "NicFacts",
    "NutanixSettings",
    "OpenShiftSettings",
    "OperatorImages",
    "PlatformIntent",
    "PlatformSettings",
    "RailNicIntent",
    "VSphereSettings",
    "node_mac",
    "root_device_hints",
]

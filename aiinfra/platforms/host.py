"""Linux host artefacts shared by several platforms: netplan, QoS unit and scripts, sysctl, NCCL.

Baremetal nodes install them directly, OpenShift wraps the scripts and unit into a
MachineConfig, Nutanix guests get the netplan through cloud-init. Every value is
the Design's (``design.platform.hosts``, decided by :mod:`aiinfra.design.hosts`); this
module converts to host-side units (the PFC priority list the QoS scripts take),
builds the netplan as data and picks the place in the file tree. Jinja is kept for
the shell scripts, the systemd unit and the key=value files.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Interface
from typing import Any

from aiinfra.design.model import Design, Node, NodeNic
from aiinfra.design.platform import HostIntent, PlatformIntent, RailNicIntent
from aiinfra.platforms import driver
from aiinfra.render.yamlout import dump

HEADER = "# Rendered by aiinfra from cluster.yaml; edit the spec, not this file.\n"
BIN_DIR = "/usr/local/bin"
QOS_UNIT = "aiinfra-roce-qos.service"
NETPLAN_FILE = "etc/netplan/60-aiinfra.yaml"
PRIORITIES = 8  # IEEE 802.1Q priorities 0..7


def _template(name: str, **context: object) -> str:
    """A host template; they live with the baremetal driver (OpenShift and Nutanix reuse them)."""
    return driver("baremetal").render_template(name, **context)


def platform_of(design: Design) -> PlatformIntent:
    """The Design's platform intent; ``build_design`` always sets it."""
    if design.platform is None:
        raise ValueError("this Design has no platform intent; build it with aiinfra.design.build.build_design")
    return design.platform


@dataclass(frozen=True, slots=True)
class UplinkNic:
    netdev: str
    address: str
    gateway: str
    mtu: int


@dataclass(frozen=True, slots=True)
class UplinkGroup:
    """A dual-homed fabric (front-end or storage): two /31 uplinks and the node's /32."""

    fabric: str
    address: str  # "10.2.3.0/32"
    ip: str
    destination: str  # "default" or a prefix
    nics: tuple[UplinkNic, ...]


def uplink_groups(design: Design, node: Node) -> tuple[UplinkGroup, ...]:
    """Front-end carries the default route; storage routes only its own host prefix."""
    groups = []
    for fabric, nics, address, destination in (
        ("frontend", node.frontend, node.frontend_address, "default"),
        ("storage", node.storage, node.storage_address, design.pools.get("storage.hosts", "")),
    ):
        if not nics or not address:
            continue
        groups.append(
            UplinkGroup(
                fabric=fabric,
                address=address,
                ip=str(IPv4Interface(address).ip),
                destination=destination,
                nics=tuple(_uplink(n) for n in nics),
            )
        )
    return tuple(groups)


def _uplink(nic: NodeNic) -> UplinkNic:
    return UplinkNic(netdev=nic.netdev, address=nic.address, gateway=nic.gateway, mtu=nic.mtu)


def pfc_list(priority: int) -> str:
    """PFC on one priority as the QoS scripts take it (``mlnx_qos --pfc``, and the dcb check's
    comparison): eight comma-separated 0/1 flags, priority 0 first (``0,0,0,1,0,0,0,0`` for 3)."""
    return ",".join("1" if p == priority else "0" for p in range(PRIORITIES))


def dscp_words(nic: RailNicIntent) -> str:
    """``dscp:prio`` words, space separated, as ``dcb app ... dscp-prio`` and the scripts take them."""
    return " ".join(f"{d}:{p}" for d, p in nic.dscp_to_priority)


def addressed(address: str, mtu: int, *, link_local: bool) -> dict[str, Any]:
    """A netplan ethernet with one static address and no DHCP; ``link_local=False`` (``link-local: []``)
    also keeps the kernel from adding fe80:: and 169.254 addresses to it."""
    out: dict[str, Any] = {"mtu": mtu, "dhcp4": False, "dhcp6": False}
    if not link_local:
        out["link-local"] = []
    out["addresses"] = [address]
    return out


def rail_ethernet(nic: RailNicIntent, gpu_pool: str, *, link_local: bool) -> dict[str, Any]:
    """One rail NIC's netplan: its /31 and MTU, the GPU pool in its own table, and the source rule."""
    return {
        **addressed(nic.address, nic.mtu, link_local=link_local),
        "routes": [{"to": gpu_pool, "via": nic.gateway, "table": nic.route_table}],
        "routing-policy": [{"from": nic.ip, "table": nic.route_table}],
    }


NETPLAN_HEADER = """\
# {node}: rendered by aiinfra from cluster.yaml; edit the spec, not this file.
#
# Back-end rails: one /31 per NIC (leaf .0, NIC .1) and one routing table + source rule per
# NIC, so replies leave by the NIC that owns the address (ARP-flux fix, fabric.md 3.2b).
# Front-end{storage}: layer-3 dual-homed, a /31 to each leaf of the pair and the node's /32
# on the loopback; the ECMP route over both uplinks is in the systemd-networkd drop-in
# rendered beside this file, because netplan cannot express a multipath route.
"""


def netplan_doc(design: Design, node: Node, intent: HostIntent) -> dict[str, Any]:
    """The node's netplan (version 2, networkd) as data: rails, the front-end/storage /31s,
    and the node's /32s on the loopback."""
    ethernets: dict[str, Any] = {n.netdev: rail_ethernet(n, intent.gpu_pool, link_local=False) for n in intent.nics}
    groups = uplink_groups(design, node)
    for group in groups:
        for up in group.nics:
            ethernets[up.netdev] = addressed(up.address, up.mtu, link_local=False)
    ethernets["lo"] = {"addresses": [g.address for g in groups]}
    return {"network": {"version": 2, "renderer": "networkd", "ethernets": ethernets}}


def netplan(design: Design, node: Node, intent: HostIntent) -> str:
    groups = uplink_groups(design, node)
    storage = " and storage" if any(g.fabric == "storage" for g in groups) else ""
    return NETPLAN_HEADER.format(node=node.name, storage=storage) + dump(netplan_doc(design, node, intent))


def ecmp_dropins(design: Design, node: Node) -> dict[str, str]:
    """systemd-networkd drop-ins holding each dual-homed fabric's multipath route."""
    out = {}
    for group in uplink_groups(design, node):
        first = group.nics[0].netdev
        path = f"etc/systemd/network/10-netplan-{first}.network.d/60-aiinfra-{group.fabric}-ecmp.conf"
        out[path] = _template("ecmp-route.conf.j2", node=node.name, group=group)
    return out


def qos_files(intent: HostIntent, tool: str, after: str = "") -> dict[str, str]:
    """The boot-time QoS script, the roce-check script and the unit that runs both, with the
    intent's values written into the scripts (one pool's MachineConfig on OpenShift; baremetal
    nodes share one pair of scripts and read their values from a file, :mod:`aiinfra.platforms.baremetal.values`)."""
    bin_dir = BIN_DIR.lstrip("/")
    rows = [(nic, pfc_list(nic.pfc_priority), dscp_words(nic)) for nic in intent.nics]
    return {
        f"{bin_dir}/aiinfra-roce-qos": _template("roce-qos.sh.j2", intent=intent, tool=tool, rows=rows, values=""),
        f"{bin_dir}/roce-check": _template("roce-check.sh.j2", intent=intent, tool=tool, rows=rows, values=""),
        f"etc/systemd/system/{QOS_UNIT}": _template(
            "roce-qos.service.j2", node=intent.node, bin_dir=BIN_DIR, after=after
        ),
    }


def sysctl_conf(intent: HostIntent) -> str:
    return _template("sysctl.conf.j2", intent=intent)


def nccl_files(intent: HostIntent) -> dict[str, str]:
    return {
        "etc/nccl.conf": _template("nccl.conf.j2", intent=intent),
        "etc/profile.d/aiinfra-nccl.sh": _template("nccl-profile.sh.j2", intent=intent),
    }

"""Linux host artefacts shared by several platforms: netplan, QoS unit and scripts, sysctl, NCCL.

Baremetal nodes install them directly, OpenShift wraps the scripts and unit into a
MachineConfig, Nutanix guests get the netplan through cloud-init. Every value is
the Design's (``design.platform.hosts``, decided by :mod:`aiinfra.design.hosts`); this
module converts to host-side units (the PFC priority list the QoS scripts take),
builds the netplan as data and picks the place in the file tree. Jinja is kept for
the shell scripts, the systemd unit and the key=value files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from aiinfra.design.model import Design, Node, NodeNic
from aiinfra.design.platform import HostIntent, PlatformIntent, RailNicIntent
from aiinfra.platforms import driver
from aiinfra.platforms.layout import Layout, Slots, layout
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
                ip=address.partition("/")[0],  # the Design's addresses are valid CIDRs already
                destination=destination,
                nics=tuple(_uplink(n) for n in nics),
            )
        )
    return tuple(groups)


def _uplink(nic: NodeNic) -> UplinkNic:
    return UplinkNic(netdev=nic.netdev, address=nic.address, gateway=nic.gateway, mtu=nic.mtu)


@cache
def pfc_list(priority: int) -> str:
    """PFC on one priority as the QoS scripts take it (``mlnx_qos --pfc``, and the dcb check's
    comparison): eight comma-separated 0/1 flags, priority 0 first (``0,0,0,1,0,0,0,0`` for 3).
    Cached, like :func:`dscp_words`: every NIC of a cluster asks for the same few."""
    return ",".join("1" if p == priority else "0" for p in range(PRIORITIES))


def dscp_words(nic: RailNicIntent) -> str:
    """``dscp:prio`` words, space separated, as ``dcb app ... dscp-prio`` and the scripts take them."""
    return _dscp_words(nic.dscp_to_priority)


@cache
def _dscp_words(pairs: tuple[tuple[int, int], ...]) -> str:
    return " ".join(f"{d}:{p}" for d, p in pairs)


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


def _netplan_data(nics: Sequence[Any], gpu_pool: str, groups: Sequence[Any]) -> dict[str, Any]:
    """The netplan document from its inputs only (rail NICs, the GPU pool, uplink groups): data
    assembly, no branch on a value, so :func:`_netplan_layout` can make it from stand-ins."""
    ethernets: dict[str, Any] = {n.netdev: rail_ethernet(n, gpu_pool, link_local=False) for n in nics}
    for group in groups:
        for up in group.nics:
            ethernets[up.netdev] = addressed(up.address, up.mtu, link_local=False)
    ethernets["lo"] = {"addresses": [g.address for g in groups]}
    return {"network": {"version": 2, "renderer": "networkd", "ethernets": ethernets}}


def netplan_doc(design: Design, node: Node, intent: HostIntent) -> dict[str, Any]:
    """The node's netplan (version 2, networkd) as data: rails, the front-end/storage /31s,
    and the node's /32s on the loopback."""
    return _netplan_data(intent.nics, intent.gpu_pool, uplink_groups(design, node))


@cache
def _netplan_layout(rails: int, uplinks: tuple[int, ...]) -> Layout:
    """The netplan of every node with ``rails`` rail NICs and groups of ``uplinks`` NICs."""

    def build(s: Slots) -> dict[str, Any]:
        nics = [s.obj(f"r{i}") for i in range(rails)]
        groups = [
            s.obj(f"g{g}", nics=tuple(s.obj(f"g{g}u{u}") for u in range(count))) for g, count in enumerate(uplinks)
        ]
        return _netplan_data(nics, s.value("pool"), groups)

    return layout(build)


def netplan_yaml(intent: HostIntent, groups: tuple[UplinkGroup, ...]) -> str:
    """``dump()`` of the node's netplan document, filled into the layout of its shape (the
    same bytes at a fraction of the emitter's cost); a node whose interface names repeat
    (one dict key in the document) is dumped as is."""
    names = [n.netdev for n in intent.nics] + [u.netdev for g in groups for u in g.nics] + ["lo"]
    if len(set(names)) != len(names):
        return dump(_netplan_data(intent.nics, intent.gpu_pool, groups))
    inputs: dict[str, Any] = {f"r{i}": nic for i, nic in enumerate(intent.nics)}
    for g, group in enumerate(groups):
        inputs[f"g{g}"] = group
        inputs.update((f"g{g}u{u}", up) for u, up in enumerate(group.nics))
    inputs["pool"] = intent.gpu_pool
    return _netplan_layout(len(intent.nics), tuple(len(g.nics) for g in groups)).fill(inputs)


def netplan(node: str, intent: HostIntent, groups: tuple[UplinkGroup, ...]) -> str:
    """The node's netplan file: its header and :func:`netplan_yaml`."""
    storage = " and storage" if any(g.fabric == "storage" for g in groups) else ""
    return NETPLAN_HEADER.format(node=node, storage=storage) + netplan_yaml(intent, groups)


def ecmp_dropins(node: str, groups: tuple[UplinkGroup, ...]) -> dict[str, str]:
    """systemd-networkd drop-ins holding each dual-homed fabric's multipath route."""
    out = {}
    for group in groups:
        first = group.nics[0].netdev
        path = f"etc/systemd/network/10-netplan-{first}.network.d/60-aiinfra-{group.fabric}-ecmp.conf"
        out[path] = _template("ecmp-route.conf.j2", node=node, group=group)
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


NODE_HEADER = "# {node}: rendered by aiinfra from cluster.yaml; edit the spec, not this file.\n"


@lru_cache(maxsize=1024)
def _body(name: str, **context: object) -> str:
    """A template below its node header line, rendered once per distinct context: every node of
    a cluster has the same sysctls and, unless the site renamed its RDMA devices, the same NCCL
    settings."""
    return _template(name, **context)


def sysctl_conf(intent: HostIntent) -> str:
    return NODE_HEADER.format(node=intent.node) + _body("sysctl.conf.j2", sysctls=intent.sysctls)


def nccl_files(intent: HostIntent) -> dict[str, str]:
    header = NODE_HEADER.format(node=intent.node)
    conf = _body("nccl.conf.j2", nccl_env=intent.nccl_env, load_balancing=intent.load_balancing)
    return {
        "etc/nccl.conf": header + conf,
        "etc/profile.d/aiinfra-nccl.sh": header + _body("nccl-profile.sh.j2", nccl_env=intent.nccl_env),
    }

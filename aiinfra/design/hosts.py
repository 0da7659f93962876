"""Per-node host intent: what every GPU node's back-end NICs and NCCL must be set to.

The classic RoCE failure is a host whose QoS disagrees with its leaf: it trusts
PCP instead of DSCP, pauses the wrong priority, or lost its ``mlnx_qos`` state at
the last reboot (fabric.md 3.2). Everything here is derived from the *same*
``QosIntent`` object the switch templates format, so a host cannot drift from
its switch by construction. ``build_design`` computes every node's intent once,
after the site's node facts renamed its NICs (``Design.platform.hosts``); the
renderers only format these values, converting to host-side units themselves.

Sources: fabric.md 3.1 (per-port sequence, ToS 106 = DSCP 26 + ECT(0), NCCL
variables), 3.2b (per-NIC table + source rule against ARP flux), 3.4 (MTU).
NCCL defaults were read in NVIDIA/nccl ``src/transport/net_ib.cc``: adaptive
routing is on by default only for InfiniBand links, ``NCCL_IB_HCA`` takes ``=``
for exact names and ``NCCL_IB_QPS_PER_CONNECTION`` defaults to 1.
"""

from __future__ import annotations

import socket
from dataclasses import replace
from functools import lru_cache
from ipaddress import IPv4Network

from aiinfra.catalog import Catalog
from aiinfra.design.frozen import builder
from aiinfra.design.model import Design, Node, NodeNic, QosIntent
from aiinfra.design.platform import HostIntent, RailNicIntent
from aiinfra.errors import Diagnostic
from aiinfra.spec.node_facts import LoadedFacts, NodeFacts

# RoCEv2 over IPv4: GID 0/1 are the link-local RoCE v1/v2 entries, 2/3 the IPv4-mapped
# ones, so the IPv4 RoCEv2 GID is index 3 (fabric.md 3.1; AMD guide "in most cases for
# RoCEv2, the value should be set to 3"). roce-check verifies it per NIC on the live host.
ROCEV2_IPV4_GID_INDEX = 3
ROCE_MODE = "RoCE v2"

# QPs per connection by back-end load-balancing mode. With plain ECMP every QP is one
# 5-tuple (distinct UDP source port), so several QPs spread one connection over several
# paths (fabric.md 3.1 "QP scaling for ECMP entropy"). Flowlet DLB and per-packet spraying
# re-path inside a flow, so one QP is enough and more only adds NIC state.
QPS_PER_CONNECTION = {"ecmp": 4, "flowlet": 1, "per-packet": 1}
# Per-packet spraying delivers out of order; NCCL's adaptive-routing mode tolerates that
# and is off by default on RoCE, so it is switched on exactly for that mode.
ADAPTIVE_ROUTING = {"ecmp": 0, "flowlet": 0, "per-packet": 1}

# ARP flux fix for several NICs on one host (fabric.md 3.2b) plus loose reverse-path
# filtering: replies to the front-end /32 and per-NIC source routing are asymmetric,
# which strict rp_filter (1) would drop.
SYSCTLS: tuple[tuple[str, str], ...] = (
    ("net.ipv4.conf.all.arp_ignore", "2"),
    ("net.ipv4.conf.all.arp_announce", "1"),
    ("net.ipv4.conf.default.arp_ignore", "2"),
    ("net.ipv4.conf.default.arp_announce", "1"),
    ("net.ipv4.conf.all.rp_filter", "2"),
    ("net.ipv4.conf.default.rp_filter", "2"),
)

_rail_nic = builder(RailNicIntent)  # RailNicIntent(...) positionally, without the frozen __init__'s cost
_host = builder(HostIntent)


def backend_qos(design: Design) -> QosIntent:
    """The back-end QosIntent: the single source for both switches and hosts."""
    return design.qos["backend"]


def load_balancing(design: Design, node: Node) -> str:
    """The mode the node's rail leaves run; all back-end switches share it."""
    for nic in node.backend:
        device = design.devices.get(nic.switch)
        if device is not None:
            return device.load_balancing
    return "ecmp"


@lru_cache(maxsize=64)
def dscp_map(qos: QosIntent) -> tuple[tuple[int, int], ...]:
    """DSCP -> priority entries the NIC must hold: every RoCE DSCP and the CNP DSCP."""
    pairs = [(d, qos.nodrop_priority) for d in qos.roce_dscps] + [(qos.cnp_dscp, qos.cnp_priority)]
    return tuple(sorted(pairs))


def ipv4_gid(packed: bytes) -> str:
    """IPv4-mapped GID (``::ffff:a.b.c.d``) in the fully expanded form sysfs prints."""
    words = ["0000"] * 5 + ["ffff", packed[:2].hex(), packed[2:].hex()]
    return ":".join(words)


_LAST_OCTET = {str(i): f"{i:02x}" for i in range(256)}  # a canonical last octet -> its two hex digits
_GID_HEADS: dict[str, str] = {}  # "a.b.c" -> the GID of a.b.c.x without x's two hex digits
_MAX_GID_HEADS = 1 << 16


def gid_of(ip: str) -> str:
    """``ipv4_gid(socket.inet_aton(ip))``, worked out once per /24 for a plain ``a.b.c.d``.

    131k rail NICs at 131k GPUs share a few hundred /24s. The first three parts are parsed
    by ``inet_aton`` itself (as part of ``a.b.c.0``), so any address it accepts or refuses
    is treated as before; a last part that is not a plain decimal octet goes the whole way.
    """
    head, _, last = ip.rpartition(".")
    low = _LAST_OCTET.get(last)
    if low is None or head.count(".") != 2:
        return ipv4_gid(socket.inet_aton(ip))
    prefix = _GID_HEADS.get(head)
    if prefix is None:
        if len(_GID_HEADS) >= _MAX_GID_HEADS:
            _GID_HEADS.clear()
        prefix = _GID_HEADS[head] = ipv4_gid(socket.inet_aton(f"{head}.0"))[:-2]
    return prefix + low


def rail_intent(
    nic: NodeNic, qos: QosIntent, rdma_driver: str, dscp_pairs: tuple[tuple[int, int], ...] | None = None
) -> RailNicIntent:
    """One rail NIC's host settings. ``dscp_pairs`` is ``dscp_map(qos)``, passed in by callers
    that build thousands of these (hashing the QosIntent for the cache costs more than the map)."""
    ip = nic.address.partition("/")[0]  # the Design's addresses are valid CIDRs already
    return _rail_nic(  # positionally, in RailNicIntent's field order (131k of them at 131k GPUs)
        nic.index,  # rail
        nic.netdev,  # netdev
        nic.rdma_device,  # rdma_device
        rdma_driver,  # rdma_driver
        nic.address,  # address
        ip,  # ip
        nic.gateway,  # gateway
        nic.route_table,  # route_table
        nic.mtu,  # mtu
        nic.switch,  # switch
        nic.switch_interface,  # switch_interface
        "dscp",  # trust
        dscp_map(qos) if dscp_pairs is None else dscp_pairs,  # dscp_to_priority
        qos.nodrop_priority,  # pfc_priority
        qos.dcqcn,  # dcqcn
        (qos.nodrop_priority,) if qos.dcqcn else (),  # dcqcn_priorities
        qos.cnp_dscp,  # cnp_dscp
        qos.cnp_priority,  # cnp_priority
        qos.roce_dscp,  # roce_dscp
        qos.roce_tos,  # roce_tos
        ROCE_MODE,  # roce_mode
        ROCEV2_IPV4_GID_INDEX,  # gid_index
        gid_of(ip),  # gid
        qos.pause_8023x,  # pause_8023x
        nic.speed_gbps,  # speed_gbps
    )


def nccl_env(nics: tuple[RailNicIntent, ...], qos: QosIntent, mode: str) -> tuple[tuple[str, str], ...]:
    """NCCL/RCCL variables implied by the rails and the QoS contract (RCCL reads the same names).

    ``NCCL_IB_HCA`` lists the rail RDMA devices by exact name in rail order so NCCL never
    picks a front-end or storage port; ``NCCL_IB_TC`` is the same ToS byte the NIC
    programs, so NCCL's QPs land in the switch's no-drop class.
    """
    hcas = ",".join(f"{n.rdma_device}:1" for n in nics)
    return (
        ("NCCL_IB_HCA", f"={hcas}"),
        ("NCCL_IB_TC", str(qos.roce_tos)),
        ("NCCL_IB_GID_INDEX", str(ROCEV2_IPV4_GID_INDEX)),
        ("NCCL_IB_QPS_PER_CONNECTION", str(QPS_PER_CONNECTION[mode])),
        ("NCCL_IB_ADAPTIVE_ROUTING", str(ADAPTIVE_ROUTING[mode])),
    )


def host_intent(design: Design, node: Node, catalog: Catalog) -> HostIntent:
    """The host settings one node needs so that it matches its leaves."""
    return host_intents(design, catalog, [node])[node.name]


def host_intents(design: Design, catalog: Catalog, nodes: list[Node] | None = None) -> dict[str, HostIntent]:
    """:func:`host_intent` of every node (or of ``nodes``), by node name, in node order.

    What every node shares (the QoS contract's DSCP map, each NIC model's RDMA driver) is
    looked up once, not once per node or NIC: 16,384 nodes and 131k NICs at 131k GPUs.
    """
    qos = backend_qos(design)
    pairs = dscp_map(qos)
    drivers: dict[str, str] = {}
    envs: dict[tuple[str, ...], tuple[tuple[str, str], ...]] = {}  # nodes with the same rails share one
    out: dict[str, HostIntent] = {}
    gpu_pool = design.pools["backend.gpu"]
    for node in design.nodes if nodes is None else nodes:
        mode = load_balancing(design, node)
        nics = []
        for n in node.backend:
            driver = drivers.get(n.nic_model)
            if driver is None:
                driver = drivers[n.nic_model] = catalog.nics[n.nic_model].rdma_driver
            nics.append(rail_intent(n, qos, driver, pairs))
        rails = tuple(nics)
        env_key = (mode, *(n.rdma_device for n in rails))  # all nccl_env reads of the rails
        env = envs.get(env_key)
        if env is None:
            env = envs[env_key] = nccl_env(rails, qos, mode)
        # positionally, in HostIntent's field order (16,384 at 131k GPUs; pinned by a test):
        # node, load_balancing, nics, sysctls, nccl_env, gpu_pool
        out[node.name] = _host(node.name, mode, rails, SYSCTLS, env, gpu_pool)
    return out


# --- per-node facts -------------------------------------------------------------------


def _all_nics(node: Node) -> list[NodeNic]:
    return [*node.backend, *node.frontend, *node.storage]


def apply_node_facts(design: Design, loaded: LoadedFacts) -> list[Diagnostic]:
    """Attach site facts to the design's nodes and apply netdev/RDMA renames everywhere.

    A rename must reach the switch port descriptions and cabling sheet too, or the
    cabling team would label a cable with a name the host does not have; so links and
    leaf ports that point at the node's NIC are rewritten along with the node.
    Returns problems positioned in the facts file; nothing is applied when any exist.
    """
    problems: list[Diagnostic] = []
    nodes = {n.name: n for n in design.nodes}
    mgmt = IPv4Network(design.mgmt_network)
    taken = _mgmt_addresses(design)
    macs_seen: dict[str, str] = {}
    plans: list[tuple[Node, NodeFacts]] = []
    for name, facts in loaded.facts.nodes.items():
        where = ("nodes", name)
        node = nodes.get(name)
        if node is None:
            sample = ", ".join(sorted(nodes)[:3])
            problems.append(loaded.diagnostic(where, f"no node {name!r} in the design (nodes are named like {sample})"))
            continue
        problems += _check_renames(node, facts, loaded, where)
        final = {_renamed(n.netdev, facts.netdevs) for n in _all_nics(node)}
        for netdev, mac in facts.macs.items():
            if netdev not in final:
                problems.append(
                    loaded.diagnostic(
                        (*where, "macs", netdev),
                        f"{name} has no interface {netdev!r}; its NICs are {', '.join(sorted(final))}",
                    )
                )
            key = mac.lower()
            if key in macs_seen:
                problems.append(loaded.diagnostic((*where, "macs", netdev), f"MAC {mac} is also {macs_seen[key]}"))
            macs_seen[key] = f"{name} {netdev}"
        if facts.bmc_address is not None:
            ip = facts.bmc_address
            if ip not in mgmt:
                problems.append(
                    loaded.diagnostic((*where, "bmc_address"), f"{ip} is outside the management network {mgmt}")
                )
            elif str(ip) in taken and taken[str(ip)] != f"{name} BMC":
                problems.append(loaded.diagnostic((*where, "bmc_address"), f"{ip} is already {taken[str(ip)]}"))
        plans.append((node, facts))
    if problems:
        return problems
    for node, facts in plans:
        _apply(design, node, facts, mgmt.prefixlen)
    return []


def _renamed(name: str, renames: dict[str, str]) -> str:
    return renames.get(name, name)


def _check_renames(node: Node, facts: NodeFacts, loaded: LoadedFacts, where: tuple[str, ...]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for field, attr in (("netdevs", "netdev"), ("rdma_devices", "rdma_device")):
        renames: dict[str, str] = getattr(facts, field)
        current = [getattr(n, attr) for n in _all_nics(node) if getattr(n, attr)]
        for old in renames:
            if old not in current:
                out.append(
                    loaded.diagnostic(
                        (*where, field, old),
                        f"{node.name} has no {attr} {old!r} to rename; it has {', '.join(current)}",
                    )
                )
        final = [_renamed(c, renames) for c in current]
        dupes = sorted({f for f in final if final.count(f) > 1})
        if dupes:
            out.append(loaded.diagnostic((*where, field), f"renames give {node.name} two {attr}s named {dupes[0]!r}"))
    return out


def _mgmt_addresses(design: Design) -> dict[str, str]:
    taken = {d.mgmt_address.split("/")[0]: d.name for d in design.devices.values() if d.mgmt_address}
    for n in design.nodes:
        taken[n.mgmt_address.split("/")[0]] = n.name
        taken[n.bmc_address.split("/")[0]] = f"{n.name} BMC"
    taken[design.mgmt_gateway] = "the management gateway"
    return taken


def _apply(design: Design, node: Node, facts: NodeFacts, prefix: int) -> None:
    renames = facts.netdevs
    for nic in _all_nics(node):
        old = nic.netdev
        nic.netdev = _renamed(old, renames)
        nic.rdma_device = _renamed(nic.rdma_device, facts.rdma_devices)
        if nic.netdev != old:
            _rename_peers(design, node.name, old, nic.netdev)
    if facts.bmc_address is not None:
        node.bmc_address = f"{facts.bmc_address}/{prefix}"
    flat: dict[str, str] = {}
    if facts.serial:
        flat["serial"] = facts.serial
    if facts.bmc_mac:
        flat["bmc_mac"] = facts.bmc_mac.lower()
    for netdev, mac in facts.macs.items():
        flat[f"mac.{netdev}"] = mac.lower()
    if facts.root_device is not None:
        for key, value in facts.root_device.model_dump(exclude_none=True).items():
            flat[f"root.{key}"] = str(value).lower() if isinstance(value, bool) else str(value)
    node.facts = flat


def _rename_peers(design: Design, node: str, old: str, new: str) -> None:
    for i, link in enumerate(design.links):
        if link.a_device == node and link.a_interface == old:
            design.links[i] = replace(link, a_interface=new)
    for device in design.devices.values():
        for iface in device.interfaces:
            if iface.peer_device == node and iface.peer_interface == old:
                iface.peer_interface = new
                iface.description = iface.description.replace(f"{node} {old}", f"{node} {new}")

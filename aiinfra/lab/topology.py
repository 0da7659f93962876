"""The lab's plan: which namespaces, veth pairs, bridges and addresses a Design needs.

Pure data computed from the Design, with no side effects, so the naming and cabling
rules are unit-tested without root and every other lab module works from one plan.

What the lab addresses itself (everything else comes from the deployed configs):
  - management addresses, because Ansible needs them to reach a switch at all (the
    bootstrap a real network gets from ZTP or a console);
  - node NICs, because the lab plays the nodes, not the node playbooks.
Fabric ports of switches carry no address until the playbook deploys their config.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from ipaddress import IPv4Interface, IPv4Network

from aiinfra.design.model import Design, Device, Node, NodeNic
from aiinfra.lab import names
from aiinfra.lab.errors import LabError

FABRIC_KINDS = ("node-leaf", "leaf-spine", "spine-super-spine", "leaf-leaf")
CONTROLLER = "controller"
# A SONiC port before config_db.json is loaded has the kernel default MTU; the deployed
# PORT table raises it, which the MTU-sized pings in `verify` then prove.
LINUX_DEFAULT_MTU = 1500


@dataclass(frozen=True, slots=True)
class Port:
    """One end of a veth pair."""

    device: str
    namespace: str
    design_name: str
    ifname: str
    mtu: int
    address: str | None = None  # set by the lab itself (management, node NICs)


@dataclass(frozen=True, slots=True)
class Cable:
    """One cabled link of the design, or a management hop to the controller."""

    kind: str
    a: Port
    b: Port


@dataclass(slots=True)
class SwitchPlan:
    name: str
    os: str
    namespace: str
    pathspace: str
    mgmt: Port
    ports: dict[str, str] = field(default_factory=dict)  # design interface name -> kernel name

    @property
    def sonic(self) -> bool:
        return self.os == "sonic"


@dataclass(slots=True)
class NodePlan:
    name: str
    namespace: str
    nics: list[tuple[NodeNic, Port]] = field(default_factory=list)


@dataclass(slots=True)
class Bridge:
    namespace: str
    ifname: str
    members: list[str] = field(default_factory=list)
    address: str | None = None


@dataclass(slots=True)
class LabPlan:
    lab_id: str
    controller_namespace: str
    controller_address: str
    switches: dict[str, SwitchPlan]
    nodes: dict[str, NodePlan]
    cables: list[Cable]
    bridges: list[Bridge]

    def namespaces(self) -> list[str]:
        """Every namespace of the lab, controller first."""
        return [
            self.controller_namespace,
            *(s.namespace for s in self.switches.values()),
            *(n.namespace for n in self.nodes.values()),
        ]

    def ports_of(self, namespace: str) -> list[Port]:
        return [p for c in self.cables for p in (c.a, c.b) if p.namespace == namespace]


def plan_lab(design: Design, lab_id: str) -> LabPlan:
    """The complete lab for ``design``; raises LabError if it cannot be built."""
    controller_ns = names.controller_namespace(lab_id)
    controller_address = _controller_address(design)
    switches = {name: _switch_plan(d, lab_id) for name, d in design.devices.items()}
    nodes = {n.name: NodePlan(n.name, names.namespace(lab_id, n.name)) for n in design.nodes}
    if len(set(switches) | set(nodes)) != len(switches) + len(nodes):
        raise LabError("a node and a switch share a name; each needs its own namespace")
    cables: list[Cable] = []
    node_by_name = {n.name: n for n in design.nodes}
    for link in design.links:
        if link.kind in FABRIC_KINDS:
            cables.append(
                _fabric_cable(
                    design,
                    link.a_device,
                    link.a_interface,
                    link.b_device,
                    link.b_interface,
                    link.kind,
                    switches,
                    nodes,
                    node_by_name,
                    lab_id,
                )
            )
    bridges, mgmt_cables = _management(design, lab_id, switches, nodes, controller_ns, controller_address)
    cables += mgmt_cables
    plan = LabPlan(lab_id, controller_ns, controller_address, switches, nodes, cables, bridges)
    _check_unique_ifnames(plan)
    return plan


def _controller_address(design: Design) -> str:
    """The controller stands in for the site's OOB core, so it holds the mgmt gateway."""
    network = IPv4Network(design.mgmt_network)
    return f"{design.mgmt_gateway}/{network.prefixlen}"


def _switch_plan(device: Device, lab_id: str) -> SwitchPlan:
    ns = names.namespace(lab_id, device.name)
    mgmt = Port(
        device.name,
        ns,
        device.mgmt_interface,
        names.ifname(lab_id, device.mgmt_interface),
        LINUX_DEFAULT_MTU,
        device.mgmt_address,
    )
    return SwitchPlan(device.name, device.os, ns, names.pathspace(lab_id, device.name), mgmt)


def _switch_port(plan: SwitchPlan, device: Device, interface: str, lab_id: str) -> Port:
    iface = next((i for i in device.interfaces if i.name == interface), None)
    if iface is None:
        raise LabError(f"{device.name}: the cabling plan names {interface}, which the design does not define")
    mtu = LINUX_DEFAULT_MTU if plan.sonic else iface.mtu
    port = Port(device.name, plan.namespace, interface, names.ifname(lab_id, interface), mtu)
    plan.ports[interface] = port.ifname
    return port


def _fabric_cable(
    design: Design,
    a_device: str,
    a_interface: str,
    b_device: str,
    b_interface: str,
    kind: str,
    switches: dict[str, SwitchPlan],
    nodes: dict[str, NodePlan],
    node_by_name: dict[str, Node],
    lab_id: str,
) -> Cable:
    b = _switch_port(switches[b_device], design.devices[b_device], b_interface, lab_id)
    if a_device in switches:
        a = _switch_port(switches[a_device], design.devices[a_device], a_interface, lab_id)
        return Cable(kind, a, b)
    node = node_by_name.get(a_device)
    if node is None:
        raise LabError(f"link {a_device}:{a_interface} - {b_device}:{b_interface}: {a_device} is not in the design")
    nic = next((n for n in [*node.backend, *node.frontend, *node.storage] if n.netdev == a_interface), None)
    if nic is None:
        raise LabError(f"{a_device}: no NIC {a_interface} in the design for its link to {b_device}")
    plan = nodes[a_device]
    a = Port(a_device, plan.namespace, a_interface, names.ifname(lab_id, a_interface), nic.mtu, nic.address)
    plan.nics.append((nic, a))
    return Cable(kind, a, b)


def _management(
    design: Design,
    lab_id: str,
    switches: dict[str, SwitchPlan],
    nodes: dict[str, NodePlan],
    controller_ns: str,
    controller_address: str,
) -> tuple[list[Bridge], list[Cable]]:
    """The management LAN: switch and node mgmt ports through the OOB switches' bridges.

    Cabled management ports go to their OOB switch, whose access ports and first uplink
    form one bridge (the OOB switch's L2 forwarding, which must exist before anything
    can be deployed). Each OOB uplink ends at the controller, which stands in for the
    site OOB core. Management ports the design does not cable (the OOB switches' own)
    get a direct veth to the controller's bridge.
    """
    controller_bridge = Bridge(controller_ns, names.ifname(lab_id, "br-mgmt"), address=controller_address)
    bridges: dict[str, Bridge] = {}
    cables: list[Cable] = []
    cabled: set[tuple[str, str]] = set()
    node_mgmt = {n.name: n for n in design.nodes}
    for link in design.links:
        if link.kind == "mgmt" and link.b_device in switches:
            oob = switches[link.b_device]
            bridge = bridges.setdefault(oob.name, Bridge(oob.namespace, names.ifname(lab_id, "br-mgmt")))
            b = Port(
                oob.name, oob.namespace, link.b_interface, names.ifname(lab_id, link.b_interface), LINUX_DEFAULT_MTU
            )
            oob.ports[link.b_interface] = b.ifname
            bridge.members.append(b.ifname)
            a = _mgmt_end(link.a_device, link.a_interface, switches, nodes, node_mgmt, lab_id)
            if a is None:
                continue
            cabled.add((link.a_device, link.a_interface))
            cables.append(Cable("mgmt", a, b))
        elif link.kind == "oob-uplink" and link.a_device in switches:
            oob = switches[link.a_device]
            bridge = bridges.setdefault(oob.name, Bridge(oob.namespace, names.ifname(lab_id, "br-mgmt")))
            a = Port(
                oob.name, oob.namespace, link.a_interface, names.ifname(lab_id, link.a_interface), LINUX_DEFAULT_MTU
            )
            oob.ports[link.a_interface] = a.ifname
            uplink_name = f"up-{oob.name}-{link.a_interface}"
            b = Port(CONTROLLER, controller_ns, uplink_name, names.ifname(lab_id, uplink_name), LINUX_DEFAULT_MTU)
            # Only the first uplink of an OOB switch is bridged: a second would close an
            # L2 loop through the controller, and the lab runs no spanning tree.
            if not any(m in bridge.members for m in _uplinks(cables, oob.name)):
                bridge.members.append(a.ifname)
                controller_bridge.members.append(b.ifname)
            cables.append(Cable("oob-uplink", a, b))
    for sw in switches.values():
        if (sw.name, sw.mgmt.design_name) in cabled:
            continue
        direct = f"mgmt-{sw.name}"
        b = Port(CONTROLLER, controller_ns, direct, names.ifname(lab_id, direct), LINUX_DEFAULT_MTU)
        controller_bridge.members.append(b.ifname)
        cables.append(Cable("mgmt-direct", sw.mgmt, b))
    return [controller_bridge, *bridges.values()], cables


def _uplinks(cables: list[Cable], oob: str) -> list[str]:
    return [c.a.ifname for c in cables if c.kind == "oob-uplink" and c.a.device == oob]


def _mgmt_end(
    device: str,
    interface: str,
    switches: dict[str, SwitchPlan],
    nodes: dict[str, NodePlan],
    node_by_name: dict[str, Node],
    lab_id: str,
) -> Port | None:
    """The device end of a management cable: a switch's mgmt port or a node's mgmt/BMC port."""
    if device in switches:
        sw = switches[device]
        if interface != sw.mgmt.design_name:
            return Port(device, sw.namespace, interface, names.ifname(lab_id, interface), LINUX_DEFAULT_MTU)
        return sw.mgmt
    node = node_by_name.get(device)
    if node is None:
        return None
    # The BMC port is cabled but there is no BMC to emulate: the port exists, unaddressed.
    address = node.mgmt_address if interface != "bmc" else None
    return Port(device, nodes[device].namespace, interface, names.ifname(lab_id, interface), LINUX_DEFAULT_MTU, address)


def _check_unique_ifnames(plan: LabPlan) -> None:
    """Shortened names must still be unique within each namespace."""
    per_ns: Counter[tuple[str, str]] = Counter()
    for cable in plan.cables:
        for port in (cable.a, cable.b):
            per_ns[(port.namespace, port.ifname)] += 1
    for bridge in plan.bridges:
        per_ns[(bridge.namespace, bridge.ifname)] += 1
    clashes = sorted(f"{ns}: {ifname}" for (ns, ifname), count in per_ns.items() if count > 1)
    if clashes:
        raise LabError("interface names collide after shortening: " + ", ".join(clashes))


def mgmt_ip(address: str) -> str:
    """``192.168.0.13/24`` -> ``192.168.0.13``."""
    return str(IPv4Interface(address).ip)

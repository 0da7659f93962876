"""The Design as the objects of a DCIM/IPAM source of truth, independent of any one tool's API.

Every object has a natural key that comes from the Design's stable names (device name, interface name,
address), never a database id, so a second push finds what the first created and a growth step adds
only what is new. Site-owned facts (serials, MACs, disk hints) are not in the plan: the export never
overwrites what the site recorded, and ``aiinfra sot facts`` reads them back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netaddr import IPNetwork

from aiinfra.design.model import Design, InterfaceRole, PortMode

LOOPBACK = "loopback0"  # aiinfra's neutral name for the BGP router-id loopback (each OS spells its own)
NODE_ROLE = "gpu-node"


@dataclass(frozen=True, slots=True)
class SotDevice:
    name: str
    manufacturer: str
    model: str
    role: str
    platform: str | None  # the switch OS; None for a GPU node
    asn: int | None


@dataclass(frozen=True, slots=True)
class SotInterface:
    device: str
    name: str
    kind: str  # "physical" | "virtual" | "management"
    enabled: bool
    mtu: int | None
    description: str
    access_vlan: int | None = None  # an access port's untagged VLAN


@dataclass(frozen=True, slots=True)
class SotAddress:
    address: str  # "10.0.1.0/31"
    device: str
    interface: str
    primary: bool  # the device's management address


@dataclass(frozen=True, slots=True)
class SotPlan:
    location: str
    devices: list[SotDevice] = field(default_factory=list)
    interfaces: list[SotInterface] = field(default_factory=list)
    cables: list[tuple[str, str, str, str]] = field(default_factory=list)  # a device, a interface, b ...
    prefixes: dict[str, str] = field(default_factory=dict)  # prefix -> description
    addresses: list[SotAddress] = field(default_factory=list)
    vlans: dict[int, str] = field(default_factory=dict)  # VID -> name


def sot_plan(design: Design) -> SotPlan:
    """Devices (switches and GPU nodes), their interfaces, cables, prefixes, addresses, ASNs, VLANs."""
    plan = SotPlan(location=design.name)
    _switches(design, plan)
    _nodes(design, plan)
    known = {(i.device, i.name) for i in plan.interfaces}
    for link in design.links:
        a, b = (link.a_device, link.a_interface), (link.b_device, link.b_interface)
        if a in known and b in known:  # an uplink to the site's own core is not ours to record
            plan.cables.append((*a, *b))
    plan.prefixes[design.mgmt_network] = f"{design.name} management"
    for name, prefix in design.pools.items():
        plan.prefixes[prefix] = f"{design.name} {name}"
    for address in plan.addresses:  # every address needs a parent prefix (Nautobot 2+ requires one)
        if not any(IPNetwork(address.address).ip in IPNetwork(p) for p in plan.prefixes):
            plan.prefixes[str(IPNetwork(address.address).cidr)] = f"{design.name} {address.device}"
    plan.prefixes.update(dict(sorted(plan.prefixes.items())))
    return plan


def _switches(design: Design, plan: SotPlan) -> None:
    for device in design.devices.values():
        hardware = design.switch_models[device.model]
        plan.devices.append(
            SotDevice(
                name=device.name,
                manufacturer=hardware.vendor,
                model=hardware.model,
                role=f"{device.fabric}-{device.role}",
                platform=device.os,
                asn=device.bgp.asn if device.bgp else None,
            )
        )
        plan.interfaces.append(SotInterface(device.name, device.mgmt_interface, "management", True, None, "management"))
        plan.addresses.append(SotAddress(device.mgmt_address, device.name, device.mgmt_interface, primary=True))
        if device.loopback:
            plan.interfaces.append(SotInterface(device.name, LOOPBACK, "virtual", True, None, "router id"))
            plan.addresses.append(SotAddress(device.loopback, device.name, LOOPBACK, primary=False))
        if device.access_vlan is not None:
            plan.vlans[device.access_vlan] = f"{design.name}-oob-{device.access_vlan}"
        for i in device.interfaces:
            if i.role == InterfaceRole.MGMT or i.name == device.mgmt_interface:
                continue
            vlan = device.access_vlan if i.mode == PortMode.ACCESS else None
            plan.interfaces.append(SotInterface(device.name, i.name, "physical", i.enabled, i.mtu, i.description, vlan))
            if i.address:
                plan.addresses.append(SotAddress(i.address, device.name, i.name, primary=False))


def _nodes(design: Design, plan: SotPlan) -> None:
    """GPU nodes: their NICs with the rail addresses, and the management and BMC ports the OOB cables reach."""
    mgmt_ports: dict[str, list[str]] = {}
    for link in design.links:
        if link.kind == "mgmt" and link.a_device not in design.devices:
            mgmt_ports.setdefault(link.a_device, []).append(link.a_interface)
    for node in design.nodes:
        plan.devices.append(SotDevice(node.name, "aiinfra", node.model, NODE_ROLE, None, None))
        ports = mgmt_ports.get(node.name, [])
        for port in ports:
            plan.interfaces.append(SotInterface(node.name, port, "management", True, None, port))
        mgmt, bmc = _mgmt_names(ports)
        plan.addresses.append(SotAddress(node.mgmt_address, node.name, mgmt, primary=True))
        plan.addresses.append(SotAddress(node.bmc_address, node.name, bmc, primary=False))
        for nic in (*node.backend, *node.frontend, *node.storage):
            plan.interfaces.append(
                SotInterface(node.name, nic.netdev, "physical", True, nic.mtu, f"{nic.fabric} {nic.index}")
            )
            plan.addresses.append(SotAddress(nic.address, node.name, nic.netdev, primary=False))
        loopbacks = [a for a in (node.frontend_address, node.storage_address) if a]
        if loopbacks:
            plan.interfaces.append(SotInterface(node.name, "lo", "virtual", True, None, "routed host addresses"))
            plan.addresses.extend(SotAddress(a, node.name, "lo", primary=False) for a in loopbacks)


def _mgmt_names(ports: list[str]) -> tuple[str, str]:
    """(management, BMC) port names: the cabled ones where the Design names them, else aiinfra's defaults."""
    bmc = next((p for p in ports if p == "bmc"), "bmc")
    mgmt = next((p for p in ports if p != "bmc"), "mgmt0")
    if bmc not in ports or mgmt not in ports:
        raise ValueError(f"node management ports {ports} lack a BMC or a host management port")
    return mgmt, bmc

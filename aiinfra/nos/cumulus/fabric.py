"""The port-facing half of a Cumulus NVUE tree: interfaces, management ACL, bridge, QoS, routing.

Split from ``render.py`` to keep modules small; both build plain data that
``render.render`` dumps. Only selection and NVUE spelling happen here: every
number (headroom, ECN thresholds, watchdog timers, ASNs, paths) is the Design's,
converted to NVUE's units in ``units.py``.

Cumulus specifics kept here as data: the ACL rule layout, the OOB access VLAN and
NVUE's PFC-watchdog model (``polling-interval`` x ``robustness``; no restoration
timer: PFC comes back after one polling interval without pause frames).
"""

from __future__ import annotations

from typing import Any

from aiinfra.design.model import Device, Interface, QosIntent
from aiinfra.design.telemetry import TelemetryIntent
from aiinfra.nos.cumulus.units import cable_length_m, watchdog
from aiinfra.nos.frr.render import peer_groups
from aiinfra.nos.qosmaps import dscp_to_tc, priority_to_tc

# OOB access ports join br_default as access ports of the Design's OOB VLAN (``access_vlan``).
BRIDGE = "br_default"
MGMT_ACL = "MGMT-ACL"
SERVICES = (("tcp", 22), ("udp", 161))  # SSH, SNMP: the control-plane services the ACL guards
ACL_RULE_STEP = 10
DEFAULT = "default-global"
ON = "on"


def acl(cidrs: tuple[str, ...], telemetry: TelemetryIntent | None = None) -> dict[str, Any]:
    """Permit SSH, SNMP and gNMI from each allowed CIDR, then deny them from anywhere else.

    Only these services are matched, so the ACL cannot cut the switch off from
    anything else on eth0 (NTP replies, DNS, TACACS/RADIUS answers).
    """
    guarded = [*SERVICES, ("tcp", telemetry.gnmi_port)] if telemetry else list(SERVICES)
    rules: list[tuple[str, int, str | None, str]] = [
        (proto, port, cidr, "permit") for cidr in cidrs for proto, port in guarded
    ]
    rules += [(proto, port, None, "deny") for proto, port in guarded]
    out: dict[str, Any] = {}
    for n, (proto, port, source, action) in enumerate(rules, 1):
        ip: dict[str, Any] = {"protocol": proto}
        if source:
            ip["source-ip"] = source
        ip[proto] = {"dest-port": {str(port): {}}}
        out[str(n * ACL_RULE_STEP)] = {"match": {"ip": ip}, "action": {action: {}}}
    return {MGMT_ACL: {"type": "ipv4", "rule": out}}


def _access(device: Device) -> set[str]:
    return {i.name for i in device.interfaces if i.role in ("oob-access", "oob-uplink")}


def _adaptive(device: Device) -> set[str]:
    if device.load_balancing != "per-packet":
        return set()
    return {i.name for i in device.interfaces if i.role in ("uplink", "downlink")}


def _port(i: Interface, device: Device, access: set[str], adaptive: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "swp",
        "description": i.description,
        "link": {"mtu": i.mtu, "speed": f"{i.speed_gbps}G", "state": {"up" if i.enabled else "down": {}}},
    }
    if i.address:
        out["ip"] = {"address": {i.address: {}}}
    if i.name in access:
        out["bridge"] = {"domain": {BRIDGE: {"access": device.access_vlan}}}
    if i.lossless and device.qos is not None and i.headroom is not None:
        qos: dict[str, Any] = {"pfc": {"profile": i.headroom.name}}
        if device.qos.pfc_watchdog.enabled:
            qos["pfc-watchdog"] = {}
        out["qos"] = qos
    if i.name in adaptive:
        out["router"] = {"adaptive-routing": {"enable": ON}}
    return out


def interfaces(device: Device) -> dict[str, Any]:
    """eth0 in the mgmt VRF with the ACL, the loopback, breakout cages, then every port in cage order."""
    out: dict[str, Any] = {
        device.mgmt_interface: {
            "type": "eth",
            "description": "OOB management",
            "ip": {
                "vrf": "mgmt",
                "address": {device.mgmt_address: {}},
                "gateway": {device.mgmt_gateway: {}},
            },
            "acl": {MGMT_ACL: {"inbound": {"control-plane": {}}}},
        }
    }
    if device.loopback:
        out["lo"] = {"type": "loopback", "ip": {"address": {device.loopback: {}}}}
    for p in device.physical_ports:
        if p.ways > 1:  # NVUE sets ``link breakout`` on the cage
            out[p.name] = {"type": "swp", "link": {"breakout": {f"{p.ways}x": {}}}}
    access, adaptive = _access(device), _adaptive(device)
    for i in sorted(device.interfaces, key=lambda i: (i.physical_port, i.breakout_member)):
        out[i.name] = _port(i, device, access, adaptive)
    return out


def bridge(device: Device) -> dict[str, Any]:
    """br_default only where OOB access ports need it."""
    if not _access(device):
        return {}
    vlan = device.access_vlan
    return {"domain": {BRIDGE: {"type": "vlan-aware", "untagged": vlan, "vlan": {str(vlan): {}}}}}


def _pfc(qos: QosIntent, cable_length: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {"switch-priority": {str(qos.nodrop_priority): {}}, "tx": "enable", "rx": "enable"}
    if cable_length is not None:
        out["cable-length"] = cable_length
    return out


def qos(device: Device) -> dict[str, Any]:
    """RoCE lossless mode with every map spelled out, one PFC profile per headroom (cable length).

    IP packets are classified by DSCP (PCP only for non-IP), as in the RoCE override
    examples of the 5.14 QoS guide; every code point is listed, none left to defaults.
    NVUE sizes each profile's buffer from its cable length; the Design's headroom
    bytes are what that length was derived for.
    """
    q = device.qos
    assert q is not None
    classes = q.classes
    scheduler = {
        str(c.tc): {"mode": "strict"} if c.scheduling == "strict" else {"mode": "dwrr", "bw-percent": c.weight_pct}
        for c in classes
    }
    congestion = {
        str(c.tc): (
            {
                "ecn": "enable",
                "red": "disable",
                "min-threshold": q.ecn.min_bytes,
                "max-threshold": q.ecn.max_bytes,
                "probability": q.ecn.max_probability_pct,
            }
            if c.ecn
            else {"ecn": "disable"}
        )
        for c in classes
    }
    headrooms = {i.headroom.name: i.headroom for i in device.interfaces if i.headroom is not None}
    pfc = {DEFAULT: _pfc(q, None)}
    pfc.update({name: _pfc(q, cable_length_m(headrooms[name].cable_m)) for name in sorted(headrooms)})
    out: dict[str, Any] = {
        "roce": {"enable": ON, "mode": "lossless"},
        "mapping": {
            DEFAULT: {
                "trust": "both",
                "dscp": {str(d): {"switch-priority": sp} for d, sp in dscp_to_tc(q).items()},
            }
        },
        "egress-queue-mapping": {
            DEFAULT: {"switch-priority": {str(sp): {"traffic-class": tc} for sp, tc in priority_to_tc(q).items()}}
        },
        "egress-scheduler": {DEFAULT: {"traffic-class": scheduler}},
        "congestion-control": {DEFAULT: {"traffic-class": congestion}},
        "pfc": pfc,
    }
    if q.pfc_watchdog.enabled:  # a storm is declared after robustness polls (the Design's detection time)
        out["pfc-watchdog"] = watchdog(q.pfc_watchdog)
    return out


def _bgp_vrf(device: Device) -> dict[str, Any]:
    bgp = device.bgp
    assert bgp is not None
    groups: dict[str, Any] = {}
    neighbors: dict[str, Any] = {}
    for g in peer_groups(device):
        group: dict[str, Any] = {}
        if g.remote_asn is not None:
            group["remote-as"] = g.remote_asn
        if g.bfd:
            group["bfd"] = {"enable": ON}
        group["address-family"] = {"ipv4-unicast": {"enable": ON}}
        groups[g.name] = group
        for m in g.members:
            n: dict[str, Any] = {
                "peer-group": g.name,
                "type": "unnumbered" if bgp.unnumbered else "numbered",
                "description": m.neighbor.peer_device,
            }
            if g.remote_asn is None:
                n["remote-as"] = m.neighbor.remote_asn
            if m.neighbor.bfd and not g.bfd:
                n["bfd"] = {"enable": ON}
            neighbors[m.key] = n
    out: dict[str, Any] = {"enable": ON}
    if groups:
        out["peer-group"] = groups
    if neighbors:
        out["neighbor"] = neighbors
    ipv4: dict[str, Any] = {"enable": ON}
    if bgp.networks:
        ipv4["network"] = {prefix: {} for prefix in bgp.networks}
    ipv4["multipaths"] = {"ebgp": bgp.maximum_paths}
    out["address-family"] = {"ipv4-unicast": ipv4}
    if bgp.multipath_relax:
        out["path-selection"] = {"multipath": {"aspath-ignore": ON}}
    return out


def routing(device: Device) -> dict[str, Any]:
    """Global ``router`` (BGP AS, adaptive routing) and the default VRF's BGP and static routes."""
    out: dict[str, Any] = {}
    vrf_router: dict[str, Any] = {}
    if device.bgp is not None:
        router: dict[str, Any] = {
            "bgp": {"enable": ON, "autonomous-system": device.bgp.asn, "router-id": device.bgp.router_id}
        }
        if _adaptive(device):
            router["adaptive-routing"] = {"enable": ON}
        out["router"] = router
        vrf_router["bgp"] = _bgp_vrf(device)
    if device.static_routes:
        vrf_router["static"] = {r.prefix: {"via": {r.next_hop: {}}} for r in device.static_routes}
    if vrf_router:
        out["vrf"] = {"default": {"router": vrf_router}}
    return out

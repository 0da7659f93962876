"""Ports, subinterfaces and network-instances of an SR Linux 25.3.1 config, as data.

JSON as SR Linux's models shape it (RFC 7951, the form ``info from running`` in JSON and
JSON-RPC use): a member is qualified with its YANG module where the module changes
(``srl_nokia-interfaces:interface``, ``srl_nokia-bgp:bgp`` under ``protocols``).

- Every port is named by the Design (``ethernet-1/N``, a breakout member ``ethernet-1/N/M``);
  a broken-out cage carries ``breakout-mode`` (num-breakout-ports, breakout-port-speed).
- A routed port has subinterface 0 with its /31; ``system0.0`` holds the loopback.
- The management port ``mgmt0`` lives in network-instance ``mgmt`` (ip-vrf) with a default
  route to the Design's gateway; fabric ports and the loopback in ``default``.
- OOB access ports and uplinks are untagged bridged subinterfaces of one mac-vrf, the
  Design's OOB VLAN (``Device.access_vlan``) named after it.
"""

from __future__ import annotations

from typing import Any

from aiinfra.design.model import Device, Interface
from aiinfra.nos.srlinux import units

MGMT_VRF = "mgmt"
DEFAULT_VRF = "default"
LOOPBACK = "system0"
BRIDGED = ("oob-access", "oob-uplink")
# Subinterface types (identities of srl_nokia-interfaces), stated on every ethernet subinterface (mgmt0
# and system0 take none): the models' musts compare ``type`` with 'bridged', which an absent leaf fails.
ROUTED = "srl_nokia-interfaces:routed"
BRIDGED_TYPE = "srl_nokia-interfaces:bridged"


def subinterface_name(interface: str) -> str:
    """SR Linux names the one subinterface of a port ``<port>.0``."""
    return f"{interface}.0"


def oob_instance(device: Device) -> str:
    return f"oob-vlan{device.access_vlan}"


def _ipv4(address: str) -> dict[str, Any]:
    return {"admin-state": "enable", "address": [{"ip-prefix": address}]}


def _port(i: Interface, broken_out: bool, pause: bool | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": i.name,
        "description": i.description,
        "admin-state": "enable" if i.enabled else "disable",
        "mtu": i.mtu,
    }
    ethernet: dict[str, Any] = {}
    if not broken_out:  # a member's speed is its cage's breakout-port-speed
        ethernet["port-speed"] = units.speed(i.speed_gbps)
    if pause is not None and i.lossless:  # 802.3x pause: the Design's (always off where PFC runs)
        ethernet["flow-control"] = {"receive": pause, "transmit": pause}
    if ethernet:
        out["ethernet"] = ethernet
    if i.role in BRIDGED:
        out["subinterface"] = [
            {"index": 0, "type": BRIDGED_TYPE, "admin-state": "enable"}  # untagged: the port is not vlan-tagging
        ]
    elif i.address:
        out["subinterface"] = [
            {
                "index": 0,
                "type": ROUTED,
                "admin-state": "enable",
                "ip-mtu": units.ip_mtu(i.mtu),
                "ipv4": _ipv4(i.address),
            }
        ]
    return out


def interfaces(device: Device) -> list[dict[str, Any]]:
    """mgmt0, the breakout cages, every port in cage order, then system0."""
    out: list[dict[str, Any]] = [
        {
            "name": device.mgmt_interface,
            "description": "OOB management",
            "admin-state": "enable",
            "subinterface": [{"index": 0, "admin-state": "enable", "ipv4": _ipv4(device.mgmt_address)}],
        }
    ]
    cages = {p.number: p for p in device.physical_ports if p.ways > 1}
    for p in sorted(cages.values(), key=lambda p: p.number):
        out.append(
            {
                "name": p.name,
                "admin-state": "enable",
                "breakout-mode": {"num-breakout-ports": str(p.ways), "breakout-port-speed": units.speed(p.speed_gbps)},
            }
        )
    pause = device.qos.pause_8023x if device.qos is not None else None
    for i in sorted(device.interfaces, key=lambda i: (i.physical_port, i.breakout_member)):
        out.append(_port(i, i.physical_port in cages, pause))
    if device.loopback:
        out.append(
            {
                "name": LOOPBACK,
                "description": "router id and BGP source",
                "admin-state": "enable",
                "subinterface": [{"index": 0, "admin-state": "enable", "ipv4": _ipv4(device.loopback)}],
            }
        )
    return out


def _members(names: list[str]) -> list[dict[str, str]]:
    return [{"name": n} for n in names]


def network_instances(device: Device, protocols: dict[str, Any], routes: dict[str, Any]) -> list[dict[str, Any]]:
    """``mgmt`` always; ``default`` on a routed switch (with BGP and static routes); the OOB mac-vrf."""
    mgmt_gw = "mgmt-gateway"
    out: list[dict[str, Any]] = [
        {
            "name": MGMT_VRF,
            "type": "ip-vrf",
            "description": "OOB management",
            "admin-state": "enable",
            "interface": _members([subinterface_name(device.mgmt_interface)]),
            "srl_nokia-next-hop-groups:next-hop-groups": {
                "group": [{"name": mgmt_gw, "nexthop": [{"index": 0, "ip-address": device.mgmt_gateway}]}]
            },
            "srl_nokia-static-routes:static-routes": {"route": [{"prefix": "0.0.0.0/0", "next-hop-group": mgmt_gw}]},
        }
    ]
    routed = [subinterface_name(i.name) for i in device.interfaces if i.address and i.role not in BRIDGED]
    if device.loopback:
        routed.append(subinterface_name(LOOPBACK))
    if routed:
        default: dict[str, Any] = {
            "name": DEFAULT_VRF,
            "type": "default",
            "admin-state": "enable",
            "interface": _members(sorted(routed, key=_port_order)),
        }
        if device.bgp is not None:
            default["router-id"] = device.bgp.router_id
        if protocols:
            default["protocols"] = protocols
        default.update(routes)
        out.append(default)
    bridged = [subinterface_name(i.name) for i in device.interfaces if i.role in BRIDGED and i.enabled]
    if bridged:
        out.append(
            {
                "name": oob_instance(device),
                "type": "mac-vrf",
                "description": f"OOB VLAN {device.access_vlan}: access ports and uplinks",
                "admin-state": "enable",
                "interface": _members(sorted(bridged, key=_port_order)),
            }
        )
    return out


def _port_order(name: str) -> tuple[int | str, ...]:
    """ethernet-1/2/1.0 before ethernet-1/10.0: numbers compared as numbers."""
    return tuple(int(p) if p.isdigit() else p for p in name.replace(".", "/").replace("-", "/").split("/"))

"""SR Linux (JSON-RPC ``get``, state datastore): the acceptance state from SR Linux's own JSON.

``/system/lldp`` (interface > neighbor: system-name, port-id), the default
network-instance's ``protocols/bgp`` (neighbor: peer-address, session-state, peer-as,
afi-safi received-routes) and ``/interface`` (name, oper-state, mtu, ethernet port-speed
such as ``400G``).
"""

from __future__ import annotations

from typing import Any

from aiinfra.verify.collectors.values import as_int, gbps

LLDP = "/system/lldp"
BGP = "/network-instance[name=default]/protocols/bgp"
INTERFACES = "/interface"
COMMANDS = (LLDP, BGP, INTERFACES)


def collect(raw: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = {}
    if LLDP in raw:
        state["lldp"] = {
            i.get("name"): [{"device": n.get("system-name"), "port": n.get("port-id")} for n in i.get("neighbor", [])]
            for i in raw[LLDP].get("interface", [])
        }
    if BGP in raw:
        peers = {}
        for n in raw[BGP].get("neighbor", []):
            routes = [as_int(a.get("received-routes")) for a in n.get("afi-safi", [])]
            session = str(n.get("session-state", ""))
            peers[str(n.get("peer-address"))] = {
                "state": "Established" if session == "established" else session,
                "asn": as_int(n.get("peer-as")),
                "prefixes": sum(r for r in routes if r is not None) if routes else None,
            }
        state["bgp"] = peers
    if INTERFACES in raw:
        state["interfaces"] = state["speed"] = {
            i.get("name"): {
                "up": i.get("oper-state") == "up",
                "mtu": as_int(i.get("mtu")),
                "speed_gbps": gbps((i.get("ethernet") or {}).get("port-speed")),
            }
            for i in raw[INTERFACES].get("interface", [])
        }
    return state

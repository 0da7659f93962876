"""Junos (``| display json``): the acceptance state from Junos's own JSON.

Every leaf is ``[{"data": ...}]``. ``show lldp neighbors`` (lldp-local-port-id,
lldp-remote-system-name, lldp-remote-port-id), ``show bgp neighbor`` (peer-address with
``+179`` appended, peer-state, peer-as, bgp-rib received-prefix-count) and ``show
interfaces`` (physical-interface: name, oper-status, mtu, speed such as ``400Gbps``).
"""

from __future__ import annotations

from typing import Any

from aiinfra.verify.collectors.values import as_int, gbps

LLDP = "show lldp neighbors"
BGP = "show bgp neighbor"
INTERFACES = "show interfaces"
COMMANDS = (LLDP, BGP, INTERFACES)


def _data(node: dict[str, Any], key: str) -> Any:
    items = node.get(key) or [{}]
    return items[0].get("data") if isinstance(items, list) and isinstance(items[0], dict) else None


def _junos_list(out: dict[str, Any], outer: str, inner: str) -> list[dict[str, Any]]:
    return [row for block in out.get(outer, []) for row in block.get(inner, [])]


def collect(raw: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = {}
    if LLDP in raw:
        heard: dict[str, list[dict[str, Any]]] = {}
        for n in _junos_list(raw[LLDP], "lldp-neighbors-information", "lldp-neighbor-information"):
            heard.setdefault(str(_data(n, "lldp-local-port-id")), []).append(
                {"device": _data(n, "lldp-remote-system-name"), "port": _data(n, "lldp-remote-port-id")}
            )
        state["lldp"] = heard
    if BGP in raw:
        peers = {}
        for p in _junos_list(raw[BGP], "bgp-information", "bgp-peer"):
            address = str(_data(p, "peer-address")).split("+")[0]
            received = [as_int(_data(rib, "received-prefix-count")) for rib in p.get("bgp-rib", [])]
            peers[address] = {
                "state": _data(p, "peer-state"),
                "asn": as_int(_data(p, "peer-as")),
                "prefixes": sum(r for r in received if r is not None) if received else None,
            }
        state["bgp"] = peers
    if INTERFACES in raw:
        state["interfaces"] = state["speed"] = {
            str(_data(i, "name")): {
                "up": _data(i, "oper-status") == "up",
                "mtu": as_int(_data(i, "mtu")),
                "speed_gbps": gbps(_data(i, "speed")),
            }
            for i in _junos_list(raw[INTERFACES], "interface-information", "physical-interface")
        }
    return state

"""NX-OS (NX-API / ``| json``): the acceptance state from NX-OS's own JSON.

``show lldp neighbors detail`` (TABLE_nbor_detail > ROW_nbor_detail: l_port_id,
sys_name, port_id), ``show bgp ipv4 unicast summary`` (TABLE_vrf > ... > ROW_neighbor:
neighborid, neighboras, state, prefixreceived) and ``show interface`` (TABLE_interface >
ROW_interface: interface, state, eth_mtu, eth_bw in kb/s). A ROW_* is a dict when it
holds one entry and a list otherwise; NX-OS abbreviates ports as ``Eth1/1`` in LLDP,
which is expanded to the ``Ethernet1/1`` the Design names.
"""

from __future__ import annotations

from typing import Any

from aiinfra.verify.collectors.values import as_int

LLDP = "show lldp neighbors detail"
BGP = "show bgp ipv4 unicast summary"
INTERFACES = "show interface"
COMMANDS = (LLDP, BGP, INTERFACES)


def _rows(table: Any, row: str) -> list[dict[str, Any]]:
    value = (table or {}).get(row, [])
    return [value] if isinstance(value, dict) else list(value)


def _nx_port(name: str) -> str:
    return "Ethernet" + name[3:] if name.startswith("Eth") and not name.startswith("Ethernet") else name


def collect(raw: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = {}
    if LLDP in raw:
        heard: dict[str, list[dict[str, Any]]] = {}
        for r in _rows(raw[LLDP].get("TABLE_nbor_detail"), "ROW_nbor_detail"):
            heard.setdefault(_nx_port(str(r.get("l_port_id", ""))), []).append(
                {"device": r.get("sys_name"), "port": r.get("port_id")}
            )
        state["lldp"] = heard
    if BGP in raw:
        peers = {}
        for vrf in _rows(raw[BGP].get("TABLE_vrf"), "ROW_vrf"):
            for af in _rows(vrf.get("TABLE_af"), "ROW_af"):
                for saf in _rows(af.get("TABLE_saf"), "ROW_saf"):
                    for n in _rows(saf.get("TABLE_neighbor"), "ROW_neighbor"):
                        peers[str(n.get("neighborid"))] = {
                            "state": n.get("state"),
                            "asn": as_int(n.get("neighboras")),
                            "prefixes": as_int(n.get("prefixreceived")),
                        }
        state["bgp"] = peers
    if INTERFACES in raw:
        state["interfaces"] = state["speed"] = {
            str(r.get("interface")): {
                "up": r.get("state") == "up",
                "mtu": as_int(r.get("eth_mtu")),
                "speed_gbps": (as_int(r.get("eth_bw")) or 0) // 10**6 or None,
            }
            for r in _rows(raw[INTERFACES].get("TABLE_interface"), "ROW_interface")
        }
    return state

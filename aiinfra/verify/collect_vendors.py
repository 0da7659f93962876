"""Collectors for the OSes whose JSON is not FRR's or EOS's: NX-OS, Junos and SR Linux.

Each reads LLDP neighbours, BGP sessions and interfaces (state, MTU, speed), the
sections every OS reports the same way in its documented JSON:

- NX-OS (NX-API / ``| json``): ``show lldp neighbors detail`` (TABLE_nbor_detail >
  ROW_nbor_detail: l_port_id, sys_name, port_id), ``show bgp ipv4 unicast summary``
  (TABLE_vrf > ... > ROW_neighbor: neighborid, neighboras, state, prefixreceived) and
  ``show interface`` (TABLE_interface > ROW_interface: interface, state, eth_mtu, eth_bw
  in kb/s). A ROW_* is a dict when it holds one entry and a list otherwise; NX-OS
  abbreviates ports as ``Eth1/1`` in LLDP, which is expanded to the ``Ethernet1/1`` the
  Design names.
- Junos (``| display json``): every leaf is ``[{"data": ...}]``; ``show lldp neighbors``
  (lldp-local-port-id, lldp-remote-system-name, lldp-remote-port-id), ``show bgp
  neighbor`` (peer-address with ``+179`` appended, peer-state, peer-as, bgp-rib
  received-prefix-count) and ``show interfaces`` (physical-interface: name,
  oper-status, mtu, speed such as ``400Gbps``).
- SR Linux (JSON-RPC ``get``, state datastore): ``/system/lldp`` (interface > neighbor:
  system-name, port-id), the default network-instance's ``protocols/bgp`` (neighbor:
  peer-address, session-state, peer-as, afi-safi received-routes) and ``/interface``
  (name, oper-state, mtu, ethernet port-speed such as ``400G``).

PFC, ECN, error counters and optics are not read for these OSes yet, so those sections
stay absent and ``evaluate`` reports them as not collected.
"""

from __future__ import annotations

import re
from typing import Any

NXOS_LLDP = "show lldp neighbors detail"
NXOS_BGP = "show bgp ipv4 unicast summary"
NXOS_INTERFACES = "show interface"
JUNOS_LLDP = "show lldp neighbors"
JUNOS_BGP = "show bgp neighbor"
JUNOS_INTERFACES = "show interfaces"
SRL_LLDP = "/system/lldp"
SRL_BGP = "/network-instance[name=default]/protocols/bgp"
SRL_INTERFACES = "/interface"

SPEED = re.compile(r"^(\d+)\s*G")


def _rows(table: Any, row: str) -> list[dict[str, Any]]:
    value = (table or {}).get(row, [])
    return [value] if isinstance(value, dict) else list(value)


def _nx_port(name: str) -> str:
    return "Ethernet" + name[3:] if name.startswith("Eth") and not name.startswith("Ethernet") else name


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _gbps(text: Any) -> int | None:
    m = SPEED.match(str(text or ""))
    return int(m.group(1)) if m else None


def nxos(raw: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = {}
    if NXOS_LLDP in raw:
        heard: dict[str, list[dict[str, Any]]] = {}
        for r in _rows(raw[NXOS_LLDP].get("TABLE_nbor_detail"), "ROW_nbor_detail"):
            heard.setdefault(_nx_port(str(r.get("l_port_id", ""))), []).append(
                {"device": r.get("sys_name"), "port": r.get("port_id")}
            )
        state["lldp"] = heard
    if NXOS_BGP in raw:
        peers = {}
        for vrf in _rows(raw[NXOS_BGP].get("TABLE_vrf"), "ROW_vrf"):
            for af in _rows(vrf.get("TABLE_af"), "ROW_af"):
                for saf in _rows(af.get("TABLE_saf"), "ROW_saf"):
                    for n in _rows(saf.get("TABLE_neighbor"), "ROW_neighbor"):
                        peers[str(n.get("neighborid"))] = {
                            "state": n.get("state"),
                            "asn": _int(n.get("neighboras")),
                            "prefixes": _int(n.get("prefixreceived")),
                        }
        state["bgp"] = peers
    if NXOS_INTERFACES in raw:
        state["interfaces"] = state["speed"] = {
            str(r.get("interface")): {
                "up": r.get("state") == "up",
                "mtu": _int(r.get("eth_mtu")),
                "speed_gbps": (_int(r.get("eth_bw")) or 0) // 10**6 or None,
            }
            for r in _rows(raw[NXOS_INTERFACES].get("TABLE_interface"), "ROW_interface")
        }
    return state


def _data(node: dict[str, Any], key: str) -> Any:
    items = node.get(key) or [{}]
    return items[0].get("data") if isinstance(items, list) and isinstance(items[0], dict) else None


def _junos_list(out: dict[str, Any], outer: str, inner: str) -> list[dict[str, Any]]:
    return [row for block in out.get(outer, []) for row in block.get(inner, [])]


def junos(raw: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = {}
    if JUNOS_LLDP in raw:
        heard: dict[str, list[dict[str, Any]]] = {}
        for n in _junos_list(raw[JUNOS_LLDP], "lldp-neighbors-information", "lldp-neighbor-information"):
            heard.setdefault(str(_data(n, "lldp-local-port-id")), []).append(
                {"device": _data(n, "lldp-remote-system-name"), "port": _data(n, "lldp-remote-port-id")}
            )
        state["lldp"] = heard
    if JUNOS_BGP in raw:
        peers = {}
        for p in _junos_list(raw[JUNOS_BGP], "bgp-information", "bgp-peer"):
            address = str(_data(p, "peer-address")).split("+")[0]
            received = [_int(_data(rib, "received-prefix-count")) for rib in p.get("bgp-rib", [])]
            peers[address] = {
                "state": _data(p, "peer-state"),
                "asn": _int(_data(p, "peer-as")),
                "prefixes": sum(r for r in received if r is not None) if received else None,
            }
        state["bgp"] = peers
    if JUNOS_INTERFACES in raw:
        state["interfaces"] = state["speed"] = {
            str(_data(i, "name")): {
                "up": _data(i, "oper-status") == "up",
                "mtu": _int(_data(i, "mtu")),
                "speed_gbps": _gbps(_data(i, "speed")),
            }
            for i in _junos_list(raw[JUNOS_INTERFACES], "interface-information", "physical-interface")
        }
    return state


def srlinux(raw: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = {}
    if SRL_LLDP in raw:
        state["lldp"] = {
            i.get("name"): [{"device": n.get("system-name"), "port": n.get("port-id")} for n in i.get("neighbor", [])]
            for i in raw[SRL_LLDP].get("interface", [])
        }
    if SRL_BGP in raw:
        peers = {}
        for n in raw[SRL_BGP].get("neighbor", []):
            routes = [_int(a.get("received-routes")) for a in n.get("afi-safi", [])]
            session = str(n.get("session-state", ""))
            peers[str(n.get("peer-address"))] = {
                "state": "Established" if session == "established" else session,
                "asn": _int(n.get("peer-as")),
                "prefixes": sum(r for r in routes if r is not None) if routes else None,
            }
        state["bgp"] = peers
    if SRL_INTERFACES in raw:
        state["interfaces"] = state["speed"] = {
            i.get("name"): {
                "up": i.get("oper-state") == "up",
                "mtu": _int(i.get("mtu")),
                "speed_gbps": _gbps((i.get("ethernet") or {}).get("port-speed")),
            }
            for i in raw[SRL_INTERFACES].get("interface", [])
        }
    return state

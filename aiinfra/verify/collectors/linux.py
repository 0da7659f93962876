"""FRR and lldpd on Linux: what the FRR-based switch OSes run (SONiC's bgp and lldp
containers, Cumulus Linux) and what the emulated lab runs.

vtysh's ``show bgp summary json`` (peers keyed by address, or by interface when
unnumbered, with state, remoteAs and pfxRcd), ``lldpcli -f json0 show neighbors`` (json0
is lldpd's stable-structure JSON: every level a list) and ``ip -j link show`` (kernel
netdevs, operstate and mtu), plus the sysfs link speed in Mb/s. Ports are kernel names,
mapped to the Design's through ``names``.
"""

from __future__ import annotations

from typing import Any

BGP = "show bgp summary json"  # vtysh -c
LLDP = "lldpcli -f json0 show neighbors"
LINKS = "ip -j link show"
SPEED = "cat /sys/class/net/*/speed"  # collected as {ifname: Mb/s}
COMMANDS = (BGP, LLDP, LINKS, SPEED)

Names = dict[str, str]  # kernel or OS port name -> the Design's port name


def _rename(names: Names | None, port: str) -> str:
    return (names or {}).get(port, port)


def _frr_bgp(out: dict[str, Any]) -> dict[str, Any]:
    peers = (out.get("ipv4Unicast") or {}).get("peers") or {}
    return {
        key: {"state": p.get("state"), "asn": p.get("remoteAs"), "prefixes": p.get("pfxRcd")}
        for key, p in peers.items()
    }


def _json0_value(items: Any) -> Any:
    """json0 wraps every scalar as ``[{"value": ...}]``."""
    if isinstance(items, list) and items and isinstance(items[0], dict):
        return items[0].get("value")
    return None


def _lldpd(out: dict[str, Any], names: Names | None) -> dict[str, list[dict[str, Any]]]:
    heard: dict[str, list[dict[str, Any]]] = {}
    for lldp in out.get("lldp", []):
        for iface in lldp.get("interface", []):
            port = _rename(names, iface.get("name", ""))
            for chassis in iface.get("chassis", []):
                for p in iface.get("port", []):
                    ident = p.get("id", [{}])[0]
                    heard.setdefault(port, []).append(
                        {"device": _json0_value(chassis.get("name")), "port": ident.get("value")}
                    )
    return heard


def collect(raw: dict[str, Any], names: Names | None = None) -> dict[str, Any]:
    state: dict[str, Any] = {}
    if BGP in raw:
        state["bgp"] = _frr_bgp(raw[BGP])
    if LLDP in raw:
        state["lldp"] = _lldpd(raw[LLDP], names)
    if LINKS in raw:
        speeds = raw.get(SPEED, {})
        state["interfaces"] = {
            _rename(names, link["ifname"]): {
                "up": link.get("operstate") == "UP",
                "mtu": link.get("mtu"),
                "speed_gbps": speeds[link["ifname"]] // 1000 if link["ifname"] in speeds else None,
            }
            for link in raw[LINKS]
        }
        if SPEED in raw:
            state["speed"] = state["interfaces"]
    return state

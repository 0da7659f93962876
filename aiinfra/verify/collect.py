"""Turn each OS's own JSON show output into the neutral state ``evaluate`` reads.

A device's collected output is one JSON object, ``{show command: its JSON output}``,
exactly as the playbook (or the lab) ran them; the keys are the commands in
``COMMANDS``. Each collector reads only documented JSON, and fills a section only when
its command's output is present, so a section the OS cannot report stays absent (and
``evaluate`` says "not collected" rather than passing it).

- ``linux``: FRR and lldpd on Linux, which is what the FRR-based switch OSes run (SONiC's
  bgp and lldp containers, Cumulus Linux) and what the emulated lab runs:
  vtysh's ``show bgp summary json`` (peers keyed by address, or by interface when
  unnumbered, with state, remoteAs and pfxRcd), ``lldpcli -f json0 show neighbors``
  (json0 is lldpd's stable-structure JSON: every level a list) and ``ip -j link show``
  (kernel netdevs, operstate and mtu), plus the sysfs link speed in Mb/s.
- ``eos``: Arista EOS eAPI JSON, the field names ANTA reads (lldpNeighbors, the
  ``show ip bgp summary`` peers, ``show interfaces``, error counters, PHY FEC and DOM).
- ``nxos``, ``junos``, ``srlinux``: ``collect_vendors``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiinfra.verify import collect_vendors as vendors

LINUX_BGP = "show bgp summary json"  # vtysh -c
LINUX_LLDP = "lldpcli -f json0 show neighbors"
LINUX_LINKS = "ip -j link show"
LINUX_SPEED = "cat /sys/class/net/*/speed"  # collected as {ifname: Mb/s}

EOS_LLDP = "show lldp neighbors detail"
EOS_BGP = "show ip bgp summary"
EOS_INTERFACES = "show interfaces"
EOS_ERRORS = "show interfaces counters errors"
EOS_PHY = "show interfaces phy detail"
EOS_DOM = "show interfaces transceiver dom thresholds"

COMMANDS: dict[str, tuple[str, ...]] = {
    "linux": (LINUX_BGP, LINUX_LLDP, LINUX_LINKS, LINUX_SPEED),
    "eos": (EOS_LLDP, EOS_BGP, EOS_INTERFACES, EOS_ERRORS, EOS_PHY, EOS_DOM),
    "nxos": (vendors.NXOS_LLDP, vendors.NXOS_BGP, vendors.NXOS_INTERFACES),
    "junos": (vendors.JUNOS_LLDP, vendors.JUNOS_BGP, vendors.JUNOS_INTERFACES),
    "srlinux": (vendors.SRL_LLDP, vendors.SRL_BGP, vendors.SRL_INTERFACES),
}

# switch OS (the Design's Device.os) -> collector. The FRR-based OSes share Linux's.
COLLECTOR_OF = {
    "eos": "eos",
    "nxos": "nxos",
    "junos": "junos",
    "srlinux": "srlinux",
    "sonic": "linux",
    "cumulus": "linux",
    "frr": "linux",
}

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


def linux(raw: dict[str, Any], names: Names | None = None) -> dict[str, Any]:
    state: dict[str, Any] = {}
    if LINUX_BGP in raw:
        state["bgp"] = _frr_bgp(raw[LINUX_BGP])
    if LINUX_LLDP in raw:
        state["lldp"] = _lldpd(raw[LINUX_LLDP], names)
    if LINUX_LINKS in raw:
        speeds = raw.get(LINUX_SPEED, {})
        state["interfaces"] = {
            _rename(names, link["ifname"]): {
                "up": link.get("operstate") == "UP",
                "mtu": link.get("mtu"),
                "speed_gbps": speeds[link["ifname"]] // 1000 if link["ifname"] in speeds else None,
            }
            for link in raw[LINUX_LINKS]
        }
        if LINUX_SPEED in raw:
            state["speed"] = state["interfaces"]
    return state


def _eos_bgp(out: dict[str, Any]) -> dict[str, Any]:
    peers = ((out.get("vrfs") or {}).get("default") or {}).get("peers") or {}
    return {
        addr: {
            "state": p.get("peerState"),
            "asn": int(p["asn"]) if str(p.get("asn", "")).isdigit() else p.get("asn"),
            "prefixes": p.get("prefixReceived"),
        }
        for addr, p in peers.items()
    }


def _eos_lldp(out: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {
        port: [
            {"device": n.get("systemName"), "port": (n.get("neighborInterfaceInfo") or {}).get("interfaceId_v2")}
            for n in info.get("lldpNeighborInfo", [])
        ]
        for port, info in (out.get("lldpNeighbors") or {}).items()
    }


def _eos_counters(errors: dict[str, Any], phy: dict[str, Any]) -> dict[str, Any]:
    fec: dict[str, int] = {}
    for port, data in (phy.get("interfacePhyStatuses") or {}).items():
        values = [
            ((s.get("fec") or {}).get("uncorrectedCodewords") or {}).get("value") for s in data.get("phyStatuses", [])
        ]
        fec[port] = sum(v for v in values if isinstance(v, int))
    return {
        port: {"fcs": c.get("fcsErrors"), "symbol": c.get("symbolErrors"), "fec_uncorrectable": fec.get(port)}
        for port, c in (errors.get("interfaceErrorCounters") or {}).items()
    }


def _eos_dom(out: dict[str, Any]) -> dict[str, Any]:
    dom: dict[str, Any] = {}
    for port, data in (out.get("interfaces") or {}).items():
        params = data.get("parameters") or {}
        rx = params.get("rxPower") or {}
        threshold = rx.get("threshold") or {}
        temp = ((params.get("temperature") or {}).get("channels") or {}).get("-")
        dom[port] = {
            "rx_power_dbm": [v for _, v in sorted((rx.get("channels") or {}).items())],
            "rx_low_alarm_dbm": threshold.get("lowAlarm"),
            "rx_high_alarm_dbm": threshold.get("highAlarm"),
            "temperature_c": temp,
        }
    return dom


def eos(raw: dict[str, Any], names: Names | None = None) -> dict[str, Any]:
    state: dict[str, Any] = {}
    if EOS_LLDP in raw:
        state["lldp"] = _eos_lldp(raw[EOS_LLDP])
    if EOS_BGP in raw:
        state["bgp"] = _eos_bgp(raw[EOS_BGP])
    if EOS_INTERFACES in raw:
        state["interfaces"] = state["speed"] = {
            port: {
                "up": i.get("lineProtocolStatus") == "up",
                "mtu": i.get("mtu"),
                "speed_gbps": i["bandwidth"] // 10**9 if isinstance(i.get("bandwidth"), int) else None,
            }
            for port, i in (raw[EOS_INTERFACES].get("interfaces") or {}).items()
        }
    if EOS_ERRORS in raw and EOS_PHY in raw:
        state["counters"] = _eos_counters(raw[EOS_ERRORS], raw[EOS_PHY])
    if EOS_DOM in raw:
        state["optics"] = _eos_dom(raw[EOS_DOM])
    return state


def _renamed(reader: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[dict[str, Any], Names | None], Any]:
    """A collector whose OS names ports as the Design does (no kernel names to map)."""

    def collector(raw: dict[str, Any], names: Names | None = None) -> dict[str, Any]:
        return reader(raw)

    return collector


COLLECTORS: dict[str, Callable[[dict[str, Any], Names | None], dict[str, Any]]] = {
    "linux": linux,
    "eos": eos,
    "nxos": _renamed(vendors.nxos),
    "junos": _renamed(vendors.junos),
    "srlinux": _renamed(vendors.srlinux),
}


def state_of(os_name: str, raw: dict[str, Any], names: Names | None = None) -> dict[str, Any]:
    """The neutral state of one device of OS ``os_name``; KeyError names an OS without a collector."""
    return COLLECTORS[COLLECTOR_OF[os_name]](raw, names)

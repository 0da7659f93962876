"""Arista EOS 4.32 eAPI JSON: the field names ANTA reads (lldpNeighbors, the ``show ip bgp
summary`` peers, ``show interfaces``, error counters, PHY FEC and DOM).

``qos`` comes from the running configuration as text (``show running-config``), read with the
driver's own parse-back (``aiinfra.nos.eos.parser.port_qos``): per port, the ``qos profile``
its ``service-profile`` applies gives the PFC priorities (``priority-flow-control on`` and
each ``priority-flow-control priority N no-drop``), the watchdog (``priority-flow-control
pause watchdog``) and the ECN queues (``uc-tx-queue`` with ``random-detect ecn``). The
operational JSON is not read for it: only ECN's shape is confirmed (ANTA 1.10's
``VerifyInterfacesECNCounters`` reads ``show qos interfaces ecn counters queue`` as
``intfQueueCounters`` > port > ``queueCounters`` > queue > marked count), and no source
confirmed the JSON keys of ``show priority-flow-control`` (enabled priorities per port) or of
the PFC watchdog status (ANTA's ``VerifyInterfacesPFCCounters`` reads only ``show
priority-flow-control counters``: ``interfaceCounters`` > port > ``rxFrames``/``txFrames``).
So PFC, the watchdog and ECN are what the switch runs in its configuration. Reading it needs
ciscoconfparse2 (``pip install aiinfra[deploy]``); without it ``qos`` stays not collected.
"""

from __future__ import annotations

from typing import Any

from aiinfra.verify.collectors.values import running_config_qos

LLDP = "show lldp neighbors detail"
BGP = "show ip bgp summary"
INTERFACES = "show interfaces"
ERRORS = "show interfaces counters errors"
PHY = "show interfaces phy detail"
DOM = "show interfaces transceiver dom thresholds"
RUNNING = "show running-config"  # text, not JSON
JSON_COMMANDS = (LLDP, BGP, INTERFACES, ERRORS, PHY, DOM)
COMMANDS = (*JSON_COMMANDS, RUNNING)


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


def collect(raw: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = {}
    if LLDP in raw:
        state["lldp"] = _eos_lldp(raw[LLDP])
    if BGP in raw:
        state["bgp"] = _eos_bgp(raw[BGP])
    if INTERFACES in raw:
        state["interfaces"] = state["speed"] = {
            port: {
                "up": i.get("lineProtocolStatus") == "up",
                "mtu": i.get("mtu"),
                "speed_gbps": i["bandwidth"] // 10**9 if isinstance(i.get("bandwidth"), int) else None,
            }
            for port, i in (raw[INTERFACES].get("interfaces") or {}).items()
        }
    if ERRORS in raw and PHY in raw:
        state["counters"] = _eos_counters(raw[ERRORS], raw[PHY])
    if DOM in raw:
        state["optics"] = _eos_dom(raw[DOM])
    if RUNNING in raw:
        qos = running_config_qos("eos", raw[RUNNING])
        if qos is not None:
            state["qos"] = qos
    return state

"""Junos OS Evolved 23.4 (QFX5240): the acceptance state from Junos's own output.

JSON (``| display json``, every leaf ``[{"data": ...}]``, an XML attribute under
``attributes``):

- ``show lldp neighbors``: lldp-local-port-id, lldp-remote-system-name, lldp-remote-port-id;
- ``show bgp neighbor``: peer-address (``+179`` appended), peer-state, peer-as, bgp-rib
  received-prefix-count;
- ``show interfaces``: physical-interface name, oper-status, mtu, speed such as ``400Gbps``;
- ``show interfaces extensive``: per physical-interface, ``ethernet-mac-statistics``
  ``input-crc-errors`` (the CLI's "CRC/Align errors": frames with a bad FCS) and
  ``input-code-violations`` (PCS code/symbol errors), and ``ethernet-fec-statistics``
  ``fec_nccw_count`` (codewords FEC could not correct; underscores are Junos's own).
  Sources: czerwonk/junos_exporter ``pkg/features/interfaces/rpc.go`` (the
  get-interface-information structs), CiscoTestAutomation/genieparser
  ``src/genie/libs/parser/junos/show_interface.py`` (ShowInterfacesExtensive schema), and
  Juniper/py-junos-eznc ``lib/jnpr/junos/op/phyport.yml`` for the extensive RPC;
- ``show interfaces diagnostics optics``: per physical-interface ``optics-diagnostics`` with
  ``laser-rx-power-low-alarm-threshold-dbm``, ``laser-rx-power-high-alarm-threshold-dbm``,
  ``module-temperature`` (its ``junos:celsius`` attribute) and one
  ``optics-diagnostics-lane-values`` per lane (``lane-index``, ``laser-rx-optical-power-dbm``);
  a single-lane module reports ``laser-rx-optical-power-dbm`` on the module itself.
  Sources: czerwonk/junos_exporter ``pkg/features/interfacediagnostics/rpc.go``,
  Juniper/py-junos-eznc ``lib/jnpr/junos/op/intopticdiag.yml``
  (get-interface-optics-diagnostics-information).

Text: ``show configuration class-of-service`` (the committed ``[edit class-of-service]``
hierarchy), read with the driver's own parse-back (``aiinfra.nos.junos.parser.port_qos``),
which follows a port's congestion-notification profile, classifier, forwarding class
``pfc-priority`` and scheduler map as Junos does. The operational XML of ``show
class-of-service congestion-notification`` (which code points have PFC, whether the
watchdog runs) could not be confirmed, so PFC, the watchdog and ECN are what the switch
committed and bound to each port, not what the PFE reports.
"""

from __future__ import annotations

import re
from typing import Any

from aiinfra.nos.junos.parser import port_qos
from aiinfra.nos.junos.syntax import JunosSyntaxError, parse
from aiinfra.verify.collectors.values import as_int, gbps, qos_by_check

LLDP = "show lldp neighbors"
BGP = "show bgp neighbor"
INTERFACES = "show interfaces"
EXTENSIVE = "show interfaces extensive"
OPTICS = "show interfaces diagnostics optics"
COS = "show configuration class-of-service"  # text, not JSON
COMMANDS = (LLDP, BGP, INTERFACES, EXTENSIVE, OPTICS, COS)
JSON_COMMANDS = COMMANDS[:-1]
NUMBER = re.compile(r"^\s*(-?\s*(?:inf|\d+(?:\.\d+)?))", re.IGNORECASE)


def _item(node: dict[str, Any], key: str) -> dict[str, Any]:
    items = node.get(key) or [{}]
    return items[0] if isinstance(items, list) and isinstance(items[0], dict) else {}


def _data(node: dict[str, Any], key: str) -> Any:
    return _item(node, key).get("data")


def _number(value: Any) -> float | None:
    """A dBm or Celsius reading: ``-2.35``, ``- Inf`` (a dark lane), ``39 degrees C / ...``."""
    m = NUMBER.match(str(value if value is not None else ""))
    return float(m.group(1).replace(" ", "")) if m else None


def _junos_list(out: dict[str, Any], outer: str, inner: str) -> list[dict[str, Any]]:
    return [row for block in out.get(outer, []) for row in block.get(inner, [])]


def _physical(out: dict[str, Any]) -> list[dict[str, Any]]:
    return _junos_list(out, "interface-information", "physical-interface")


def _counters(out: dict[str, Any]) -> dict[str, Any]:
    counters = {}
    for i in _physical(out):
        mac, fec = _item(i, "ethernet-mac-statistics"), _item(i, "ethernet-fec-statistics")
        counters[str(_data(i, "name"))] = {
            "fcs": as_int(_data(mac, "input-crc-errors")),
            "symbol": as_int(_data(mac, "input-code-violations")),
            "fec_uncorrectable": as_int(_data(fec, "fec_nccw_count")),
        }
    return counters


def _optics(out: dict[str, Any]) -> dict[str, Any]:
    dom = {}
    for i in _physical(out):
        diag = _item(i, "optics-diagnostics")
        if not diag:
            continue
        lanes = sorted(
            diag.get("optics-diagnostics-lane-values", []), key=lambda x: as_int(_data(x, "lane-index")) or 0
        )
        rx = [_number(_data(lane, "laser-rx-optical-power-dbm")) for lane in lanes] or [
            _number(_data(diag, "laser-rx-optical-power-dbm"))
        ]
        temp = _item(diag, "module-temperature")
        dom[str(_data(i, "name"))] = {
            "rx_power_dbm": [v for v in rx if v is not None],
            "rx_low_alarm_dbm": _number(_data(diag, "laser-rx-power-low-alarm-threshold-dbm")),
            "rx_high_alarm_dbm": _number(_data(diag, "laser-rx-power-high-alarm-threshold-dbm")),
            "temperature_c": _number((temp.get("attributes") or {}).get("junos:celsius", temp.get("data"))),
        }
    return dom


def _qos(text: Any) -> dict[str, Any] | None:
    """The qos section from the committed class-of-service text; None when it does not parse."""
    try:
        ports = port_qos(parse(str(text)))
    except JunosSyntaxError:
        return None
    return qos_by_check(ports)


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
            for i in _physical(raw[INTERFACES])
        }
    if EXTENSIVE in raw:
        state["counters"] = _counters(raw[EXTENSIVE])
    if OPTICS in raw:
        state["optics"] = _optics(raw[OPTICS])
    if COS in raw:
        qos = _qos(raw[COS])
        if qos is not None:
            state["qos"] = qos
    return state

"""NVIDIA Cumulus Linux 5.14: FRR and lldpd as on every FRR-based switch (:mod:`linux`), plus
what NVUE reports (``nv show ... -o json``, the NVUE object model's keys).

- ``qos`` from the applied configuration (``--applied``, NVUE CLI 5.14: "shows configuration
  applied with nv config apply"), whose JSON is the object model of NVUE's own schema
  (nvueschema ``v5_14``): a port's PFC priorities are the ``switch-priority`` keys of the
  ``qos pfc`` profile its ``qos pfc profile`` names, ``default-global`` when it names none
  (5.14 QoS guide: the default profile applies to all ports, port groups override it); the
  watchdog is armed where the port has ``qos pfc-watchdog`` with ``state`` other than
  ``disable`` (``nv set interface <if> qos pfc-watchdog`` enables it); ECN is on the traffic
  classes whose ``ecn`` is ``enable`` in the ``qos congestion-control`` profile the port uses
  (``default-global`` unless ``qos congestion-control profile`` names another);
- ``counters``: ``link phy-detail`` per port (``symbol-errors``; ``effective-errors``, which the
  5.14 guide equates with uncorrected FEC errors) and the operational ``link stats``
  ``in-errors`` of ``nv show interface -o json``, every errored frame received, FCS errors
  among them, standing for ``fcs`` (NVUE's JSON key for its "FCS Errors" row was not
  confirmed). ``phy-detail`` is one command per port: collected as ``{port: output}``;
- ``optics`` from ``nv show platform transceiver detail -o json`` (5.11+): per front-panel port
  ``channel.channel-<N>.rx-power`` with ``power`` ("0.86 mW / -0.64 dBm"),
  ``low-alarm-threshold`` and ``high-alarm-threshold`` ("-13.31 dBm") and
  ``temperature.temperature`` ("42.56 C"). A breakout port (``swp1s0``) reads its cage's
  module (``swp1``): the transceiver commands list front-panel ports only.

NVUE names ports as the kernel and the Design do (``swp1s0``).
"""

from __future__ import annotations

import re
from typing import Any

from aiinfra.verify.collectors import linux
from aiinfra.verify.collectors.values import as_int

QOS = "nv show qos --applied -o json"
INTERFACES_APPLIED = "nv show interface --applied -o json"
INTERFACES = "nv show interface -o json"
PHY = "nv show interface <port> link phy-detail -o json"  # collected as {port: output}
TRANSCEIVERS = "nv show platform transceiver detail -o json"
COMMANDS = (*linux.COMMANDS, QOS, INTERFACES_APPLIED, INTERFACES, PHY, TRANSCEIVERS)

DEFAULT = "default-global"
CHANNEL = re.compile(r"^channel-(\d+)$")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?|-inf")
SUBPORT = re.compile(r"^(swp\d+)s\d+$")

Names = linux.Names


def _profile(port_qos: dict[str, Any], section: str) -> str:
    return str((port_qos.get(section) or {}).get("profile") or DEFAULT)


def qos(applied_qos: dict[str, Any], applied_interfaces: dict[str, Any]) -> dict[str, Any]:
    pfc_profiles = applied_qos.get("pfc") or {}
    ecn_profiles = applied_qos.get("congestion-control") or {}
    pfc: dict[str, list[int]] = {}
    watchdog: dict[str, bool] = {}
    ecn: dict[str, list[int]] = {}
    for port, iface in applied_interfaces.items():
        port_qos = iface.get("qos") or {}
        priorities = (pfc_profiles.get(_profile(port_qos, "pfc")) or {}).get("switch-priority") or {}
        pfc[port] = sorted(int(p) for p in priorities if str(p).isdigit())
        wd = port_qos.get("pfc-watchdog")
        watchdog[port] = isinstance(wd, dict) and wd.get("state", "enable") != "disable"
        classes = (ecn_profiles.get(_profile(port_qos, "congestion-control")) or {}).get("traffic-class") or {}
        ecn[port] = sorted(int(tc) for tc, c in classes.items() if str(tc).isdigit() and c.get("ecn") == "enable")
    return {"pfc": pfc, "watchdog": watchdog, "ecn": ecn}


def counters(interfaces: dict[str, Any], phy: dict[str, Any]) -> dict[str, Any]:
    return {
        port: {
            "fcs": as_int(((interfaces.get(port) or {}).get("link") or {}).get("stats", {}).get("in-errors")),
            "symbol": as_int(detail.get("symbol-errors")),
            "fec_uncorrectable": as_int(detail.get("effective-errors")),
        }
        for port, detail in phy.items()
    }


def _number(text: Any) -> float | None:
    """The last number of an NVUE reading: ``-0.64`` of "0.8625 mW / -0.64 dBm"."""
    found = NUMBER.findall(str(text if text is not None else ""))
    return float(found[-1]) if found else None


def _module(data: dict[str, Any]) -> dict[str, Any]:
    lanes = []
    low = high = None
    for name, channel in (data.get("channel") or {}).items():
        m = CHANNEL.match(name)
        rx = (channel or {}).get("rx-power") or {}
        power = _number(rx.get("power"))
        if m and power is not None:
            lanes.append((int(m.group(1)), power))
            low = _number(rx.get("low-alarm-threshold")) if low is None else low
            high = _number(rx.get("high-alarm-threshold")) if high is None else high
    return {
        "rx_power_dbm": [p for _, p in sorted(lanes)],
        "rx_low_alarm_dbm": low,
        "rx_high_alarm_dbm": high,
        "temperature_c": _number((data.get("temperature") or {}).get("temperature")),
    }


def optics(transceivers: dict[str, Any], ports: list[str]) -> dict[str, Any]:
    modules = {port: _module(data) for port, data in transceivers.items() if isinstance(data, dict)}
    for port in ports:
        m = SUBPORT.match(port)
        if port not in modules and m and m.group(1) in modules:
            modules[port] = modules[m.group(1)]
    return modules


def collect(raw: dict[str, Any], names: Names | None = None) -> dict[str, Any]:
    state = linux.collect(raw, names)
    if QOS in raw and INTERFACES_APPLIED in raw:
        state["qos"] = qos(raw[QOS], raw[INTERFACES_APPLIED])
    if INTERFACES in raw and PHY in raw:
        state["counters"] = counters(raw[INTERFACES], raw[PHY])
    if TRANSCEIVERS in raw:
        state["optics"] = optics(raw[TRANSCEIVERS], sorted(raw.get(INTERFACES) or {}))
    return state

"""SONiC 202411: FRR and lldpd as on every FRR-based switch (:mod:`linux`), plus what only
SONiC's own databases hold.

- ``qos`` from the running CONFIG_DB (``sonic-cfggen -d --print-data``), the tables the SONiC
  YANG models of 202411 define: ``PORT_QOS_MAP|<port>`` ``pfc_enable`` (``"3"`` or ``"3,4"``,
  sonic-port-qos-map.yang), ``PFC_WD|<port>`` rows with a ``detection_time`` (sonic-pfcwd.yang;
  ``GLOBAL`` is the poll interval, not a port), and ``QUEUE|<port>|<q or a-b>`` ``wred_profile``
  naming a ``WRED_PROFILE`` whose ``ecn`` is not ``ecn_none`` (sonic-queue.yang,
  sonic-wred-profile.yang: ``ecn_none`` is the default). The task file keeps only those four
  tables of the output: CONFIG_DB also holds the TACACS passkey and SNMP secrets;
- ``counters`` from sonic-utilities' ``portstat`` JSON (``-j``; ``-r`` reads the counters
  since boot, not since a ``sonic-clear counters``, and prints no "Last cached" line before
  the JSON): ``-e`` gives ``RX_ERR`` (SAI_PORT_STAT_IF_IN_ERRORS, every errored frame received,
  FCS errors among them, so it stands for ``fcs``: zero RX errors means zero FCS errors),
  ``-f`` gives ``FEC_SYMBOL_ERR`` and ``FEC_UNCORR``
  (SAI_PORT_STAT_IF_IN_FEC_SYMBOL_ERRORS, ..._NOT_CORRECTABLE_FRAMES). Values are text with
  thousands commas, ``N/A`` where the ASIC lacks the counter;
- ``optics`` from STATE_DB through ``sonic-db-dump -n STATE_DB -y -k '<TABLE>|*'``
  (``{key: {"type": "hash", "value": {field: value}}}``): xcvrd's ``TRANSCEIVER_DOM_SENSOR``
  (``rx<N>power`` dBm per lane, ``temperature`` C) and ``TRANSCEIVER_DOM_THRESHOLD``
  (``rxpowerlowalarm``, ``rxpowerhighalarm`` dBm).

SONiC names ports as the Design does (``Ethernet0``) in every one of these, so only the
kernel-facing commands of :mod:`linux` go through ``names``.
"""

from __future__ import annotations

import re
from typing import Any

from aiinfra.verify.collectors import linux
from aiinfra.verify.collectors.values import as_float, as_int

CONFIG_DB = "sonic-cfggen -d --print-data"
ERRORS = "portstat -r -j -e"
FEC = "portstat -r -j -f"
DOM = "sonic-db-dump -n STATE_DB -y -k TRANSCEIVER_DOM_SENSOR|*"
DOM_THRESHOLDS = "sonic-db-dump -n STATE_DB -y -k TRANSCEIVER_DOM_THRESHOLD|*"
COMMANDS = (*linux.COMMANDS, CONFIG_DB, ERRORS, FEC, DOM, DOM_THRESHOLDS)

NO_ECN = "ecn_none"
LANE = re.compile(r"^rx(\d+)power$")

Names = linux.Names


def _priorities(text: Any) -> list[int]:
    return sorted(int(p) for p in str(text or "").split(",") if p.strip().isdigit())


def _queues(index: str) -> list[int]:
    """``3`` or ``3-4`` (sonic-queue.yang's qindex) as queue numbers."""
    first, _, last = index.partition("-")
    if not first.isdigit() or (last and not last.isdigit()):
        return []
    return list(range(int(first), int(last or first) + 1))


def qos(config_db: dict[str, Any]) -> dict[str, Any]:
    """PFC priorities, watchdog and ECN queues per port, read from the running CONFIG_DB."""
    pfc = {
        port: _priorities(row.get("pfc_enable"))
        for port, row in (config_db.get("PORT_QOS_MAP") or {}).items()
        if port != "global" and row.get("pfc_enable")
    }
    rows = config_db.get("PFC_WD") or {}
    watchdog = {port: True for port, row in rows.items() if port != "GLOBAL" and row.get("detection_time")}
    profiles = config_db.get("WRED_PROFILE") or {}
    ecn: dict[str, list[int]] = {}
    for key, row in (config_db.get("QUEUE") or {}).items():
        port, _, index = key.partition("|")
        profile = profiles.get(row.get("wred_profile", ""), {})
        if row.get("wred_profile") and profile.get("ecn", NO_ECN) != NO_ECN:
            ecn[port] = sorted(set(ecn.get(port, [])) | set(_queues(index)))
    return {"pfc": pfc, "watchdog": watchdog, "ecn": ecn}


def _count(text: Any) -> int | None:
    return as_int(str(text).replace(",", "")) if text is not None else None


def counters(errors: dict[str, Any], fec: dict[str, Any]) -> dict[str, Any]:
    return {
        port: {
            "fcs": _count(row.get("RX_ERR")),
            "symbol": _count((fec.get(port) or {}).get("FEC_SYMBOL_ERR")),
            "fec_uncorrectable": _count((fec.get(port) or {}).get("FEC_UNCORR")),
        }
        for port, row in errors.items()
    }


def _hashes(dump: dict[str, Any], table: str) -> dict[str, dict[str, Any]]:
    """sonic-db-dump's ``{"TABLE|port": {"type": "hash", "value": {...}}}`` as ``{port: {...}}``."""
    prefix = f"{table}|"
    return {key[len(prefix) :]: entry.get("value") or {} for key, entry in dump.items() if key.startswith(prefix)}


def optics(sensors: dict[str, Any], thresholds: dict[str, Any]) -> dict[str, Any]:
    limits = _hashes(thresholds, "TRANSCEIVER_DOM_THRESHOLD")
    out: dict[str, Any] = {}
    for port, fields in _hashes(sensors, "TRANSCEIVER_DOM_SENSOR").items():
        lanes = sorted((int(m.group(1)), as_float(v)) for f, v in fields.items() if (m := LANE.match(f)))
        limit = limits.get(port, {})
        out[port] = {
            "rx_power_dbm": [v for _, v in lanes if v is not None],
            "rx_low_alarm_dbm": as_float(limit.get("rxpowerlowalarm")),
            "rx_high_alarm_dbm": as_float(limit.get("rxpowerhighalarm")),
            "temperature_c": as_float(fields.get("temperature")),
        }
    return out


def collect(raw: dict[str, Any], names: Names | None = None) -> dict[str, Any]:
    state = linux.collect(raw, names)
    if CONFIG_DB in raw:
        state["qos"] = qos(raw[CONFIG_DB])
    if ERRORS in raw and FEC in raw:
        state["counters"] = counters(raw[ERRORS], raw[FEC])
    if DOM in raw and DOM_THRESHOLDS in raw:
        state["optics"] = optics(raw[DOM], raw[DOM_THRESHOLDS])
    return state

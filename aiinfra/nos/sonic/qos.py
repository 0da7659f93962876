"""SONiC 202411 CONFIG_DB QoS tables of a switch with a lossless RoCE class, built as data.

Our own maps (``AIINFRA``: the stock AZURE map puts DSCP 26 in lossy TC1, fabric.md 2.4),
bound to every RoCE port in PORT_QOS_MAP with PFC on the Design's no-drop priority;
schedulers per class, one WRED profile marking ECN on the classes that ask for it, the
static buffer model (buffers.py says why) and the PFC watchdog. Units: units.py.
"""

from __future__ import annotations

from typing import Any

from aiinfra.design.model import Device, QosIntent, SwitchHardware
from aiinfra.nos.sonic import units
from aiinfra.nos.sonic.buffers import CABLE_TABLE, Buffers, buffers
from aiinfra.render.switches.qosmaps import PRIORITIES, dscp_to_tc

Table = dict[str, Any]
MAP_NAME = "AIINFRA"
WRED_PROFILE = "AIINFRA_ROCE"
LOSSY_PG = 0  # SONiC convention: every lossy TC shares priority group 0 (qos_config.j2)
COLORS = ("green", "yellow", "red")
COUNTERS = ("PFCWD", "QUEUE", "WRED_ECN_QUEUE")  # FLEX_COUNTER_TABLE groups the checks read


def tc_to_pg(qos: QosIntent) -> dict[int, int]:
    """Lossless classes keep their own priority group (PFC pauses per PG); the rest share the lossy PG."""
    lossless = {c.tc for c in qos.classes if c.lossless}
    return {tc: tc if tc in lossless else LOSSY_PG for tc in PRIORITIES}


def _map(pairs: dict[int, int]) -> Table:
    return {MAP_NAME: {str(k): str(v) for k, v in pairs.items()}}


def map_tables(qos: QosIntent, roce_ports: list[str]) -> Table:
    """DSCP -> TC -> queue and PG, paused priority -> queue and PG; bound per RoCE port."""
    identity = {p: p for p in PRIORITIES}
    pfc = units.pfc_enable(qos)
    bound = {
        "dscp_to_tc_map": MAP_NAME,
        "tc_to_queue_map": MAP_NAME,
        "tc_to_pg_map": MAP_NAME,
        "pfc_to_queue_map": MAP_NAME,
        "pfc_to_pg_map": MAP_NAME,
        "pfc_enable": pfc,
    }
    return {
        "DSCP_TO_TC_MAP": _map(dscp_to_tc(qos)),
        "TC_TO_QUEUE_MAP": _map(identity),
        "TC_TO_PRIORITY_GROUP_MAP": _map(tc_to_pg(qos)),
        "MAP_PFC_PRIORITY_TO_QUEUE": _map(identity),
        "PFC_PRIORITY_TO_PRIORITY_GROUP_MAP": _map({qos.nodrop_priority: qos.nodrop_priority}),
        "PORT_QOS_MAP": {"global": {"dscp_to_tc_map": MAP_NAME}, **{p: dict(bound) for p in roce_ports}},
    }


def scheduler_tables(qos: QosIntent, roce_ports: list[str]) -> Table:
    """One scheduler per class, the ECN profile, and each RoCE port's queues wired to both."""
    schedulers: Table = {
        f"{MAP_NAME}_{c.name}": {"type": "STRICT"}
        if c.scheduling == "strict"
        else {"type": "DWRR", "weight": str(c.weight_pct)}
        for c in qos.classes
    }
    low, high, probability = units.wred_thresholds(qos.ecn)
    wred: Table = {"ecn": "ecn_all"}
    for color in COLORS:
        wred[f"wred_{color}_enable"] = "true"
        wred[f"{color}_min_threshold"] = low
        wred[f"{color}_max_threshold"] = high
        wred[f"{color}_drop_probability"] = probability
    queues: Table = {}
    for port in roce_ports:
        for c in qos.classes:
            queue: Table = {"scheduler": f"{MAP_NAME}_{c.name}"}
            if c.ecn:
                queue["wred_profile"] = WRED_PROFILE
            queues[f"{port}|{c.tc}"] = queue
    return {"SCHEDULER": schedulers, "WRED_PROFILE": {WRED_PROFILE: wred}, "QUEUE": queues}


def buffer_tables(b: Buffers) -> Table:
    """The static buffer model in full (``config reload`` keeps nothing the file lacks)."""
    pools: Table = {}
    for p in b.pools:
        pools[p.name] = {"type": p.type, "mode": p.mode, "size": str(p.size)}
        if p.xoff:
            pools[p.name]["xoff"] = str(p.xoff)
    return {
        "BUFFER_POOL": pools,
        "BUFFER_PROFILE": {
            p.name: {"pool": p.pool, "size": str(p.size), **{f: str(v) for f, v in p.thresholds}} for p in b.profiles
        },
        "BUFFER_PG": {f"{g.port}|{g.index}": {"profile": g.profile} for g in b.pgs},
        "BUFFER_QUEUE": {f"{q.port}|{q.index}": {"profile": q.profile} for q in b.queues},
        "CABLE_LENGTH": {CABLE_TABLE: dict(b.cable_lengths)},
    }


def watchdog_tables(qos: QosIntent, roce_ports: list[str]) -> Table:
    """PFC_WD on every RoCE port, when the Design enables it."""
    wd = qos.pfc_watchdog
    if not wd.enabled:
        return {}
    detection, restoration, poll = units.watchdog_ms(wd)
    ports: Table = {
        p: {"action": wd.action, "detection_time": detection, "restoration_time": restoration} for p in roce_ports
    }
    return {"PFC_WD": {"GLOBAL": {"POLL_INTERVAL": poll}, **ports}}


def qos_tables(device: Device, model: SwitchHardware) -> Table:
    """Every QoS table of one switch; none on a switch without a lossless class."""
    qos = device.qos
    b = buffers(device, model)
    if qos is None or b is None:
        return {}
    roce_ports = [i.name for i in device.interfaces if i.roce]
    return {
        **map_tables(qos, roce_ports),
        **scheduler_tables(qos, roce_ports),
        **buffer_tables(b),
        **watchdog_tables(qos, roce_ports),
        "FLEX_COUNTER_TABLE": {c: {"FLEX_COUNTER_STATUS": "enable"} for c in COUNTERS},
    }

"""SR Linux 25.3 state as JSON-RPC ``get`` returns it, built from the Design, and judged by the
25.3.1 YANG models.

``healthy`` extends the LLDP/BGP/interface answers of ``vendor_json.srlinux`` with what the
counters, optics and QoS checks read (interface statistics, FEC, transceiver channels, the
``/qos`` tree of the Design's QoS intent). ``problems`` puts each answer back under its path
(a ``get`` returns the node's children) and parses the whole tree with libyang against the
models ``tests/validators/srl_yang.py`` loads: strict (a member the models do not know is an
error), state nodes allowed, values checked against their types. It parses only: a snapshot of
a few subtrees is not a complete datastore, so ``mandatory``/``must``/``leafref`` are not applied.
"""

from __future__ import annotations

import json
from typing import Any

import libyang

from aiinfra.design.model import Design
from aiinfra.nos.srlinux import qos as srl_qos
from aiinfra.verify.collectors import srlinux as srl_json
from tests.validators import srl_yang
from tests.verify import vendor_json

RX_DBM = ("-1.20", "-0.90", "-1.40", "-1.10")  # decimal64: JSON strings (RFC 7951)
LOW_ALARM, HIGH_ALARM = "-10.40", "5.00"


def _port_state(port: dict[str, Any]) -> dict[str, Any]:
    port["statistics"] = {"in-fcs-error-packets": "0", "in-error-packets": "0"}
    port["ethernet"]["forward-error-correction"] = {
        "operational-host-if-fec": "cl119-rs544",
        "statistics": {"host-if-fec-router": {"status": "locked", "frame-error-count": "0"}},
    }
    port["transceiver"] = {
        "oper-state": "up",
        "temperature": {"latest-value": 45, "high-alarm-threshold": 75},
        "channel": [
            {
                "index": n + 1,
                "input-power": {
                    "latest-value": rx,
                    "low-alarm-threshold": LOW_ALARM,
                    "high-alarm-threshold": HIGH_ALARM,
                },
            }
            for n, rx in enumerate(RX_DBM)
        ],
    }
    return port


def _qos(design: Design, name: str) -> dict[str, Any]:
    device = design.devices[name]
    q = device.qos
    assert q is not None
    nodrop = [c for c in q.classes if c.lossless]
    received: dict[str, Any] = {
        "queue": [
            {"queue-name": srl_qos.queue_name(c), "pfc-pause-frame-priority": q.nodrop_priority, "enable-pfc": True}
            for c in nodrop
        ],
        "deadlock": {"enable": q.pfc_watchdog.enabled, "detection-timer": 200, "recovery-timer": 200},
    }
    slope = {"traffic-type": "all", "drop-probability": "all", "enable-ecn": True, "drop": False}
    ports = []
    for i in device.interfaces:
        if not (i.lossless and i.enabled):
            continue
        queues = [
            {"queue-name": srl_qos.queue_name(c), "active-queue-management": {"wred-slope": [dict(slope)]}}
            for c in q.classes
            if c.ecn
        ]
        ports.append(
            {
                "interface-id": i.name,
                "interface-ref": {"interface": i.name},
                "pfc": {"pfc-enable": True, "pfc-mapping-profile": srl_qos.PFC_PROFILE, "oper-state": "up"},
                "output": {"queues": {"queue": queues}},
            }
        )
        ports.append({"interface-id": f"{i.name}.0", "interface-ref": {"interface": i.name, "subinterface": 0}})
    return {
        "queues": {
            "queue": [{"name": srl_qos.queue_name(c), "queue-index": c.tc} for c in q.classes],
            "pfc-queue": [{"pfc-queue-name": srl_qos.pfc_queue_name(q), "queue-index": q.nodrop_priority}],
        },
        "pfc-mapping-profile": [
            {
                "name": srl_qos.PFC_PROFILE,
                "received-traffic": {
                    "unicast-mapping": {
                        "pfc-queue": [
                            {"pfc-queue-name": srl_qos.pfc_queue_name(q), "pfc-pause-frame-priority": q.nodrop_priority}
                        ]
                    }
                },
                "received-pfc-pause-frames": received,
            }
        ],
        "interfaces": {"interface": ports},
    }


def healthy(design: Design, name: str) -> dict[str, Any]:
    raw = vendor_json.srlinux(design, name)
    for port in raw[srl_json.LLDP]["interface"]:
        for n, neighbor in enumerate(port["neighbor"]):
            neighbor["id"] = f"{port['name']}-{n}"  # the list's key (srl_nokia-lldp), system generated
    for peer in raw[srl_json.BGP]["neighbor"]:
        for family in peer["afi-safi"]:  # an identity of another module is module-qualified (RFC 7951)
            family["afi-safi-name"] = f"srl_nokia-common:{family['afi-safi-name']}"
    for port in raw[srl_json.INTERFACES]["interface"]:
        _port_state(port)
    raw[srl_json.QOS] = _qos(design, name)
    return raw


def datastore(raw: dict[str, Any]) -> dict[str, Any]:
    """The answers of ``raw`` under their paths, with the module-qualified tops RFC 7951 wants."""
    tree: dict[str, Any] = {}
    if srl_json.INTERFACES in raw:
        tree["srl_nokia-interfaces:interface"] = raw[srl_json.INTERFACES]["interface"]
    if srl_json.QOS in raw:
        tree["srl_nokia-qos:qos"] = raw[srl_json.QOS]
    if srl_json.LLDP in raw:
        tree["srl_nokia-system:system"] = {"srl_nokia-lldp:lldp": raw[srl_json.LLDP]}
    if srl_json.BGP in raw:
        tree["srl_nokia-network-instance:network-instance"] = [
            {"name": "default", "protocols": {"srl_nokia-bgp:bgp": raw[srl_json.BGP]}}
        ]
    return tree


def problems(raw: dict[str, Any]) -> list[str]:
    """What the 25.3.1 models refuse in the collected answers (empty: every member is a model node)."""
    ctx = srl_yang.context()
    try:
        root = ctx.parse_data_mem(json.dumps(datastore(raw)), "json", strict=True, parse_only=True)
    except libyang.LibyangError as exc:
        return [" ".join(str(exc).split())]
    if root is not None:
        root.first_sibling().free()
    return []

"""Lossless RoCEv2 QoS of an SR Linux 25.3.1 back-end switch, as data (srl_nokia-qos).

One forwarding class and one queue per Design traffic class (index = the class's tc), every
DSCP 0..63 classified (``dscp-policy``), and per RoCE port:

- PFC on the no-drop priority: a ``pfc-queue`` at the no-drop priority, a
  ``pfc-mapping-profile`` mapping the lossless class to it (received traffic, XGS) and
  honouring pause frames on its queue, with the deadlock watchdog (detection/recovery in ms);
- ECN: a ``queue-management-profile`` whose one WRED slope marks (``enable-ecn``) between the
  Design's byte thresholds up to its probability, on the lossless queue;
- the scheduler: strict classes in sequence 0 (CNP), weighted ones in sequence 1 with the
  Design's DWRR shares;
- headroom: a ``buffer-allocation-profile`` per Design headroom profile whose pfc-queue may
  take the profile's XOFF bytes from the PFC reserve, and the forwarding complex's
  ``pfc-buffer-reservation`` sized to the Design's headroom pool.

SR Linux attaches a queue-management-profile to a queue only when the queue's
buffer-allocation-profile states a non-zero maximum burst size (a ``must`` in srl_nokia-qos);
the Design bounds queues by their thresholds, not by a cap, so the cap stated is the whole
packet buffer (no bound below the switch's own).
"""

from __future__ import annotations

from typing import Any

from aiinfra.design.model import Device, Headroom, QosIntent, SwitchHardware, TrafficClass
from aiinfra.nos.qosmaps import dscp_to_tc
from aiinfra.nos.srlinux import units

CLASSIFIER = "aiinfra-dscp"
PFC_PROFILE = "aiinfra-pfc"
ECN_PROFILE = "aiinfra-ecn"
SCHEDULER = "aiinfra-scheduler"
OUTPUT_BUFFERS = "aiinfra-queues"
LINECARD_SLOT = 1  # a fixed-form 7220 has one linecard slot and one forwarding complex
FORWARDING_COMPLEX = "0"


def fc_name(c: TrafficClass) -> str:
    return f"fc-{c.name.lower().replace('_', '-')}"


def queue_name(c: TrafficClass) -> str:
    return f"q{c.tc}"


def pfc_queue_name(qos: QosIntent) -> str:
    return f"pfc{qos.nodrop_priority}"


def _lossless(qos: QosIntent) -> list[TrafficClass]:
    return [c for c in qos.classes if c.lossless]


def _scheduler(qos: QosIntent) -> dict[str, Any]:
    strict = [c for c in qos.classes if c.scheduling == "strict"]
    weighted = [c for c in qos.classes if c.scheduling != "strict"]
    stages: list[dict[str, Any]] = []
    if strict:
        stages.append(
            {
                "sequence": 0,
                "priority": "strict",
                "input": [{"id": queue_name(c), "queue-name": queue_name(c)} for c in strict],
            }
        )
    if weighted:  # sequence 0 must be strict, 1 weighted (srl_nokia-qos)
        stages.append(
            {
                "sequence": 1,  # weighted round robin: no priority (its only value is strict)
                "input": [{"id": queue_name(c), "queue-name": queue_name(c), "weight": c.weight_pct} for c in weighted],
            }
        )
    return {"scheduler-policy": [{"name": SCHEDULER, "scheduler": stages}]}


def _buffers(device: Device, model: SwitchHardware, qos: QosIntent) -> dict[str, Any]:
    headrooms: dict[str, Headroom] = {}
    for i in device.interfaces:
        if i.lossless and i.headroom is not None:
            headrooms.setdefault(i.headroom.name, i.headroom)
    ecn_queues = [c for c in qos.classes if c.ecn]
    profiles: list[dict[str, Any]] = [
        {
            "name": OUTPUT_BUFFERS,
            "queues": {
                "queue": [{"queue-name": queue_name(c), "maximum-burst-size": model.buffer_bytes} for c in ecn_queues]
            },
        }
    ]
    profiles += [
        {
            "name": name,
            "queues": {
                "pfc-queue": [
                    {"pfc-queue-name": pfc_queue_name(qos), "maximum-pfc-reserved-share-bytes": headrooms[name].bytes}
                ]
            },
        }
        for name in sorted(headrooms)
    ]
    ecn = qos.ecn
    return {
        "queue-management-profile": [
            {
                "name": ECN_PROFILE,
                "wred": {
                    "wred-slope": [
                        {
                            "traffic-type": "all",
                            "drop-probability": "all",
                            "enable-ecn": True,
                            "slope-enabled": True,
                            "min-threshold": str(units.ecn_bytes(ecn.min_bytes)),  # uint64: a JSON string (RFC 7951)
                            "max-threshold": str(units.ecn_bytes(ecn.max_bytes)),
                            "max-drop-probability-percent": ecn.max_probability_pct,
                        }
                    ]
                },
            }
        ],
        "buffer-allocation-profile": profiles,
    }


def _pfc_mapping(qos: QosIntent) -> dict[str, Any]:
    lossless = _lossless(qos)
    wd = qos.pfc_watchdog
    received: dict[str, Any] = {
        "queue": [
            {"queue-name": queue_name(c), "pfc-pause-frame-priority": qos.nodrop_priority, "enable-pfc": True}
            for c in lossless
        ]
    }
    if wd.enabled:
        received["deadlock"] = {
            "enable": True,
            "detection-timer": units.watchdog_ms(wd.detection_ms),
            "recovery-timer": units.watchdog_ms(wd.restoration_ms),
        }
    return {
        "name": PFC_PROFILE,
        "received-traffic": {
            "unicast-mapping": {
                "pfc-queue": [
                    {
                        "pfc-queue-name": pfc_queue_name(qos),
                        "forwarding-class": [fc_name(c) for c in lossless],
                        "pfc-pause-frame-priority": qos.nodrop_priority,
                    }
                ]
            }
        },
        "received-pfc-pause-frames": received,
    }


def _classified(name: str) -> dict[str, Any]:
    """Classifiers attach to the routed subinterface (srl_nokia-qos refuses them on a port)."""
    return {
        "interface-id": f"{name}.0",
        "interface-ref": {"interface": name, "subinterface": 0},
        "input": {"classifiers": {"dscp-policy": CLASSIFIER}},
    }


def _port(name: str, headroom: Headroom | None, qos: QosIntent) -> dict[str, Any]:
    """PFC, buffers, queues and the scheduler attach to the port."""
    out: dict[str, Any] = {
        "interface-id": name,
        "interface-ref": {"interface": name},
        "input": {},
        "output": {
            "buffer-allocation-profile": OUTPUT_BUFFERS,
            "scheduler": {"scheduler-policy": SCHEDULER},
            "queues": {
                "queue": [
                    {"queue-name": queue_name(c), "queue-management-profile": ECN_PROFILE} for c in qos.classes if c.ecn
                ]
            },
        },
        "pfc": {"pfc-enable": True, "pfc-mapping-profile": PFC_PROFILE},
    }
    if headroom is not None:
        out["input"]["pfc-buffer-allocation-profile"] = headroom.name
    else:
        del out["input"]
    return out


def qos(device: Device, model: SwitchHardware) -> dict[str, Any]:
    """The whole ``srl_nokia-qos:qos`` tree of a switch with the Design's QoS intent."""
    q = device.qos
    assert q is not None
    tc_fc = {c.tc: fc_name(c) for c in q.classes}
    out: dict[str, Any] = {
        "forwarding-classes": {
            "forwarding-class": [
                {"name": fc_name(c), "forwarding-class-index": c.tc, "output": {"unicast-queue": queue_name(c)}}
                for c in q.classes
            ]
        },
        "queues": {
            "queue": [{"name": queue_name(c), "queue-index": c.tc} for c in q.classes],
            "pfc-queue": [{"pfc-queue-name": pfc_queue_name(q), "queue-index": q.nodrop_priority}],
        },
        "classifiers": {
            "dscp-policy": [
                {
                    "name": CLASSIFIER,
                    "dscp": [{"value": d, "forwarding-class": tc_fc[tc]} for d, tc in sorted(dscp_to_tc(q).items())],
                }
            ]
        },
        "pfc-mapping-profile": [_pfc_mapping(q)],
        "scheduler-policies": _scheduler(q),
        "buffer-management": _buffers(device, model, q),
        "interfaces": {
            "interface": [
                entry
                for i in device.interfaces
                if i.lossless and i.enabled
                for entry in (_port(i.name, i.headroom, q), _classified(i.name))
            ]
        },
    }
    if device.headroom_budget is not None:
        out["linecard"] = [
            {
                "slot": LINECARD_SLOT,
                "forwarding-complex": [
                    {
                        "name": FORWARDING_COMPLEX,
                        "input": {
                            "pfc-buffer-reservation": units.reservation_pct(
                                device.headroom_budget.pool_bytes, model.buffer_bytes
                            )
                        },
                    }
                ],
            }
        ]
    return out

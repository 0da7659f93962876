"""Complete classification maps from the Design's traffic classes.

The Design lists the DSCPs of each marked class and leaves the best-effort
class's list empty, meaning "everything else". Switch OSes that take a full
table (SONiC ``DSCP_TO_TC_MAP``, NVUE ``qos mapping``) must spell out all 64
code points: a stock default silently puts DSCP 26 in a lossy class (fabric.md
2.4). This is a lookup over the Design's classes, not a derived number.
"""

from __future__ import annotations

from aiinfra.design.model import QosIntent, TrafficClass

DSCP_VALUES = range(64)
PRIORITIES = range(8)


def default_class(qos: QosIntent) -> TrafficClass:
    """The class that takes every DSCP no other class names (the Design's best effort)."""
    unmarked = [c for c in qos.classes if not c.dscps]
    if len(unmarked) != 1:
        raise ValueError(f"the Design must name exactly one catch-all traffic class, got {len(unmarked)}")
    return unmarked[0]


def dscp_to_tc(qos: QosIntent) -> dict[int, int]:
    """Every DSCP 0..63 to its traffic class."""
    explicit = {d: c.tc for c in qos.classes for d in c.dscps}
    fallback = default_class(qos).tc
    return {d: explicit.get(d, fallback) for d in DSCP_VALUES}


def priority_to_tc(qos: QosIntent) -> dict[int, int]:
    """Every switch priority 0..7 to its queue: a class's own priority maps to itself, others to best effort.

    In aiinfra's layout traffic class == queue == switch priority (model.TrafficClass).
    """
    used = {c.tc for c in qos.classes}
    fallback = default_class(qos).tc
    return {p: p if p in used else fallback for p in PRIORITIES}

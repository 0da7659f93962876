"""Problem builders the platform drivers' checks share (each returns design problems at spec fields)."""

from __future__ import annotations

from aiinfra.design.model import Design
from aiinfra.design.problems import Problem


def name_list(names: list[str], shown: int = 5) -> str:
    """``node a``, ``nodes a, b`` or ``nodes a, ..., e and 7 more``."""
    if len(names) <= shown:
        return "node " + names[0] if len(names) == 1 else "nodes " + ", ".join(names)
    return f"nodes {', '.join(names[:shown])} and {len(names) - shown} more"


def mtu_limit(design: Design, limit: int, what: str) -> list[Problem]:
    """The host MTU against a hypervisor switch's maximum."""
    mtu = design.qos["backend"].host_mtu
    if mtu <= limit:
        return []
    return [
        Problem(
            ("fabrics", "backend", "roce", "host_mtu"),
            f"host MTU {mtu} is above the {limit} maximum of {what}; use {limit} or less",
        )
    ]

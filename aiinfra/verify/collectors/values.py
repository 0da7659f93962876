"""Value readers shared by the collectors: vendor JSON carries numbers as text and speeds as words."""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from typing import Any

SPEED = re.compile(r"^(\d+)\s*G")


def as_int(value: Any) -> int | None:
    """``int(value)``, or None for anything that is not a whole number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def as_float(value: Any) -> float | None:
    """``float(value)`` (a reading sent as text, such as YANG decimal64 ``"-1.20"``), or None."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def gbps(text: Any) -> int | None:
    """Gb/s from a speed word such as ``400Gbps`` (Junos) or ``400G`` (SR Linux)."""
    m = SPEED.match(str(text or ""))
    return int(m.group(1)) if m else None


QOS_KEYS = ("pfc", "watchdog", "ecn")


def qos_by_check(ports: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """A parse-back's per-port ``{pfc, watchdog, ecn}`` as the neutral qos section (per check, then port).

    EOS, NX-OS and Junos read PFC, the watchdog and ECN from the configuration the switch
    runs, through their driver's parse-back, which answers port by port.
    """
    return {key: {port: q[key] for port, q in ports.items()} for key in QOS_KEYS}


def running_config_qos(os_name: str, text: Any) -> dict[str, dict[str, Any]] | None:
    """The qos section from a CLI OS's running configuration, read by its driver's parse-back.

    None when the parse-back cannot be imported: it needs ciscoconfparse2 (the deploy
    extra), and without it the section is reported as not collected.
    """
    try:
        parser = importlib.import_module(f"aiinfra.nos.{os_name}.parser")
    except ImportError:
        return None
    return qos_by_check(parser.port_qos(str(text)))

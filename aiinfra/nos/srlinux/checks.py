"""Refusals of SR Linux 25.3.1 the capability row cannot express, run at validate.

- The PFC watchdog is the pfc-mapping-profile deadlock (srl_nokia-qos): ``detection-timer``
  10..1500 ms and ``recovery-timer`` 100..1500 ms, stated directly, with no poll interval;
  the row's poll-count limits do not fit, so they are checked here, on the spec's fields.
- ``system dns server-list`` takes at most 3 servers (srl_nokia-dns ``max-elements 3``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiinfra.nos import profile

if TYPE_CHECKING:
    from aiinfra.design.problems import Problems
    from aiinfra.spec.model import ClusterSpec

OS = "srlinux"
DETECTION_MS = (10, 1500)
RECOVERY_MS = (100, 1500)
MAX_DNS = 3
BACKEND_TIERS = ("leaf", "spine", "super_spine")
WATCHDOG = ("fabrics", "backend", "roce", "pfc_watchdog")


def _oses(spec: ClusterSpec) -> set[str]:
    fabrics = spec.fabrics
    out = {fabrics.backend.switches.for_tier(t).os for t in BACKEND_TIERS}
    for name in ("frontend", "storage"):
        fab = getattr(fabrics, name)
        if fab is not None:
            out |= {fab.switches.for_tier("leaf").os, fab.switches.for_tier("spine").os}
    out.add(fabrics.oob.switch.os)
    return out


def check(spec: ClusterSpec, p: Problems) -> None:
    """Problems, positioned on the spec field, for what SR Linux 25.3.1 cannot state."""
    row = profile(OS)
    backend = {spec.fabrics.backend.switches.for_tier(t).os for t in BACKEND_TIERS}
    wd = spec.fabrics.backend.roce.pfc_watchdog
    if OS in backend and wd.enabled:
        for field, value, (low, high), name in (
            ("detection_ms", wd.detection_ms, DETECTION_MS, "detection-timer"),
            ("restoration_ms", wd.restoration_ms, RECOVERY_MS, "recovery-timer"),
        ):
            if not low <= value <= high:
                p.add(
                    (*WATCHDOG, field),
                    f"{row.name} {row.release} states the PFC watchdog (deadlock {name}) as {low}-{high} ms; "
                    f"{value} ms asked",
                )
    if OS in _oses(spec) and len(spec.site.dns) > MAX_DNS:
        p.add(
            ("site", "dns"),
            f"{row.name} {row.release} takes at most {MAX_DNS} DNS servers; {len(spec.site.dns)} given: keep {MAX_DNS}",
        )

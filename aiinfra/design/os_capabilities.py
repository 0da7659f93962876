"""Requests each network OS can state, checked against its driver's capability row before anything is built.

The renderers format the Design's numbers in each OS's own units (NX-OS and
Junos count the PFC watchdog in poll intervals, EOS states it in seconds with
two decimals, Junos WRED takes queue fill levels, EOS names breakouts with its
own member-speed keywords); a request an OS cannot state is refused here,
positioned on the spec field, so a renderer never meets it.
"""

from __future__ import annotations

from aiinfra.catalog import Catalog
from aiinfra.design.problems import Problems
from aiinfra.spec.base import SwitchChoice, speed_gbps
from aiinfra.spec.model import ClusterSpec

ROCE = ("fabrics", "backend", "roce")
TIERS = ("leaf", "spine", "super_spine")


def backend_oses(spec: ClusterSpec) -> list[str]:
    """The OSes of the back-end tiers, which carry the lossless QoS."""
    switches = spec.fabrics.backend.switches
    return sorted({switches.for_tier(t).os for t in TIERS})


def check_backend_qos(p: Problems, catalog: Catalog, spec: ClusterSpec) -> None:
    """PFC watchdog timers and ECN thresholds every back-end OS can express."""
    roce = spec.fabrics.backend.roce
    wd = roce.pfc_watchdog
    for name in backend_oses(spec):
        profile = catalog.os.get(name)
        if profile is None:
            continue
        limits = profile.pfc_watchdog
        if wd.enabled and limits is not None:
            wanted = [
                ("poll_ms", wd.poll_ms, limits.poll_ms, "ms"),
                ("detection_ms", wd.detection_ms // wd.poll_ms, limits.detection_polls, "polls"),
            ]
            if limits.restoration_polls is not None:
                wanted.append(("restoration_ms", wd.restoration_ms // wd.poll_ms, limits.restoration_polls, "polls"))
            for field, value, span, unit in wanted:
                if value not in span:
                    p.add(
                        (*ROCE, "pfc_watchdog", field),
                        f"{profile.name} {profile.release} states the PFC watchdog {field.removesuffix('_ms')} as "
                        f"{span.min}-{span.max} {unit}"
                        + (f" of {wd.poll_ms} ms" if unit == "polls" else "")
                        + f"; {value} {unit} asked",
                    )
        step = profile.pfc_watchdog_step_ms
        if wd.enabled and step:
            for field in ("detection_ms", "restoration_ms"):
                if getattr(wd, field) % step:
                    p.add(
                        (*ROCE, "pfc_watchdog", field),
                        f"{profile.name} states the PFC watchdog {field.removesuffix('_ms')} in steps of {step} ms; "
                        f"{getattr(wd, field)} ms asked",
                    )
        if profile.ecn_fill_pct is not None and roce.ecn != "auto":
            low, high = profile.ecn_fill_pct
            p.add(
                (*ROCE, "ecn"),
                f"{profile.name} states WRED-ECN as queue fill levels, not bytes; use ecn: auto, which renders "
                f"the vendor's DCQCN profile ({low} % to {high} % fill)",
            )


def tier_speeds(spec: ClusterSpec) -> list[tuple[tuple[str | int, ...], SwitchChoice, list[int]]]:
    """(spec path, switch choice, port speeds) of every fabric tier, as precheck's check_switch sees them."""
    be = spec.fabrics.backend
    out: list[tuple[tuple[str | int, ...], SwitchChoice, list[int]]] = []
    for tier in TIERS:
        path = ("fabrics", "backend", "switches", tier if getattr(be.switches, tier) else "leaf")
        out.append((path, be.switches.for_tier(tier), [speed_gbps(be.link_speed)]))
    for name in ("frontend", "storage"):
        fab = getattr(spec.fabrics, name)
        if fab is None:
            continue
        for tier in ("leaf", "spine"):
            path = ("fabrics", name, "switches", tier if getattr(fab.switches, tier) else "leaf")
            speeds = [speed_gbps(fab.uplink_speed)] + ([speed_gbps(fab.link_speed)] if tier == "leaf" else [])
            out.append((path, fab.switches.for_tier(tier), speeds))
    return out


def check_breakouts(p: Problems, catalog: Catalog, spec: ClusterSpec) -> None:
    """Breakouts an OS that names them itself (capabilities.yaml breakout_speeds) has a keyword for."""
    for path, choice, speeds in tier_speeds(spec):
        profile, model = catalog.os.get(choice.os), catalog.switches.get(choice.model)
        if profile is None or model is None or profile.breakout_speeds is None:
            continue
        for speed in speeds:
            b = model.breakout_for(speed)
            if b is not None and f"{model.port_speed_gbps}/{b.ways}" not in profile.breakout_speeds:
                p.add(
                    (*path, "model"),
                    f"{profile.name} has no keyword aiinfra knows for a {b.ways}-way breakout of the "
                    f"{model.port_speed_gbps}G ports of {model.model}; known: {', '.join(profile.breakout_speeds)}",
                )

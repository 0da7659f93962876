"""Back-end QoS requests each network OS can state, checked against its os.yaml row.

The renderers format the Design's numbers in each OS's own units (NX-OS and
Junos count the PFC watchdog in poll intervals, Junos WRED takes queue fill
levels); a request an OS cannot state is refused here, positioned on the spec
field, so a renderer never meets it.
"""

from __future__ import annotations

from aiinfra.catalog import Catalog
from aiinfra.design.problems import Problems
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
            wanted = (
                ("poll_ms", wd.poll_ms, limits.poll_ms, "ms"),
                ("detection_ms", wd.detection_ms // wd.poll_ms, limits.detection_polls, "polls"),
                ("restoration_ms", wd.restoration_ms // wd.poll_ms, limits.restoration_polls, "polls"),
            )
            for field, value, span, unit in wanted:
                if value not in span:
                    p.add(
                        (*ROCE, "pfc_watchdog", field),
                        f"{profile.name} {profile.release} states the PFC watchdog {field.removesuffix('_ms')} as "
                        f"{span.min}-{span.max} {unit}"
                        + (f" of {wd.poll_ms} ms" if unit == "polls" else "")
                        + f"; {value} {unit} asked",
                    )
        if profile.ecn_fill_pct is not None and roce.ecn != "auto":
            low, high = profile.ecn_fill_pct
            p.add(
                (*ROCE, "ecn"),
                f"{profile.name} states WRED-ECN as queue fill levels, not bytes; use ecn: auto, which renders "
                f"the vendor's DCQCN profile ({low} % to {high} % fill)",
            )

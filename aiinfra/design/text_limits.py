"""Free text against the per-OS length limits in each driver's ``capabilities.yaml`` (``text_limits``).

The spec's own types bound every string; how long an SNMP location or a banner
may be is the network OS's business, and a value one OS truncates or refuses
must fail at ``validate``, naming the tightest OS, not half-way through a
deployment. Only the OSes the spec selects count.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiinfra.design.problems import Problems
from aiinfra.errors import Path
from aiinfra.nos.capabilities import OsProfile
from aiinfra.spec.model import ClusterSpec


def limited_text(spec: ClusterSpec) -> list[tuple[str, Path, str]]:
    """(text_limits key, spec path, value) for every free-text field a switch config carries."""
    sec = spec.security
    out: list[tuple[str, Path, str]] = [("banner", ("security", "banner"), sec.banner)]
    if sec.snmp is not None:
        out.append(("snmp_location", ("security", "snmp", "location"), sec.snmp.location))
        out.append(("snmp_contact", ("security", "snmp", "contact"), sec.snmp.contact))
    return out


def check_text_limits(p: Problems, profiles: Sequence[OsProfile], spec: ClusterSpec) -> None:
    """Add a problem for each value longer than the tightest limit among ``profiles``."""
    for key, path, value in limited_text(spec):
        limits = [(getattr(o.text_limits, key), o) for o in profiles if getattr(o.text_limits, key) is not None]
        if not limits:
            continue
        limit, tightest = min(limits, key=lambda item: item[0])
        if len(value) > limit:
            p.add(
                path,
                f"{len(value)} characters, but {tightest.name} {tightest.release} accepts at most {limit} "
                f"({tightest.text_limits.source}); shorten it to {limit} or fewer",
            )

"""Which changes disrupt traffic while they are applied, read from the changed paths.

A flag is raised by what an existing config loses or changes, never by what is only
added: a new BGP neighbor opens a session without resetting any, and a port that was shut
before (an unused port that now gets cabled) has no traffic to disturb, so changes on it
raise nothing. So ``bgp-reset``, ``qos-change`` and
``mtu-change`` read removed and changed paths (a CLI edit is a removed line plus an added
one), and ``port-shutdown`` reads added and changed ones (a ``shutdown``, ``disable`` or
admin state down appearing). Conservative on purpose: a false alarm costs a look, a
missed one costs a training job.
"""

from __future__ import annotations

import re

from aiinfra.plan.diff import SHUT, FileDiff, port_of

LOSS_FLAGS: dict[str, re.Pattern[str]] = {
    "bgp-reset": re.compile(
        r"\bneighbor\b|remote-as|peer-as|peer-address|local-as|autonomous-system|\basn\b|router-id|"
        r"\bpeer-group\b|router bgp \d",
        re.I,
    ),
    "qos-change": re.compile(
        r"pfc|priority-flow-control|\becn\b|wred|random-detect|buffer|headroom|congestion|\bqos\b|"
        r"traffic-class|\bqueu|scheduler|\bpause\b",
        re.I,
    ),
    "mtu-change": re.compile(r"\bmtu\b", re.I),
}


def disruption_flags(diffs: list[FileDiff]) -> list[str]:
    """The flags these files' changes raise, sorted."""
    raised: set[str] = set()
    for d in diffs:
        dormant = set(d.woken)
        for path in [*d.removed, *d.changed]:
            if port_of(path) in dormant:
                continue
            text = " > ".join(path)
            raised.update(name for name, pattern in LOSS_FLAGS.items() if pattern.search(text))
        for path in [*d.added, *d.changed]:
            if not path[-1].startswith("no ") and SHUT.search(" ".join(path[-3:])):
                raised.add("port-shutdown")
    return sorted(raised)

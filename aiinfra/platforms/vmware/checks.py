"""What vSphere cannot take: a host MTU above the VDS maximum, rail NICs without vmnic names."""

from __future__ import annotations

import re

from aiinfra.design.model import Design
from aiinfra.design.platform import PlatformIntent
from aiinfra.design.problems import Problem
from aiinfra.platforms.base import Where
from aiinfra.platforms.checks import mtu_limit, name_list

VDS_MAX_MTU = 9000  # vSphere distributed switch maximum (VCF design decision, platforms.md 3.1)
VMNIC = re.compile(r"^vmnic\d+$")


def check(design: Design, intent: PlatformIntent, where: Where) -> list[Problem]:
    del intent
    return mtu_limit(design, VDS_MAX_MTU, "the vSphere distributed switch") + _vmnics(design, where)


def _vmnics(design: Design, where: Where) -> list[Problem]:
    """Rail NICs must carry their ESXi vmnic names; one problem per rail, naming the nodes."""
    missing: dict[tuple[int, str], list[str]] = {}
    for node in design.nodes:
        for nic in node.backend:
            if not VMNIC.match(nic.netdev):
                missing.setdefault((nic.index, nic.netdev), []).append(node.name)
    return [
        Problem(
            where.facts,
            f"the dvSwitch uplink for rail {rail} needs the ESXi vmnic name (field netdevs.{netdev}); it is "
            f"missing for {name_list(nodes)}, whose rail NIC is still the Linux name {netdev!r}; "
            f"add netdevs.{netdev}: vmnicN to {where.facts_file}",
        )
        for (rail, netdev), nodes in sorted(missing.items())
    ]

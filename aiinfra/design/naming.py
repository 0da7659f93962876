"""Hostname numbers at the widths the spec's ``naming`` section fixes.

A width that follows the current count (``max(2, len(str(count)))``) renames every host
when the count gains a digit; a fixed width renames nothing on growth. The check here
refuses, at ``validate``, a count whose numbers would not fit their width, naming the
setting to raise, instead of silently widening some names.
"""

from __future__ import annotations

from aiinfra.design.clos import LeafSpinePlan, RailPlan
from aiinfra.design.problems import Problems
from aiinfra.spec.naming import Naming


def num(value: int, digits: int) -> str:
    """``value`` zero-padded to ``digits`` (never truncated: the check below refuses overflow)."""
    return f"{value:0{digits}d}"


def check_name_widths(
    naming: Naming, nodes: int, rail: RailPlan, fabrics: dict[str, LeafSpinePlan], oob_switches: int, problems: Problems
) -> None:
    """One problem per setting too narrow for the largest number it has to hold."""
    switch_numbers = {
        "back-end spines per pod": rail.spines_per_pod,
        "back-end pods": rail.pods if rail.tiers == 3 else 0,
        "super-spine planes": rail.planes,
        "super-spines per plane": rail.super_spines_per_plane,
        "OOB switches": oob_switches,
    }
    for name, plan in fabrics.items():
        switch_numbers[f"{name} spines"] = plan.spines
        switch_numbers[f"{name} leaf pairs"] = plan.leaf_pairs
    wants = [
        ("node_digits", naming.node_digits, {"nodes": nodes}),
        ("su_digits", naming.su_digits, {"scalable units": rail.scalable_units}),
        ("switch_digits", naming.switch_digits, switch_numbers),
    ]
    for field, digits, counts in wants:
        what, largest = max(counts.items(), key=lambda kv: kv[1])
        if len(str(largest)) > digits:
            problems.add(
                ("naming", field),
                f"{largest:,} {what} need {len(str(largest))} digits but naming.{field} is {digits}; "
                f"set naming.{field}: {len(str(largest))} (or more, to leave room to grow)",
            )

"""``compute_plan(old_files, new_files, design) -> Plan``: the per-device change set.

The same function serves ``aiinfra plan`` and any report that shows a plan: it takes two
rendered file sets (path -> bytes) and the new Design, and says per device what changes
(section-aware), whether it disrupts traffic, and who loses a path while it is applied.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from aiinfra.design.model import Design
from aiinfra.nos.hatches import hatch_summary
from aiinfra.plan.blast import Blast, blast_radius
from aiinfra.plan.diff import FileDiff, diff_file
from aiinfra.plan.flags import disruption_flags

CONFIGS = "configs/"


@dataclass
class DevicePlan:
    device: str
    os: str
    status: str  # added | removed | changed
    added: int
    removed: int
    changed: int
    flags: list[str]
    blast: Blast
    files: list[FileDiff] = field(default_factory=list)
    remediation: list[str] = field(default_factory=list)


@dataclass
class Plan:
    devices: list[DevicePlan]
    other_files: list[str]  # changed files that belong to no switch config (inventory, cabling, nodes ...)
    topology: list[str]  # physical changes that force wider changes (tiers, spine counts)
    hatches: list[dict[str, object]]

    @property
    def has_changes(self) -> bool:
        return bool(self.devices or self.other_files)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for d in out["devices"]:
            for f in d["files"]:
                for key in ("added", "removed", "changed"):
                    f[key] = [" > ".join(p) for p in f[key]]
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"


def _device_of(path: str) -> str | None:
    if not path.startswith(CONFIGS):
        return None
    return path[len(CONFIGS) :].split("/")[0].split(".")[0]


def _text(data: bytes | None) -> str | None:
    return None if data is None else data.decode("utf-8", "replace")


def compute_plan(old_files: dict[str, bytes], new_files: dict[str, bytes], design: Design) -> Plan:
    changed_paths = sorted(p for p in set(old_files) | set(new_files) if old_files.get(p) != new_files.get(p))
    by_device: dict[str, list[str]] = {}
    other: list[str] = []
    for path in changed_paths:
        name = _device_of(path)
        if name is None:
            other.append(path)
        else:
            by_device.setdefault(name, []).append(path)
    changed_devices = set(by_device)
    old_devices = {name for name in map(_device_of, old_files) if name is not None}
    plans = []
    for name in sorted(by_device):
        d = design.devices.get(name)
        os = d.os if d is not None else "unknown"
        files = [diff_file(p, os, _text(old_files.get(p)), _text(new_files.get(p))) for p in by_device[name]]
        status = "removed" if d is None else "changed" if name in old_devices else "added"
        plans.append(
            DevicePlan(
                device=name,
                os=os,
                status=status,
                added=sum(len(f.added) for f in files),
                removed=sum(len(f.removed) for f in files),
                changed=sum(len(f.changed) for f in files),
                flags=disruption_flags(files) if status == "changed" else [],
                blast=Blast("new device") if status == "added" else blast_radius(design, name, changed_devices),
                files=files,
                remediation=[line for f in files for line in f.remediation],
            )
        )
    return Plan(plans, other, topology_changes(old_files, design), hatch_summary(design))


def topology_changes(old_files: dict[str, bytes], design: Design) -> list[str]:
    """Physical changes that renumber more than the new devices: tiers, spine and uplink counts."""
    raw = old_files.get("design.json")
    try:
        old = json.loads(raw)["design"] if raw is not None else {}
    except (ValueError, KeyError, TypeError):
        return []
    out = []
    if old.get("backend_tiers") not in (None, design.backend_tiers):
        out.append(
            f"the back-end goes from {old['backend_tiers']} to {design.backend_tiers} tiers: every back-end "
            "switch is re-cabled and renumbered"
        )
    before = {(t.get("fabric"), t.get("tier")): t for t in old.get("tiers", []) if isinstance(t, dict)}
    for t in design.tiers:
        was = before.get((t.fabric, t.tier))
        if was is None:
            continue
        if t.tier == "leaf" and was.get("uplinks_per_switch") != t.uplinks_per_switch:
            out.append(
                f"{t.fabric} leaves go from {was.get('uplinks_per_switch')} to {t.uplinks_per_switch} uplinks: "
                f"every {t.fabric} leaf-spine link is re-cabled and renumbered"
            )
        if t.tier in ("spine", "super-spine") and was.get("count") != t.count:
            out.append(f"{t.fabric} {t.tier}s go from {was.get('count')} to {t.count}")
    return out

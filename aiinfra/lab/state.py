"""What a running lab consists of, persisted so every later command can find it.

``verify``, ``fail``, ``restore`` and ``down`` run as separate processes; the state file
tells them which spec and lab directory belong to the lab id, which system paths the
lab created (and must remove), what is currently failed, and the timings measured so
far. ``down`` never relies on it alone: it also sweeps by lab-id prefix, so a lab whose
state file was lost still disappears completely.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from aiinfra.lab import names
from aiinfra.lab.errors import LabError

# tmpfs: a reboot clears a forgotten lab, and nothing lands on the persistent disk.
LAB_ROOT = Path(os.environ.get("AIINFRA_LAB_ROOT", "/run/aiinfra"))
STATE_FILE = "state.json"


@dataclass
class Failure:
    """One thing `fail` brought down: a cable end or a whole switch."""

    target: str  # "DEVICE" or "DEVICE:INTERFACE" as the user typed it
    kind: str  # "link" | "switch"
    ports: list[list[str]]  # [namespace, ifname] pairs set down
    dataplane_s: float | None = None  # until the kernel stopped using the failed next hops
    convergence_s: float | None = None  # until BGP and zebra reinstalled every route


@dataclass
class LabState:
    lab_id: str
    spec: str
    lab_dir: str
    phase: str = "building"  # building | deploying | up | deploy-failed
    created_paths: list[str] = field(default_factory=list)  # system dirs the lab made, removed by down
    frr_tmp_entries: list[str] = field(default_factory=list)  # /var/tmp/frr/<daemon>.<pid> of this lab
    failures: list[Failure] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    last_restore_s: float | None = None  # until every route had all its predicted paths back

    @property
    def path(self) -> Path:
        return Path(self.lab_dir) / STATE_FILE

    def save(self) -> None:
        """Write atomically: a crash mid-write must not leave a state `down` cannot read."""
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2, sort_keys=True), encoding="utf-8")
        tmp.replace(self.path)


def lab_path(lab_id: str) -> Path:
    return names.lab_dir(lab_id, LAB_ROOT)


def load(lab_id: str) -> LabState | None:
    """The state of lab ``lab_id``, or None when no such lab exists."""
    path = lab_path(lab_id) / STATE_FILE
    if not path.exists():
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        raw["failures"] = [Failure(**f) for f in raw.get("failures", [])]
        return LabState(**raw)
    except (OSError, ValueError, TypeError) as exc:
        raise LabError(f"lab state {path} is unreadable ({exc}); `aiinfra lab down` still removes the lab") from None


def load_quietly(lab_id: str) -> LabState | None:
    """The state if readable; teardown proceeds without it otherwise."""
    try:
        return load(lab_id)
    except LabError:
        return None


def require(lab_id: str) -> LabState:
    """The state of a lab that must exist (verify, fail, restore)."""
    state = load(lab_id)
    if state is None:
        raise LabError(f"no lab {lab_id} is up; start it with `aiinfra lab up SPEC`")
    if state.phase == "building":
        raise LabError(f"lab {lab_id} did not finish coming up; run `aiinfra lab down` and `up` again")
    return state


def other_labs(lab_id: str) -> list[str]:
    """Ids of other labs on this machine (shared system dirs stay while one remains)."""
    if not LAB_ROOT.is_dir():
        return []
    return sorted(p.name[4:] for p in LAB_ROOT.glob("lab-*") if p.name != f"lab-{lab_id}")

"""``aiinfra lab down``: remove every namespace, process and file of one lab.

Idempotent and state-independent: it sweeps by lab-id prefix (namespaces, FRR
pathspace dirs) and kills every process living in a lab namespace (FRR daemons, sshd
and its sessions, Ansible's SSH control masters), so a half-built lab, a crashed one or
one whose state file is gone is removed just as completely as a healthy one.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from aiinfra.lab import frr, netns, state
from aiinfra.lab.names import namespace_prefixes


@dataclass
class Teardown:
    namespaces: list[str] = field(default_factory=list)
    processes: int = 0
    paths: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.namespaces or self.processes or self.paths)


def down(lab_id: str) -> Teardown:
    report = Teardown()
    st = state.load_quietly(lab_id)
    prefixes = namespace_prefixes(lab_id)
    namespaces = [ns for ns in netns.list_namespaces() if ns.startswith(prefixes)]
    victims = sorted({pid for ns in namespaces for pid in netns.pids(ns)})
    netns.kill_all(victims)
    report.processes = len(victims)
    for ns in namespaces:
        netns.delete_namespace(ns)
    report.namespaces = namespaces
    if frr.FRR_RUN.is_dir():
        for path in frr.FRR_RUN.iterdir():
            if path.name.startswith(prefixes):
                _remove(path, report)
    if st is not None:
        # libfrr removes its /var/tmp/frr/<daemon>.<pid> dirs on a clean exit; these are
        # the ones of daemons that had to be killed.
        for entry in st.frr_tmp_entries:
            _remove(Path(entry), report)
    lab_dir = state.lab_path(lab_id)
    if lab_dir.exists():
        _remove(lab_dir, report)
    if st is not None and not state.other_labs(lab_id):
        for created in st.created_paths:
            path = Path(created)
            if path.is_dir() and not any(path.iterdir()):
                _remove(path, report)
    if state.LAB_ROOT.is_dir() and not any(state.LAB_ROOT.iterdir()):
        _remove(state.LAB_ROOT, report)
    return report


def _remove(path: Path, report: Teardown) -> None:
    if not path.exists() and not path.is_symlink():
        return
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
    report.paths.append(str(path))

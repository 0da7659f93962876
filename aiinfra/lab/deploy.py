"""Apply the configs the way users do: ``ansible-playbook aiinfra.fabric.site``.

The lab installs the ``aiinfra.fabric`` collection (``aiinfra collection install``, the
tarball the wheel ships or one built from this checkout) into the lab directory and runs
its playbooks by name, so a rehearsal exercises what users install, not the source tree.

Run inside the controller namespace, so Ansible reaches the switches only over the
lab's management LAN, against the rendered inventory plus the lab's override layer.
Everything Ansible would write under the home directory (control sockets, temp files,
caches) is pointed into the lab directory, which ``down`` removes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from aiinfra.lab import netns
from aiinfra.lab.errors import LabError
from aiinfra.lab.requirements import ansible_playbook

DEPLOY_TIMEOUT = 1800.0


COLLECTION = "aiinfra.fabric"


def collections_dir(lab_dir: Path) -> Path:
    return lab_dir / "ansible" / "collections"


def install_collection(lab_dir: Path) -> Path:
    """Install aiinfra.fabric into the lab (offline, as ``aiinfra collection install`` does)."""
    from aiinfra.collection.cli import install

    target = collections_dir(lab_dir)
    try:
        done = install(target, force=True)
    except OSError as exc:
        raise LabError(f"cannot install the {COLLECTION} collection: {exc}") from None
    if done.returncode != 0:
        raise LabError(f"ansible-galaxy could not install {COLLECTION}:\n{done.stdout}{done.stderr}")
    return target


def playbook(name: str) -> str:
    """A playbook of the installed collection by its name: ``site`` -> ``aiinfra.fabric.site``."""
    return f"{COLLECTION}.{name}"


def ansible_env(lab_dir: Path) -> dict[str, str]:
    """Environment of the controller's ansible-playbook: every Ansible path inside the lab."""
    home = lab_dir / "ansible"
    for sub in ("home", "tmp", "cp", "pcp"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    return {
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/sbin:/usr/bin:/sbin:/bin')}",
        "HOME": str(home / "home"),
        "LANG": "C.UTF-8",
        "ANSIBLE_HOME": str(home),
        # The lab's installed aiinfra.fabric first; Ansible's bundled collections are still
        # found on sys.path (COLLECTIONS_SCAN_SYS_PATH).
        "ANSIBLE_COLLECTIONS_PATH": str(collections_dir(lab_dir)),
        "ANSIBLE_LOCAL_TEMP": str(home / "tmp"),
        "ANSIBLE_SSH_CONTROL_PATH_DIR": str(home / "cp"),
        "ANSIBLE_PERSISTENT_CONTROL_PATH_DIR": str(home / "pcp"),
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
        "ANSIBLE_NOCOLOR": "true",
        "ANSIBLE_FORKS": "32",
        "ANSIBLE_TIMEOUT": "15",
        "ANSIBLE_DISPLAY_SKIPPED_HOSTS": "false",
    }


def command(controller_ns: str, render_dir: Path, lab_inventory: Path, secrets: Path) -> list[str]:
    """The exact command line.

    ``--limit switches`` because the lab plays the nodes itself. The health gate polls
    every second instead of every five, over the same two-minute window: lab sessions
    come up in about a second, and the rollout is serial, so the poll interval adds up.
    """
    return netns.exec_argv(
        controller_ns,
        [
            str(ansible_playbook()),
            "-i",
            str(render_dir / "inventory"),
            "-i",
            str(lab_inventory),
            "-e",
            f"@{secrets}",
            "-e",
            "aiinfra_gate_delay=1",
            "-e",
            "aiinfra_gate_retries=120",
            "--limit",
            "switches",
            playbook("site"),
        ],
    )


def run(argv: list[str], lab_dir: Path, progress: Callable[[str], None]) -> Path:
    """Run the playbook, log everything to LAB/deploy.log, report PLAY lines as they start."""
    log = lab_dir / "deploy.log"
    with log.open("w", encoding="utf-8") as fh:
        fh.write("$ " + " ".join(argv) + "\n")
        fh.flush()
        proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=ansible_env(lab_dir), cwd=lab_dir
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            fh.write(line)
            if line.startswith("PLAY [") or line.startswith("PLAY RECAP"):
                progress(line.strip(" *\n"))
        try:
            code = proc.wait(timeout=DEPLOY_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise LabError(f"ansible-playbook did not finish within {DEPLOY_TIMEOUT:.0f} s; see {log}") from None
    if code != 0:
        tail = [ln for ln in log.read_text(encoding="utf-8").splitlines() if ln.strip()][-12:]
        raise LabError(f"ansible-playbook failed (exit {code}); see {log}:\n  " + "\n  ".join(tail))
    return log

"""Apply the configs the way users do: ``ansible-playbook playbooks/site.yml``.

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

import aiinfra
from aiinfra.lab import netns
from aiinfra.lab.errors import LabError
from aiinfra.lab.requirements import ansible_playbook

DEPLOY_TIMEOUT = 1800.0


def playbooks_dir() -> Path:
    """playbooks/ of a source checkout, or the copy packaged into the wheel."""
    package = Path(aiinfra.__file__).resolve().parent
    for candidate in (package.parent / "playbooks", package / "_playbooks"):
        if (candidate / "site.yml").exists():
            return candidate
    raise LabError("playbooks/site.yml not found next to the aiinfra package")


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
            str(playbooks_dir() / "site.yml"),
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

"""What the lab needs from the machine, checked before anything is created.

The integration test uses the same check to skip with a visible reason, so a missing
package reads the same in pytest and at the CLI.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

# Executable -> Debian package that provides it.
TOOLS: dict[str, str] = {
    "ip": "iproute2",
    "ss": "iproute2",
    "/usr/lib/frr/zebra": "frr",
    "/usr/lib/frr/bgpd": "frr",
    "/usr/lib/frr/bfdd": "frr",
    "/usr/lib/frr/staticd": "frr",
    "/usr/lib/frr/frr-reload.py": "frr-pythontools",
    "vtysh": "frr",
    "/usr/sbin/sshd": "openssh-server",
    "ssh": "openssh-client",
    "ssh-keygen": "openssh-client",
    "traceroute": "traceroute",
    "ping": "iputils-ping",
    "/usr/sbin/lldpd": "lldpd",
    "lldpcli": "lldpd",
    "/usr/bin/python3": "python3",
}


def ansible_playbook() -> Path:
    """ansible-playbook next to the running interpreter (the `deploy` extra)."""
    return Path(sys.executable).parent / "ansible-playbook"


def missing() -> list[str]:
    """Human-readable reasons the lab cannot run here; empty when it can."""
    reasons: list[str] = []
    if os.geteuid() != 0:
        reasons.append("the lab needs root (network namespaces, veth pairs, FRR, sshd)")
    packages = sorted({pkg for tool, pkg in TOOLS.items() if not _found(tool)})
    if packages:
        reasons.append(
            "missing Debian packages: " + " ".join(packages) + " (apt-get install " + " ".join(packages) + ")"
        )
    if not ansible_playbook().exists():
        reasons.append(f"{ansible_playbook()} not found: pip install 'aiinfra[deploy]'")
    return reasons


def _found(tool: str) -> bool:
    if tool.startswith("/"):
        return Path(tool).exists()
    return shutil.which(tool) is not None

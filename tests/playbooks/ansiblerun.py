"""Run the real Ansible CLIs from the venv the tests run in, offline and self-contained.

The nutanix.ncp collection is not bundled with `ansible`; the argument-spec stub under
tests/stubs stands in for it so its playbooks parse offline.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STUBS = ROOT / "tests" / "stubs"

needs_ansible = pytest.mark.skipif(
    not (BIN / "ansible-playbook").exists(), reason="ansible-playbook not installed: pip install '.[deploy]'"
)


def env(tmp: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    bundled = Path(importlib.import_module("ansible_collections").__path__[0]).parent
    return {
        **os.environ,
        "ANSIBLE_COLLECTIONS_PATH": f"{STUBS}:{bundled}",
        "ANSIBLE_HOME": str(tmp / "ansible-home"),
        "ANSIBLE_LOCAL_TEMP": str(tmp / "ansible-tmp"),
        "ANSIBLE_NOCOLOR": "1",
        "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
        **(extra or {}),
    }


def run(
    argv: list[str], tmp: Path, timeout: float = 120, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, cwd=ROOT, env=env(tmp, extra), capture_output=True, text=True, check=False, timeout=timeout
    )

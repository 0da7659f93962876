"""The gNMI TLS material reaches each switch before the config that names it, and no task
that sees the private key can print it.

Every switch config names on-device TLS objects (aiinfra_telemetry_tls.profile and .ca_name:
files, a server profile, imported certificates); the driver's tasks/telemetry-tls.yml installs
them from the vault references in the inventory. Read from the task files themselves: the
include comes before the first task of deploy.yml that reads a rendered config, every task
that sees the key (or a staged copy of it) is no_log, and every one that writes a file is
also diff: false.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.playbooks.test_secret_hygiene import FILE_MODULES, KEYWORDS, TASK_LISTS, _strings

ROOT = Path(__file__).resolve().parents[2]
NOS = ROOT / "aiinfra" / "nos"
# The OSes whose deploy installs the material: all six.
INSTALLED = ("cumulus", "eos", "junos", "nxos", "sonic", "srlinux")
TLS_FILE = "telemetry-tls.yml"
# What sees key material: the key reference, a field picked by loop item, a staged copy.
KEY_MARKERS = ("aiinfra_telemetry_tls.key", "aiinfra_telemetry_tls[", "_tls_dir.path }}/")
RENDERED_CONFIG = ("aiinfra_config", "aiinfra_extra_configs", "aiinfra_srl_channel")


def _load(path: Path) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or []


def _walk(tasks: list[dict[str, Any]], base: Path) -> Iterator[dict[str, Any]]:
    """The tasks in run order, blocks opened, the TLS task file imported where it is."""
    for task in tasks:
        module = next((k for k in task if k not in KEYWORDS), "")
        if module.endswith("import_tasks") and str(task[module]) == TLS_FILE:
            yield task
            yield from _walk(_load(base / TLS_FILE), base)
            continue
        yield task
        for key in TASK_LISTS:
            if isinstance(task.get(key), list):
                yield from _walk(task[key], base)


def _module(task: dict[str, Any]) -> str:
    return next((k for k in task if k not in KEYWORDS), "")


def test_exactly_the_listed_drivers_install_the_material() -> None:
    assert tuple(sorted(p.parent.parent.name for p in NOS.glob(f"*/tasks/{TLS_FILE}"))) == INSTALLED


@pytest.mark.parametrize("os_name", INSTALLED)
def test_the_material_is_installed_before_the_config_that_names_it(os_name: str) -> None:
    tasks_dir = NOS / os_name / "tasks"
    flat = list(_walk(_load(tasks_dir / "deploy.yml"), tasks_dir))
    include = next(i for i, t in enumerate(flat) if _module(t).endswith("import_tasks") and t[_module(t)] == TLS_FILE)
    assert flat[include].get("when") == "aiinfra_telemetry_tls is defined"
    first_config = next(i for i, t in enumerate(flat) if any(m in s for s in _strings(t) for m in RENDERED_CONFIG))
    assert include < first_config, f"{os_name}: {flat[first_config]['name']!r} runs before the TLS material"


@pytest.mark.parametrize("os_name", INSTALLED)
def test_every_task_that_sees_the_key_is_no_log(os_name: str) -> None:
    tasks_dir = NOS / os_name / "tasks"
    flat = list(_walk(_load(tasks_dir / TLS_FILE), tasks_dir))
    # blocks are judged by their tasks; removing a staged file does not read it
    sensitive = [t for t in flat if _module(t) not in ("", "ansible.builtin.file")]
    sensitive = [t for t in sensitive if any(m in s for s in _strings(t) for m in KEY_MARKERS)]
    assert sensitive, f"{os_name}: no task installs the key"
    strings = [s for t in sensitive for s in _strings(t)]
    assert any("aiinfra_telemetry_tls.key" in s or "aiinfra_telemetry_tls[" in s for s in strings)
    for task in sensitive:
        assert task.get("no_log") is True, f"{os_name}: {task['name']!r} sees the key without no_log"
        if _module(task) in FILE_MODULES:
            assert task.get("diff") is False, f"{os_name}: {task['name']!r} writes the key without diff: false"

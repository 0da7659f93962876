"""The node and platform playbooks: syntax-check, ansible-lint (production) and our own
argument check of every task against the module's documented options.

ansible-lint's ``args`` rule is experimental and skips several collections
(platforms.md 0.4), so the last test reads each module's option spec
(``ansible-doc --json``; for the nutanix.ncp stub, its argument spec) and rejects
unknown options, unknown sub-options and literal values outside ``choices``.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STUBS = ROOT / "tests" / "stubs"
PLAYBOOKS = ["playbooks/nodes.yml", "playbooks/openshift.yml", "playbooks/vmware.yml", "playbooks/nutanix.yml"]
ROLE_FILES = ["playbooks/roles/aiinfra_node/tasks/main.yml", "playbooks/roles/aiinfra_node/handlers/main.yml"]
KEYWORDS = {
    "name", "loop", "loop_control", "register", "when", "notify", "changed_when", "failed_when", "become",
    "delegate_to", "no_log", "tags", "vars", "environment", "ignore_errors", "until", "retries", "delay", "run_once",
}  # fmt: skip


def _env() -> dict[str, str]:
    bundled = Path(importlib.import_module("ansible_collections").__path__[0]).parent
    return {
        **os.environ,
        "ANSIBLE_COLLECTIONS_PATH": f"{STUBS}:{bundled}",
        "ANSIBLE_HOME": str(Path(tempfile.gettempdir()) / "aiinfra-ansible-home"),
        "ANSIBLE_LOCAL_TEMP": "/tmp",
        "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
    }


needs_ansible = pytest.mark.skipif(not (BIN / "ansible-playbook").exists(), reason="ansible not installed in the venv")


@needs_ansible
@pytest.mark.parametrize("playbook", PLAYBOOKS)
def test_syntax_check(playbook: str) -> None:
    run = subprocess.run(
        [str(BIN / "ansible-playbook"), "--syntax-check", "-i", "localhost,", playbook],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


@needs_ansible
@pytest.mark.skipif(shutil.which("ansible-lint", path=str(BIN)) is None, reason="ansible-lint not installed")
def test_ansible_lint_production() -> None:
    run = subprocess.run(
        [str(BIN / "ansible-lint"), "--offline", "--profile", "production", "--nocolor", *PLAYBOOKS],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def _tasks(path: str) -> list[dict[str, Any]]:
    data = yaml.safe_load((ROOT / path).read_text())
    if path.startswith("playbooks/roles/"):
        return list(data)
    return [t for play in data for t in play.get("tasks", [])]


def _module(task: dict[str, Any]) -> str:
    (module,) = [k for k in task if k not in KEYWORDS]
    return module


@cache
def _doc_options() -> dict[str, dict[str, Any]]:
    modules = sorted({_module(t) for p in [*PLAYBOOKS, *ROLE_FILES] for t in _tasks(p)} - _stub_modules())
    run = subprocess.run(
        [str(BIN / "ansible-doc"), "--json", *modules], env=_env(), capture_output=True, text=True, check=True
    )
    return {name: doc["doc"]["options"] for name, doc in json.loads(run.stdout).items()}


def _stub_modules() -> set[str]:
    return {f"nutanix.ncp.{p.stem}" for p in (STUBS / "ansible_collections/nutanix/ncp/plugins/modules").glob("*.py")}


@cache
def _stub_options(module: str) -> dict[str, Any]:
    """The argument spec a stub module hands to AnsibleModule, captured without running it."""
    sys.path.insert(0, str(STUBS))
    try:
        stub = importlib.import_module("ansible_collections.nutanix.ncp.plugins.module_utils.stub")
        mod = importlib.import_module(f"ansible_collections.nutanix.ncp.plugins.modules.{module.split('.')[-1]}")
        captured: dict[str, Any] = {}
        original = mod.run
        mod.run = lambda spec: captured.update({**stub.CREDENTIALS, **spec})
        try:
            mod.main()
        finally:
            mod.run = original
        return {k: {**v, "suboptions": v.get("options")} for k, v in captured.items()}
    finally:
        sys.path.remove(str(STUBS))


def _check(args: Any, options: dict[str, Any], where: str) -> list[str]:
    if not isinstance(args, dict):
        return []
    names = {n: n for n in options} | {a: n for n, o in options.items() for a in o.get("aliases") or []}
    problems = []
    for key, value in args.items():
        if key not in names:
            problems.append(f"{where}: unknown option {key!r}")
            continue
        spec = options[names[key]]
        choices = spec.get("choices")
        if choices and isinstance(value, str | bool | int) and "{{" not in str(value) and value not in choices:
            problems.append(f"{where}.{key}: {value!r} is not one of {choices}")
        sub = spec.get("suboptions")
        if sub and isinstance(value, dict):
            problems += _check(value, sub, f"{where}.{key}")
        if sub and isinstance(value, list):
            for i, item in enumerate(value):
                problems += _check(item, sub, f"{where}.{key}[{i}]")
    return problems


@needs_ansible
def test_task_arguments_match_module_options() -> None:
    problems = []
    for path in [*PLAYBOOKS, *ROLE_FILES]:
        for task in _tasks(path):
            module = _module(task)
            if module == "ansible.builtin.set_fact":  # free-form: its keys are the variables it sets
                continue
            options = _stub_options(module) if module in _stub_modules() else _doc_options()[module]
            problems += _check(task[module], options, f"{path}: {task['name']}: {module}")
    assert problems == []


def test_argument_check_catches_a_typo() -> None:
    options = {"state": {"choices": ["present", "absent"]}, "teaming_policy": {"suboptions": {"active_uplinks": {}}}}
    found = _check({"state": "presnt", "teaming_policy": {"active_uplink": []}, "mtuu": 1}, options, "t")
    assert found == [
        "t.state: 'presnt' is not one of ['present', 'absent']",
        "t.teaming_policy: unknown option 'active_uplink'",
        "t: unknown option 'mtuu'",
    ]

"""A lint over every YAML file under playbooks/: no task runs a rendered file through the
template engine, and every task that handles a secret hides it.

Walks every play and task file: tasks, pre_tasks, post_tasks, handlers, blocks with their
rescue and always, roles' tasks and handlers. A task "handles a secret" when it

- fills secrets in (``aiinfra_fill_secrets`` without ``mask=true``) anywhere in its args
  or vars, or
- writes, copies, reads or compares a rendered config or a staged copy of one with a file
  or config module (template, copy, slurp, nxos_config, nxos_file_copy, eos_config,
  junos_config, any dellemc.enterprise_sonic module), unless what it gets is masked, or
- runs a command whose output holds the box's secrets (the running CONFIG_DB, NVUE's
  config diff, frr-reload.py's delta);

and then it must carry ``no_log: true`` or ``diff: false``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from aiinfra import nos

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOKS = ROOT / "playbooks"

TASK_LISTS = ("tasks", "pre_tasks", "post_tasks", "handlers", "block", "rescue", "always")
FILE_MODULES = {
    "template",
    "copy",
    "slurp",
    "ansible.builtin.template",
    "ansible.builtin.copy",
    "ansible.builtin.slurp",
}
CONFIG_MODULES = {
    "cisco.nxos.nxos_config",
    "cisco.nxos.nxos_file_copy",
    "arista.eos.eos_config",
    "junipernetworks.junos.junos_config",
}
# Variables that name a rendered config or a staged copy of one.
RENDERED = re.compile(r"\baiinfra_(config|extra_configs|frr_candidate|nvue_file|sonic_config_db)\b|_local\.path\b")
CONFIG_CONTENT_ARGS = ("src", "lines", "replace_src", "intended_config", "running_config", "local_file", "content")
SECRET_OUTPUT = re.compile(r"sonic-cfggen|frr_reload_argv|frr-reload|\bnv\b.*\bconfig\b.*\bdiff\b")
COMMAND_MODULES = {"command", "shell", "ansible.builtin.command", "ansible.builtin.shell"}
TEMPLATE_PASS = re.compile(r"(lookup|query|q)\(\s*['\"](ansible\.builtin\.)?template['\"]")
KEYWORDS = {
    "name", "when", "register", "vars", "loop", "loop_control", "become", "become_user", "become_method",
    "delegate_to", "delegate_facts", "check_mode", "diff", "no_log", "notify", "listen", "changed_when",
    "failed_when", "tags", "retries", "delay", "until", "async", "poll", "environment", "ignore_errors",
    "ignore_unreachable", "run_once", "args", "module_defaults", "throttle", "any_errors_fatal", "collections",
    "connection", "timeout", "local_action", "with_items", "with_dict", "with_list", "debugger", "remote_user",
    "port", *TASK_LISTS,
}  # fmt: skip


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _module(task: dict[str, Any]) -> str:
    actions = [k for k in task if k not in KEYWORDS]
    return actions[0] if actions else ""


def walk_tasks(items: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every task in a play list or task list, blocks, handlers and nested plays included."""
    for n, item in enumerate(items or []):
        if not isinstance(item, dict):
            continue
        here = f"{where}[{n}] {item.get('name', '')!s}"
        nested = [key for key in TASK_LISTS if isinstance(item.get(key), list)]
        if "hosts" in item:  # a play: its own vars and vars_files, then its task lists
            yield here, {k: item[k] for k in ("name", "vars", "vars_files", "module_defaults") if k in item}
        elif not nested or _module(item):
            yield here, item
        for key in nested:
            yield from walk_tasks(item[key], f"{here} > {key}")


def unmasked_fill(text: str) -> bool:
    return any("mask=true" not in call for call in re.findall(r"aiinfra_fill_secrets\([^)]*\)", text))


def handles_secret(task: dict[str, Any]) -> bool:
    module = _module(task)
    args = task.get(module)
    text = json.dumps([args, task.get("vars")], default=str)
    if unmasked_fill(text):
        return True
    masked = "mask=true" in text and not unmasked_fill(text)
    if module in FILE_MODULES and not masked:
        values = [args] if isinstance(args, str) else list((args or {}).values())
        return any(RENDERED.search(s) for s in _strings(values))
    if (module in CONFIG_MODULES or module.startswith("dellemc.enterprise_sonic.")) and not masked:
        return isinstance(args, dict) and any(k in args for k in CONFIG_CONTENT_ARGS)
    if module in COMMAND_MODULES:
        return bool(SECRET_OUTPUT.search(" ".join(_strings(args))))
    return False


def hides_secret(task: dict[str, Any]) -> bool:
    return task.get("no_log") is True or task.get("diff") is False


def problems(plays_or_tasks: Any, where: str) -> list[str]:
    out = []
    for here, task in walk_tasks(plays_or_tasks, where):
        module = _module(task)
        text = json.dumps(task, default=str)
        if module in {"template", "ansible.builtin.template"} or TEMPLATE_PASS.search(text):
            out.append(f"{here}: runs a file through the template engine; read it as data and fill its secrets")
        elif module in {"include_vars", "ansible.builtin.include_vars"} or "vars_files" in task:
            out.append(f"{here}: include_vars/vars_files template a rendered file; read it as data")
        elif handles_secret(task) and not hides_secret(task):
            out.append(f"{here}: handles a secret without no_log: true or diff: false")
    return out


def _yaml_files() -> list[Path]:
    """Every playbook file, the OS drivers' deploy tasks (aiinfra/nos/<os>/tasks) included."""
    drivers = (ROOT / "aiinfra" / "nos").glob("*/tasks/*.yml")
    return sorted(p for p in [*PLAYBOOKS.rglob("*.yml"), *drivers] if p.name != "requirements.yml")


def test_the_lint_sees_every_playbook_file() -> None:
    names = {str(p.relative_to(ROOT)) for p in _yaml_files()}
    assert {
        "playbooks/switches.yml",
        "aiinfra/nos/sonic/tasks/deploy.yml",
        "aiinfra/nos/sonic/tasks/admin.yml",
        "playbooks/roles/aiinfra_node/tasks/main.yml",
    } <= names
    assert {f"aiinfra/nos/{name}/tasks/deploy.yml" for name in nos.driver_names()} <= names


@pytest.mark.parametrize("path", _yaml_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_pass_and_every_secret_is_hidden(path: Path) -> None:
    assert problems(yaml.safe_load(path.read_text(encoding="utf-8")), str(path.relative_to(ROOT))) == []


BAD_TASKS = [
    {"name": "t", "ansible.builtin.template": {"src": "{{ aiinfra_config }}", "dest": "/x"}, "no_log": True},
    {"name": "t", "ansible.builtin.copy": {"content": "{{ lookup('ansible.builtin.template', 'x') }}", "dest": "/x"}},
    {"name": "t", "ansible.builtin.debug": {"msg": "{{ x }}"}, "vars": {"x": "{{ query('template', 'f') }}"}},
    {"name": "t", "ansible.builtin.include_vars": {"file": "{{ aiinfra_build_dir }}/nodes/x.yml"}},
    {"name": "t", "ansible.builtin.copy": {"src": "{{ aiinfra_config }}", "dest": "/x"}},
    {"name": "t", "ansible.builtin.copy": {"src": "{{ aiinfra_frr_candidate }}", "dest": "/x", "remote_src": True}},
    {"name": "t", "ansible.builtin.slurp": {"src": "{{ aiinfra_nxos_local.path }}"}},
    {"name": "t", "ansible.builtin.copy": {"content": "{{ f | aiinfra_fill_secrets(aiinfra_secrets) }}", "dest": "/x"}},
    {"name": "t", "ansible.builtin.set_fact": {"x": "{{ f | aiinfra_fill_secrets(aiinfra_secrets) }}"}},
    {"name": "t", "cisco.nxos.nxos_config": {"src": "{{ aiinfra_config }}"}},
    {"name": "t", "arista.eos.eos_config": {"lines": ["snmp-server community x"]}},
    {"name": "t", "junipernetworks.junos.junos_config": {"src": "/tmp/x.conf"}},
    {"name": "t", "dellemc.enterprise_sonic.sonic_config": {"src": "x"}},
    {"name": "t", "ansible.builtin.command": {"argv": ["sonic-cfggen", "-d", "--print-data"]}},
    {"name": "t", "ansible.builtin.command": {"argv": ["nv", "config", "diff"]}},
    {"name": "t", "ansible.builtin.debug": {"msg": "x"}, "vars_files": ["{{ aiinfra_build_dir }}/vmware/vars.yml"]},
]


@pytest.mark.parametrize("task", BAD_TASKS, ids=lambda t: next(k for k in t if k not in ("name", "no_log")))
def test_the_lint_catches_a_new_task_in_a_play_a_block_a_handler_or_a_role(task: dict[str, Any]) -> None:
    assert problems([task], "tasks.yml")
    play = {
        "name": "p",
        "hosts": "all",
        "handlers": [task],
        "tasks": [{"name": "b", "block": [{"name": "ok", "ansible.builtin.debug": {"msg": "x"}}], "always": [task]}],
    }
    assert len(problems([play], "play.yml")) == 2


def test_the_lint_accepts_hidden_and_masked_tasks() -> None:
    hidden = {"name": "t", "ansible.builtin.copy": {"content": "{{ f | aiinfra_fill_secrets(s) }}", "dest": "/x"}}
    masked = {
        "name": "t",
        "cisco.nxos.nxos_config": {"intended_config": "{{ f | aiinfra_fill_secrets(s, mask=true) }}"},
    }
    assert problems([{**hidden, "no_log": True}, {**hidden, "diff": False}, masked], "tasks.yml") == []


def _controller_side(task: dict[str, Any], play_hosts: str) -> bool:
    return task.get("delegate_to") == "localhost" or play_hosts == "localhost"


def _blocks(items: Any) -> Iterator[dict[str, Any]]:
    for item in items or []:
        if isinstance(item, dict):
            if isinstance(item.get("block"), list):
                yield item
            for key in TASK_LISTS:
                if isinstance(item.get(key), list):
                    yield from _blocks(item[key])


def controller_problems(data: Any, where: str) -> list[str]:
    """A secret-bearing file written on the controller is 0600, and every temp file made for
    one is removed in the ``always`` of its block."""
    out = []
    plays = [p for p in data or [] if isinstance(p, dict) and "hosts" in p]
    for hosts, items in [(str(p["hosts"]), p.get("tasks", [])) for p in plays] or [("", data)]:
        for here, task in walk_tasks(items, where):
            module = _module(task)
            args = task.get(module)
            loose = not isinstance(args, dict) or args.get("mode") != "0600"
            if module in FILE_MODULES and handles_secret(task) and _controller_side(task, hosts) and loose:
                out.append(f"{here}: writes a secret on the controller without mode '0600'")
        for block in _blocks(items):
            temps = [t.get("register") for t in block["block"] if "ansible.builtin.tempfile" in t]
            cleaned = json.dumps(block.get("always", []))
            out += [f"{where}: temp file {t} is not removed in always" for t in temps if f"{t}.path" not in cleaned]
    return out


@pytest.mark.parametrize("path", _yaml_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_secrets_on_the_controller_are_0600_and_temp_files_removed(path: Path) -> None:
    assert controller_problems(yaml.safe_load(path.read_text(encoding="utf-8")), str(path)) == []


def test_the_controller_check_catches_a_loose_mode_and_a_leftover_temp_file() -> None:
    write = {"name": "w", "ansible.builtin.copy": {"content": "{{ f | aiinfra_fill_secrets(s) }}", "dest": "/x"}}
    assert controller_problems([{**write, "delegate_to": "localhost", "no_log": True}], "t.yml")
    assert controller_problems([{"name": "p", "hosts": "localhost", "tasks": [write]}], "p.yml")
    assert not controller_problems([{**write, "no_log": True}], "t.yml")  # on the switch: its own mode rules
    temp = {"name": "t", "ansible.builtin.tempfile": {"state": "file"}, "register": "tmp_cfg"}
    assert controller_problems([{"name": "b", "block": [temp], "always": []}], "t.yml")
    remove = {"name": "r", "ansible.builtin.file": {"path": "{{ tmp_cfg.path }}", "state": "absent"}}
    assert not controller_problems([{"name": "b", "block": [temp], "always": [remove]}], "t.yml")

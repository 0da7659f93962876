"""The aiinfra_node role's install tasks, run by the real ansible-playbook on a rendered lab.

The role's own task file is loaded and its folder and copy tasks run unchanged but for the
destination, which is moved under a scratch root (and owner, group and handlers, which need a
real node). So the lists in ``nodes/<host>.yml``, the ``src`` folders (the node's own files
in ``nodes/<host>/``, the shared scripts and unit in ``nodes/_common/``) and the modes are
the role's: the test fails if a rendered file is not installed, lands elsewhere, or differs.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
import yaml

from aiinfra.pipeline import write_rendered
from tests.conftest import example
from tests.playbooks.ansiblerun import BIN, ROOT, needs_ansible, run

ROLE = ROOT / "playbooks/roles/aiinfra_node"
INSTALLS = ("ansible.builtin.set_fact", "ansible.builtin.file", "ansible.builtin.copy")


def _rooted(task: dict[str, Any]) -> dict[str, Any]:
    """The task with its absolute destination under ``aiinfra_node_test_root``."""
    task = {k: v for k, v in task.items() if k != "notify"}
    for module in ("ansible.builtin.file", "ansible.builtin.copy"):
        if module in task:
            args = {k: v for k, v in task[module].items() if k not in ("owner", "group")}
            key = "path" if module.endswith("file") else "dest"
            assert args[key] == "/{{ item }}", task["name"]
            args[key] = "{{ aiinfra_node_test_root }}/{{ item }}"
            task[module] = args
    return task


# Installed path prefix -> the mode the role gives it; everything else is 0644.
MODES = {"etc/netplan/": 0o600, "usr/local/bin/": 0o755}


@needs_ansible
@pytest.mark.slow
def test_the_role_installs_each_nodes_files_and_the_shared_ones(tmp_path: Path) -> None:
    build = tmp_path / "render"
    write_rendered(example("lab"), build)
    tasks = yaml.safe_load((ROLE / "tasks/main.yml").read_text())
    kept = [_rooted(t) for t in tasks if any(m in t for m in INSTALLS)]
    assert len(kept) == 1 + 1 + 7, [t["name"] for t in kept]  # the file list, the folders, seven copies
    host = example("lab").design.nodes[0].name
    installed = tmp_path / "root"
    play = [
        {
            "name": "The aiinfra_node role's install tasks, under a scratch root",
            "hosts": host,
            "gather_facts": False,
            "vars": {
                **yaml.safe_load((ROLE / "vars/main.yml").read_text()),
                "aiinfra_build_dir": str(build),
                "aiinfra_node_test_root": str(installed),
            },
            "tasks": kept,
        }
    ]
    (tmp_path / "play.yml").write_text(yaml.safe_dump(play, sort_keys=False))
    inventory = f"{host} ansible_connection=local ansible_python_interpreter={BIN / 'python'}\n"
    (tmp_path / "hosts").write_text(inventory)
    result = run([str(BIN / "ansible-playbook"), "-i", str(tmp_path / "hosts"), str(tmp_path / "play.yml")], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr

    sources = {**_tree(build / "nodes" / host), **_tree(build / "nodes/_common")}
    assert sorted(sources) == sorted(_tree(installed))
    assert "etc/aiinfra/roce.env" in sources and "usr/local/bin/roce-check" in sources
    for path, source in sources.items():
        target = installed / path
        assert target.read_bytes() == source.read_bytes(), path
        mode = next((m for prefix, m in MODES.items() if path.startswith(prefix)), 0o644)
        assert stat.S_IMODE(target.stat().st_mode) == mode, path


def _tree(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}

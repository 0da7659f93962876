"""The switch playbooks and site.yml: syntax-check, ansible-lint (production), and the
two decisions that can be checked without devices: site.yml loads exactly the spec's
platform play, and the back-end leaf play walks the rails in numeric order.

Run against a rendered example inventory, the way users run them. The nutanix.ncp
collection is not bundled with `ansible`; the argument-spec stub under tests/stubs
stands in for it so nutanix.yml can be parsed offline.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import yaml

from aiinfra import nos
from aiinfra.nos import playbook_vars
from aiinfra.pipeline import write_rendered
from tests.conftest import example
from tests.playbooks.ansiblerun import BIN, ROOT, needs_ansible
from tests.playbooks.ansiblerun import run as _run

MINE = ["playbooks/site.yml", "playbooks/switches.yml", "playbooks/health-gate.yml"]
PLATFORM_PLAYS = {
    "baremetal": "playbooks/nodes.yml",
    "openshift": "playbooks/openshift.yml",
    "vmware": "playbooks/vmware.yml",
    "nutanix": "playbooks/nutanix.yml",
}


@pytest.fixture(scope="module")
def lab_inventory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The lab example rendered exactly as `aiinfra render` writes it."""
    out = tmp_path_factory.mktemp("render")
    write_rendered(example("lab"), out)
    return out / "inventory"


@needs_ansible
@pytest.mark.parametrize("playbook", MINE)
def test_syntax_check_against_the_rendered_inventory(playbook: str, lab_inventory: Path, tmp_path: Path) -> None:
    run = _run([str(BIN / "ansible-playbook"), "--syntax-check", "-i", str(lab_inventory), playbook], tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr


@needs_ansible
@pytest.mark.skipif(not (BIN / "ansible-lint").exists(), reason="ansible-lint not installed: pip install '.[deploy]'")
def test_ansible_lint_production_profile(tmp_path: Path) -> None:
    """Every playbook, task file and the node role pass ansible-lint --offline, production profile."""
    files = [
        *MINE,
        *PLATFORM_PLAYS.values(),
        "playbooks/requirements.yml",
        *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "playbooks/tasks").glob("*.yml")),
        *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "aiinfra/nos").glob("*/tasks/*.yml")),
        "playbooks/vars/drivers.yml",
        "playbooks/roles/aiinfra_node",
    ]
    run = _run([str(BIN / "ansible-lint"), "--offline", "--profile", "production", "--nocolor", *files], tmp_path, 600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Profile 'production' was required, and it passed" in run.stdout + run.stderr


def _first_play_name(path: str) -> str:
    plays = yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))
    return str(plays[0]["name"])


@needs_ansible
@pytest.mark.parametrize("platform", sorted(PLATFORM_PLAYS))
def test_site_loads_only_the_specs_platform_play(platform: str, tmp_path: Path) -> None:
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"children": {f"platform_{platform}": {"hosts": {"n1": None}}}}}))
    run = _run([str(BIN / "ansible-playbook"), "--list-tasks", "-i", str(inventory), "playbooks/site.yml"], tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    listed = run.stdout
    assert _first_play_name("playbooks/switches.yml") in listed
    for other, path in PLATFORM_PLAYS.items():
        assert (_first_play_name(path) in listed) == (other == platform), f"{path} loaded for platform {platform}"


@needs_ansible
def test_rail_play_walks_rails_in_numeric_order(tmp_path: Path) -> None:
    """rail_10 after rail_9, not after rail_1, and only leaves: a spine in a rail group is not a rail batch."""
    groups: dict[str, dict[str, dict[str, None]]] = {"switches": {"hosts": {}}, "role_leaf": {"hosts": {}}}
    for rail in (11, 1, 10, 2, 9):
        groups[f"rail_{rail}"] = {"hosts": {f"leaf-su1-r{rail}": None, f"leaf-su2-r{rail}": None}}
        for host in groups[f"rail_{rail}"]["hosts"]:
            groups["switches"]["hosts"][host] = groups["role_leaf"]["hosts"][host] = None
    groups["rail_1"]["hosts"]["spine-r1"] = None
    groups["role_spine"] = {"hosts": {"spine-r1": None}}
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"children": groups}}, sort_keys=False))
    run = _run(
        [str(BIN / "ansible-playbook"), "--list-hosts", "-i", str(inventory), "playbooks/switches.yml"], tmp_path
    )
    assert run.returncode == 0, run.stdout + run.stderr
    section = run.stdout.split("Back-end leaves, one rail at a time")[1].split("play #")[0]
    assert "pattern: ['rail_1:rail_2:rail_9:rail_10:rail_11:&role_leaf']" in section
    assert "spine-r1" not in section and "hosts (10)" in section


def test_requirements_list_only_collections_ansible_does_not_bundle() -> None:
    data = yaml.safe_load((ROOT / "playbooks/requirements.yml").read_text(encoding="utf-8"))
    names = [c["name"] for c in data["collections"]]
    assert "nutanix.ncp" in names
    bundled = Path(importlib.import_module("ansible_collections").__path__[0])
    for name in names:
        namespace, collection = name.split(".")
        assert not (bundled / namespace / collection).is_dir(), f"{name} is bundled with ansible; do not list it"


def _tasks(path: str) -> list[dict]:
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


def test_sonic_deploy_secures_the_default_admin_account_before_it_writes_anything() -> None:
    """issue 9: rotate admin's password to the spec's hash, else lock it; both no_log, both
    only on a real SONiC image, both before the config files are written."""
    deploy = _tasks("aiinfra/nos/sonic/tasks/deploy.yml")
    first = deploy[0]
    assert first.get("ansible.builtin.import_tasks") == "admin.yml"
    admin = _tasks("aiinfra/nos/sonic/tasks/admin.yml")
    users = [t for t in admin if "ansible.builtin.user" in t]
    rotate = next(t for t in users if "password" in t["ansible.builtin.user"])
    lock = next(t for t in users if t["ansible.builtin.user"].get("password_lock") is True)
    for task in (rotate, lock):
        assert task["ansible.builtin.user"]["name"] == "admin"
        assert task["no_log"] is True and task["become"] is True
        assert "aiinfra_sonic_admin_present" in task["when"]
    assert rotate["ansible.builtin.user"]["password"] == "{{ aiinfra_sonic_admin_password_hash }}"
    assert rotate["ansible.builtin.user"]["update_password"] == "always"
    assert "aiinfra_sonic_admin_password_hash is defined" in rotate["when"]
    assert "aiinfra_sonic_admin_password_hash is not defined" in lock["when"]
    stat_task = next(t for t in admin if "ansible.builtin.stat" in t)
    assert stat_task["ansible.builtin.stat"]["path"] == "/etc/sonic/sonic_version.yml"
    guard = next(t for t in admin if "ansible.builtin.assert" in t)
    assert admin.index(guard) < admin.index(lock)  # never lock the password this run logs in with


def test_sonic_deploy_still_replaces_config_db_with_the_boxs_hardware_facts() -> None:
    """config reload replaces CONFIG_DB wholesale, so the written file must carry the box's
    platform, HwSKU, MAC and lanes (filter sonic_keep_hardware, test_sonic_filter.py)."""
    deploy = _tasks("aiinfra/nos/sonic/tasks/deploy.yml")
    write = next(t for t in deploy if t["name"].startswith("Write config_db.json"))
    content = write["ansible.builtin.copy"]["content"]
    assert "sonic_keep_hardware(aiinfra_sonic_running.stdout | from_json)" in content
    assert content.index("aiinfra_fill_secrets") < content.index("sonic_keep_hardware")
    assert write["register"] == "aiinfra_sonic_config_db_file"
    reload = next(t for t in deploy if t["name"] == "Replace CONFIG_DB and restart the SONiC services")
    assert reload["ansible.builtin.command"]["argv"][:3] == ["config", "reload", "-y"]
    assert reload["when"] == "aiinfra_sonic_config_db_file is changed"
    assert deploy.index(write) < deploy.index(reload) == len(deploy) - 2  # loaded before the health gate


def test_driver_table_is_the_registrys() -> None:
    """playbooks/vars/drivers.yml is generated from aiinfra/nos/: an OS folder added or removed
    without regenerating it fails here, so the playbook cannot offer or miss an OS."""
    assert (ROOT / "playbooks/vars/drivers.yml").read_text(encoding="utf-8") == playbook_vars.text(), (
        "run: python -m aiinfra.nos.playbook_vars --write"
    )
    table = yaml.safe_load(playbook_vars.text())["aiinfra_drivers"]
    assert {row["driver"] for row in table.values()} == set(nos.driver_names())
    for row in table.values():
        tasks = ROOT / "aiinfra/nos" / row["driver"] / "tasks"
        assert (tasks / "deploy.yml").is_file()
        assert (ROOT / "aiinfra/nos" / row["gate"] / "tasks/bgp-state.yml").is_file()
        assert (tasks / "confirm.yml").is_file() == row["confirm"]

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
    """Every file of the switch playbooks passes ansible-lint --offline, production profile."""
    files = [
        *MINE,
        "playbooks/requirements.yml",
        *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "playbooks/tasks").glob("*.yml")),
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

"""The rendered inventory as Ansible reads it: every spec/design string is `!unsafe`, so a
`{{ ... }}` in one stays literal; only the secret references and the build-dir paths are
templated. Loaded and templated by the real ansible-inventory and ansible CLIs.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from aiinfra.pipeline import design_from_file, write_rendered
from aiinfra.render.inventory import Trusted, Unsafe, collector_hosts, inventory_files, load_yaml
from aiinfra.render.yamlout import dump
from tests.conftest import example, lab_data, write_spec
from tests.playbooks.ansiblerun import BIN, needs_ansible, run

# Paths (keys, with [] for a list item) whose values Ansible must template.
TEMPLATED = {
    ("aiinfra_config",),
    ("aiinfra_extra_configs", "[]"),
    ("aiinfra_secrets", "[]", "value"),
    ("aiinfra_platform_secrets", "[]", "value"),
    ("aiinfra_build_dir",),
    ("aiinfra_sonic_admin_password_hash",),
    ("aiinfra_telemetry_tls", "certificate"),
    ("aiinfra_telemetry_tls", "key"),
    ("aiinfra_telemetry_tls", "ca"),
}


def _scalars(node: yaml.Node, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], yaml.ScalarNode]]:
    if isinstance(node, yaml.MappingNode):
        return [hit for k, v in node.value for hit in _scalars(v, (*path, k.value))]
    if isinstance(node, yaml.SequenceNode):
        return [hit for v in node.value for hit in _scalars(v, (*path, "[]"))]
    return [(path, node)]


@pytest.mark.parametrize("name", ["lab", "vsphere-inference", "superpod-4su"])
def test_every_string_from_the_spec_is_unsafe_and_only_references_are_templated(name: str) -> None:
    result = example(name)
    platform = result.loaded.spec.platform
    files = inventory_files(result.design)
    seen_templated = set()
    for name, text in files.items():
        for path, node in _scalars(yaml.compose(text)):
            value = yaml.safe_load(node.value) if node.tag != "!unsafe" and node.style is None else node.value
            if path in TEMPLATED:
                seen_templated.add(path)
                assert node.tag != "!unsafe" and "{{" in node.value, (name, path)
            elif node.style is not None or isinstance(value, str):
                assert node.tag == "!unsafe", f"{name}: {'.'.join(path)} = {node.value!r} is not !unsafe"
    assert {("aiinfra_config",), ("aiinfra_build_dir",)} <= seen_templated <= TEMPLATED
    assert (("aiinfra_platform_secrets", "[]", "value") in seen_templated) == (platform.type != "baremetal")


def test_tagged_strings_are_emitted_quoted_deterministically_and_read_back() -> None:
    data = {"a": Unsafe("x"), "b": [Unsafe("{{ y }}"), Trusted("{{ z }}")], "c": Unsafe("yes")}
    text = dump(data)
    assert text == 'a: !unsafe "x"\nb:\n  - !unsafe "{{ y }}"\n  - "{{ z }}"\nc: !unsafe "yes"\n'
    assert dump(data) == text
    assert load_yaml(text) == {"a": "x", "b": ["{{ y }}", "{{ z }}"], "c": "yes"}


@needs_ansible
def test_ansible_loads_the_inventory_and_a_template_in_a_spec_value_stays_literal(tmp_path: Path) -> None:
    result = example("lab")
    design = result.design
    marker = tmp_path / "PWNED"
    hostile = "{{ lookup('ansible.builtin.pipe', 'touch " + str(marker) + "') }}"
    node = dataclasses.replace(design.nodes[0], facts={"serial": hostile})
    design = dataclasses.replace(design, nodes=[node, *design.nodes[1:]])
    inventory = tmp_path / "inventory"
    for name, text in inventory_files(design).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")

    listed = run([str(BIN / "ansible-inventory"), "-i", str(inventory), "--list"], tmp_path)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    hostvars: dict[str, Any] = json.loads(listed.stdout)["_meta"]["hostvars"]
    assert set(hostvars) == {*design.devices, *(n.name for n in design.nodes), *collector_hosts(design)}
    assert hostvars[node.name]["aiinfra_node_facts"]["serial"] == {"__ansible_unsafe": hostile}  # Ansible's mark
    assert hostvars["lab-be-spine-01"]["aiinfra_secrets"][0] == {
        "ref": {"__ansible_unsafe": "{{ vault_tacacs_key }}"},
        "value": "{{ vault_tacacs_key }}",
    }

    shown = run(
        [
            str(BIN / "ansible"),
            "-i",
            str(inventory),
            node.name,
            "-c",
            "local",
            "-m",
            "ansible.builtin.debug",
            "-a",
            json.dumps({"msg": "{{ aiinfra_node_facts.serial }}"}),
        ],
        tmp_path,
    )
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert hostile in shown.stdout
    assert not marker.exists(), "a template in a host_vars value ran on the controller"


@needs_ansible
def test_secret_references_and_build_paths_are_templated(tmp_path: Path) -> None:
    out = tmp_path / "render"
    write_rendered(example("lab"), out)
    shown = run(
        [
            str(BIN / "ansible"),
            "-i",
            str(out / "inventory"),
            "lab-be-spine-01",
            "-c",
            "local",
            "-e",
            "vault_tacacs_key=resolved-key",
            "-m",
            "ansible.builtin.debug",
            "-a",
            json.dumps({"msg": "{{ aiinfra_secrets[0].ref }}|{{ aiinfra_secrets[0].value }}|{{ aiinfra_config }}"}),
        ],
        tmp_path,
    )
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert f"{{{{ vault_tacacs_key }}}}|resolved-key|{out / 'inventory'}/../configs/lab-be-spine-01.cfg" in shown.stdout


def test_sonic_admin_password_hash_comes_from_the_specs_admin_user(tmp_path: Path) -> None:
    data = lab_data()
    data["security"]["users"].append(
        {
            "name": "admin",
            "ssh_keys": data["security"]["users"][0]["ssh_keys"],
            "password_hash": {"vault": "vault_admin"},
        }
    )
    result = design_from_file(write_spec(tmp_path, data))
    files = inventory_files(result.design)
    for name, device in result.design.devices.items():
        host_vars = load_yaml(files[f"inventory/host_vars/{name}.yml"])
        if device.os == "sonic":
            assert host_vars["aiinfra_sonic_admin_password_hash"] == "{{ vault_admin }}"
        else:
            assert "aiinfra_sonic_admin_password_hash" not in host_vars
    plain = inventory_files(example("lab").design)
    assert not any("aiinfra_sonic_admin_password_hash" in text for text in plain.values())

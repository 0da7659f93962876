"""compute.node_facts: CSV and YAML loading, positioned errors, renames reaching the whole design."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from aiinfra.cli import main
from aiinfra.errors import SpecError
from aiinfra.pipeline import design_from_file, render_files
from aiinfra.render.inventory import load_yaml
from tests.conftest import lab_data, platform_block, write_spec


def _spec(tmp_path: Path, facts_name: str, facts_text: str, **platform: object) -> Path:
    data = lab_data()
    data["compute"]["node_facts"] = facts_name
    if platform:
        data["platform"] = platform
    (tmp_path / facts_name).write_text(facts_text)
    return write_spec(tmp_path, data)


def _errors(path: Path) -> list[str]:
    with pytest.raises(SpecError) as info:
        design_from_file(path)
    return [str(d) for d in info.value.diagnostics]


YAML_FACTS = """nodes:
  lab-gpu-001:
    serial: SN-0001
    bmc_address: 192.168.0.200
    bmc_mac: "AA:BB:CC:00:00:01"
    macs: {gpu-fe0: "aa:bb:cc:00:01:00"}
    root_device: {device_name: /dev/nvme0n1, min_size_gigabytes: 400}
    netdevs: {enp24s0np0: gpu0_eth, enp170s0f0np0: gpu-fe0}
    rdma_devices: {mlx5_0: mlx5_20}
"""


def test_yaml_facts_rename_nics_everywhere(tmp_path: Path) -> None:
    result = design_from_file(_spec(tmp_path, "facts.yaml", YAML_FACTS))
    node = result.design.nodes[0]
    rail1 = node.backend[0]
    assert (rail1.netdev, rail1.rdma_device) == ("gpu0_eth", "mlx5_20")
    assert node.frontend[0].netdev == "gpu-fe0"
    assert node.bmc_address == "192.168.0.200/24"
    assert node.facts["serial"] == "SN-0001"
    assert node.facts["bmc_mac"] == "aa:bb:cc:00:00:01"
    assert node.facts["mac.gpu-fe0"] == "aa:bb:cc:00:01:00"
    assert node.facts["root.min_size_gigabytes"] == "400"
    # the cable and the leaf port description follow the rename
    links = [lk for lk in result.design.links if lk.a_device == node.name and lk.b_device == rail1.switch]
    assert [lk.a_interface for lk in links] == ["gpu0_eth"]
    leaf = result.design.devices[rail1.switch]
    port = next(i for i in leaf.interfaces if i.name == rail1.switch_interface)
    assert port.peer_interface == "gpu0_eth"
    assert port.description.endswith(f"{node.name} gpu0_eth")
    files = render_files(result).files
    assert b"gpu0_eth" in files["cabling.csv"]
    assert b"enp24s0np0" not in files[f"nodes/{node.name}/etc/netplan/60-aiinfra.yaml"]
    assert b"=mlx5_20:1," in files[f"nodes/{node.name}/etc/nccl.conf"]
    host_vars = load_yaml(files[f"inventory/host_vars/{node.name}.yml"])  # values are !unsafe
    assert host_vars["aiinfra_node_facts"]["serial"] == "SN-0001"
    assert host_vars["aiinfra_bmc_address"] == "192.168.0.200/24"
    # other nodes keep the catalog names
    assert result.design.nodes[1].backend[0].netdev == "enp24s0np0"


CSV_FACTS = """# site inventory
host,serial,bmc_mac,mac.enp170s0f0np0,netdev.enp24s0np0,root_device.min_size_gigabytes
lab-gpu-001,SN1,aa:bb:cc:00:00:01,aa:bb:cc:00:01:00,rail0,800
lab-gpu-002,SN2,,aa:bb:cc:00:02:00,,
"""


def test_csv_facts_match_yaml_semantics(tmp_path: Path) -> None:
    result = design_from_file(_spec(tmp_path, "facts.csv", CSV_FACTS))
    first, second = result.design.nodes[:2]
    assert first.backend[0].netdev == "rail0"
    assert first.facts == {
        "serial": "SN1",
        "bmc_mac": "aa:bb:cc:00:00:01",
        "mac.enp170s0f0np0": "aa:bb:cc:00:01:00",
        "root.min_size_gigabytes": "800",
    }
    assert second.facts == {"serial": "SN2", "mac.enp170s0f0np0": "aa:bb:cc:00:02:00"}
    assert second.backend[0].netdev == "enp24s0np0"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "facts.csv",
            "host,serial,macaddress\nlab-gpu-001,SN1,aa\n",
            "facts.csv:1:13: macaddress: unknown column 'macaddress'",
        ),
        (
            "facts.csv",
            "host,bmc_mac\nlab-gpu-001,SN1\nlab-gpu-002,zz:zz:zz:zz:zz:zz\n",
            "facts.csv:2:13: nodes.lab-gpu-001.bmc_mac: String should match pattern",
        ),
        (
            "facts.csv",
            "host,serial\nlab-gpu-001,a\nlab-gpu-001,b\n",
            "facts.csv:3:1: nodes.lab-gpu-001: host 'lab-gpu-001' appears twice",
        ),
        ("facts.csv", "host,serial\nlab-gpu-001,a,b\n", "facts.csv:2:1: 3 cells but the header has 2 columns"),
        (
            "facts.yaml",
            "nodes:\n  lab-gpu-009:\n    serial: x\n",
            "facts.yaml:2:3: nodes.lab-gpu-009: no node 'lab-gpu-009' in the design",
        ),
        (
            "facts.yaml",
            "nodes:\n  lab-gpu-001:\n    netdevs: {eth9: x}\n",
            "facts.yaml:3:15: nodes.lab-gpu-001.netdevs.eth9: lab-gpu-001 has no netdev 'eth9' to rename",
        ),
        (
            "facts.yaml",
            "nodes:\n  lab-gpu-001:\n    macs: {eth9: 'aa:bb:cc:dd:ee:ff'}\n",
            "facts.yaml:3:12: nodes.lab-gpu-001.macs.eth9: lab-gpu-001 has no interface 'eth9'",
        ),
        (
            "facts.yaml",
            "nodes:\n  lab-gpu-001:\n    bmc_address: 10.9.9.9\n",
            "facts.yaml:3:5: nodes.lab-gpu-001.bmc_address: 10.9.9.9 is outside the management network",
        ),
        (
            "facts.yaml",
            "nodes:\n  lab-gpu-001: {macs: {enp170s0f0np0: 'aa:bb:cc:dd:ee:ff'}}\n"
            "  lab-gpu-002: {macs: {enp170s0f0np0: 'AA:BB:CC:DD:EE:FF'}}\n",
            "nodes.lab-gpu-002.macs.enp170s0f0np0: MAC AA:BB:CC:DD:EE:FF is also lab-gpu-001 enp170s0f0np0",
        ),
        (
            "facts.yaml",
            "nodes:\n  lab-gpu-001:\n    colour: red\n",
            "facts.yaml:3:5: nodes.lab-gpu-001.colour: unknown key 'colour'",
        ),
        ("facts.json", "{}", "node facts must be a .csv, .yaml or .yml file, not '.json'"),
    ],
)
def test_bad_facts_are_positioned(tmp_path: Path, name: str, text: str, expected: str) -> None:
    errors = _errors(_spec(tmp_path, name, text))
    assert any(expected in e for e in errors), errors
    assert all(name in e for e in errors), errors


def test_missing_facts_file_is_a_clear_error(tmp_path: Path) -> None:
    data = lab_data()
    data["compute"]["node_facts"] = "nowhere.yaml"
    errors = _errors(write_spec(tmp_path, data))
    assert errors == [f"{tmp_path / 'nowhere.yaml'}: cannot read file: No such file or directory"]


def test_cli_reports_missing_openshift_macs_with_node_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = lab_data()
    data["platform"] = platform_block("openshift", control_plane_replicas=3)
    facts = {
        "nodes": {"lab-gpu-001": {"macs": {"enp170s0f0np0": "aa:bb:cc:00:00:01", "enp41s0f0np0": "aa:bb:cc:00:00:02"}}}
    }
    (tmp_path / "facts.yaml").write_text(yaml.safe_dump(facts))
    data["compute"]["node_facts"] = "facts.yaml"
    spec = write_spec(tmp_path, data)
    assert main(["validate", str(spec)]) == 2
    err = capsys.readouterr().err
    assert (
        "compute.node_facts: OpenShift agent-config needs each node's MAC for front-end interface enp170s0f0np0" in err
    )
    assert "(field macs.enp170s0f0np0); it is missing for nodes lab-gpu-002, lab-gpu-003, lab-gpu-004" in err
    assert "lab-gpu-001" not in err.split("missing for")[1].split(";")[0]
    assert "Traceback" not in err


PIPE = "{{ lookup('ansible.builtin.pipe', 'id') }}"


@pytest.mark.parametrize(
    ("name", "text", "where", "message"),
    [
        (
            "facts.yaml",
            "nodes:\n  lab-gpu-001: {bmc_mac: 'aa:bb:cc:00:00:01'}\n  lab-gpu-002: {bmc_mac: 'AA:BB:CC:00:00:01'}\n",
            "facts.yaml:3:",
            "nodes.lab-gpu-002.bmc_mac: MAC AA:BB:CC:00:00:01 is also lab-gpu-001 BMC",
        ),
        (
            "facts.yaml",
            "nodes:\n  lab-gpu-001: {macs: {enp170s0f0np0: 'aa:bb:cc:00:00:01'}}\n"
            "  lab-gpu-002: {bmc_mac: 'aa:bb:cc:00:00:01'}\n",
            "facts.yaml:3:",
            "nodes.lab-gpu-002.bmc_mac: MAC aa:bb:cc:00:00:01 is also lab-gpu-001 enp170s0f0np0",
        ),
        (
            "facts.csv",
            "host,bmc_mac\nlab-gpu-001,aa:bb:cc:00:00:01\nlab-gpu-002,aa:bb:cc:00:00:01\n",
            "facts.csv:3:13:",
            "nodes.lab-gpu-002.bmc_mac: MAC aa:bb:cc:00:00:01 is also lab-gpu-001 BMC",
        ),
        ("facts.csv", "host,bmc_mac\nlab-gpu-001,ff:ff:ff:ff:ff:ff\n", "facts.csv:2:13:", "is the broadcast MAC"),
        ("facts.csv", "host,bmc_mac\nlab-gpu-001,01:00:5e:00:00:01\n", "facts.csv:2:13:", "is a multicast MAC"),
        ("facts.csv", "host,bmc_mac\nlab-gpu-001,00:00:00:00:00:00\n", "facts.csv:2:13:", "is the all-zero MAC"),
        (
            "facts.yaml",
            "nodes:\n  lab-gpu-001: {macs: {enp170s0f0np0: '33:33:00:00:00:01'}}\n",
            "facts.yaml:2:",
            "nodes.lab-gpu-001.macs.enp170s0f0np0: 33:33:00:00:00:01 is a multicast MAC",
        ),
        (
            "facts.yaml",
            "nodes:\n  lab-gpu-001:\n    serial: '{{ vault_tacacs_key }}'\n",
            "facts.yaml:3:5:",
            "nodes.lab-gpu-001.serial: '{{' is a Jinja template delimiter",
        ),
        ("facts.csv", f'host,serial\nlab-gpu-001,"{PIPE}"\n', "facts.csv:2:13:", "'{{' is a Jinja template delimiter"),
        ("facts.csv", "host,serial\nlab-gpu-001,SN1\u2028lab-gpu-002\n", "facts.csv:2:13:", "U+2028 LINE SEPARATOR"),
        ("facts.csv", "host,serial\nlab-gpu-001,SN1\rx\n", "facts.csv:2:13:", "U+000D CR"),
        ("facts.csv", "host,serial\nlab-gpu-001,SN1\x85x\n", "facts.csv:2:13:", "U+0085 NEL"),
        ("facts.yaml", 'nodes:\n  lab-gpu-001: {serial: "SN\\e[31m"}\n', "facts.yaml:2:", "U+001B ESC"),
        (
            "facts.yaml",
            f'nodes:\n  lab-gpu-001:\n    root_device: {{model: "{PIPE}"}}\n',
            "facts.yaml:3:",
            "nodes.lab-gpu-001.root_device.model: '{{' is a Jinja template delimiter",
        ),
        (
            "facts.yaml",
            'nodes:\n  lab-gpu-001:\n    root_device: {serial_number: "S\\nx"}\n',
            "facts.yaml:3:",
            "nodes.lab-gpu-001.root_device.serial_number: U+000A LF",
        ),
        (
            "facts.csv",
            "host,root_device.vendor\nlab-gpu-001,{% raw %}\n",
            "facts.csv:2:13:",
            "nodes.lab-gpu-001.root_device.vendor: '{%' is a Jinja template delimiter",
        ),
        (
            "facts.yaml",
            'nodes:\n  lab-gpu-001:\n    root_device: {device_name: "/dev/sda{{ x }}"}\n',
            "facts.yaml:3:",
            "nodes.lab-gpu-001.root_device.device_name: String should match pattern",
        ),
        (
            "facts.yaml",
            "nodes:\n  lab-gpu-001:\n    root_device: {device_name: /dev/../etc/shadow}\n",
            "facts.yaml:3:",
            "'..' may not appear in a device path",
        ),
    ],
)
def test_hostile_facts_are_refused_by_render(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, where: str, message: str
) -> None:
    spec = _spec(tmp_path, name, text)
    out = tmp_path / "out"
    assert main(["render", str(spec), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith(str(tmp_path / where))]
    assert any(message in line for line in lines), err
    assert not out.exists()

"""Baremetal node files: netplan, ECMP drop-in, sysctl, unit, NCCL, and the role's file list.

``aiinfra render`` on the lab writes them under nodes/<host>/ laid out like ``/``.
"""

from __future__ import annotations

from ipaddress import IPv4Interface
from pathlib import Path

import pytest
import yaml

from aiinfra.cli import main
from tests.conftest import example


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lab-render")
    assert main(["render", "inventories/lab/cluster.yaml", "-o", str(out)]) == 0
    return out


def test_netplan_rails_and_front_end(rendered: Path) -> None:
    design = example("lab").design
    for node in design.nodes:
        eths = yaml.safe_load((rendered / f"nodes/{node.name}/etc/netplan/60-aiinfra.yaml").read_text())["network"][
            "ethernets"
        ]
        for nic in node.backend:
            eth = eths[nic.netdev]
            assert (eth["addresses"], eth["mtu"]) == ([nic.address], nic.mtu)
            assert eth["routes"] == [{"to": design.pools["backend.gpu"], "via": nic.gateway, "table": nic.route_table}]
            assert eth["routing-policy"] == [{"from": IPv4Interface(nic.address).ip.exploded, "table": nic.route_table}]
        for nic in node.frontend:
            assert eths[nic.netdev]["addresses"] == [nic.address]
            assert "routes" not in eths[nic.netdev]  # the default route is the ECMP drop-in's
        assert eths["lo"]["addresses"] == [node.frontend_address]
        assert len({eths[n.netdev]["routing-policy"][0]["table"] for n in node.backend}) == len(node.backend)


def test_ecmp_default_route_uses_both_leaves(rendered: Path) -> None:
    node = example("lab").design.nodes[0]
    (dropin,) = (rendered / f"nodes/{node.name}/etc/systemd/network").rglob("*.conf")
    assert dropin.parent.name == f"10-netplan-{node.frontend[0].netdev}.network.d"
    text = dropin.read_text()
    paths = [line.split("=", 1)[1] for line in text.splitlines() if line.startswith("MultiPathRoute=")]
    assert paths == [f"{n.gateway}@{n.netdev}" for n in node.frontend]
    assert f"PreferredSource={IPv4Interface(node.frontend_address).ip}" in text
    assert "Destination=" not in text  # default route


def test_boot_unit_sysctl_and_nccl(rendered: Path) -> None:
    node = example("lab").design.nodes[0]
    base = rendered / f"nodes/{node.name}"
    common = rendered / "nodes/_common"
    unit = (common / "etc/systemd/system/aiinfra-roce-qos.service").read_text()
    assert "ExecStart=/usr/local/bin/aiinfra-roce-qos" in unit and "ExecStartPost=/usr/local/bin/roce-check" in unit
    assert "WantedBy=multi-user.target" in unit and "After=network-online.target openibd.service" in unit
    qos = (common / "usr/local/bin/aiinfra-roce-qos").read_text()
    assert 'mlnx_qos -i "$dev" --trust dscp' in qos  # the lab asks for mlnx_qos
    sysctl = (base / "etc/sysctl.d/60-aiinfra.conf").read_text()
    for line in (
        "net.ipv4.conf.all.arp_ignore = 2",
        "net.ipv4.conf.all.arp_announce = 1",
        "net.ipv4.conf.all.rp_filter = 2",
    ):
        assert line in sysctl
    nccl = dict(
        line.split("=", 1) for line in (base / "etc/nccl.conf").read_text().splitlines() if not line.startswith("#")
    )
    assert nccl["NCCL_IB_HCA"] == "=" + ",".join(f"{n.rdma_device}:1" for n in node.backend)
    assert nccl["NCCL_IB_TC"] == "106" and nccl["NCCL_IB_GID_INDEX"] == "3"
    profile = (base / "etc/profile.d/aiinfra-nccl.sh").read_text()
    assert f'export NCCL_IB_TC="{nccl["NCCL_IB_TC"]}"' in profile


def _files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_role_file_list_covers_every_node_file(rendered: Path) -> None:
    """Each node's own files (nodes/<host>/) and the shared ones (nodes/_common/) are listed,
    each in the group whose task installs it; nothing else is under nodes/."""
    design = example("lab").design
    shared = _files_under(rendered / "nodes/_common")
    assert shared == [
        "etc/systemd/system/aiinfra-roce-qos.service",
        "usr/local/bin/aiinfra-roce-qos",
        "usr/local/bin/roce-check",
    ]
    for node in design.nodes:
        listed = yaml.safe_load((rendered / f"nodes/{node.name}.yml").read_text())
        own = listed["aiinfra_node_files"]
        assert sorted(f for group in own.values() for f in group) == _files_under(rendered / "nodes" / node.name)
        assert own["roce"] == ["etc/aiinfra/roce.env"]
        assert listed["aiinfra_node_shared_files"] == {"scripts": shared[1:], "units": shared[:1]}
    hosts = {n.name for n in design.nodes}
    assert {p.name for p in (rendered / "nodes").iterdir()} == {"_common", *hosts, *(f"{h}.yml" for h in hosts)}

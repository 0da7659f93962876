"""roce-check against a fake host tree: a correct host passes, every mismatch is reported.

The script is rendered from a real design (the lab), cut to two rail NICs so each
run stays fast; the fake tree is built from the same intent, then one live value
at a time is broken the way the field breaks it (fabric.md 3.2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from aiinfra.design.platform import HostIntent
from aiinfra.platforms.host import qos_files
from tests.conftest import example
from tests.nodes.fakehost import FakeHost, NicState


def _intent() -> HostIntent:
    lab = example("lab")
    assert lab.design.platform is not None
    full = lab.design.platform.hosts[lab.design.nodes[0].name]
    return replace(full, nics=full.nics[:2])


def _script(tmp_path: Path, intent: HostIntent, tool: str) -> Path:
    path = tmp_path / f"roce-check-{tool}"
    path.write_text(qos_files(intent, tool)["usr/local/bin/roce-check"])
    return path


def _host(tmp_path: Path, intent: HostIntent, change: Callable[[NicState], None] | None = None) -> FakeHost:
    states = [NicState.matching(n, intent.gpu_pool) for n in intent.nics]
    if change is not None:
        change(states[1])
    intended = {n.netdev: dict(n.dscp_to_priority) for n in intent.nics}
    tables = {n.netdev: n.route_table for n in intent.nics}
    return FakeHost(tmp_path / "host", states, intended, tables).build()


@pytest.mark.parametrize("tool", ["mlnx_qos", "dcb"])
def test_correct_host_passes(tmp_path: Path, tool: str) -> None:
    intent = _intent()
    result = _host(tmp_path, intent).run(_script(tmp_path, intent, tool))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stdout
    assert "2 back-end NICs" in result.stdout


def _set(attr: str, value: object) -> Callable[[NicState], None]:
    def change(s: NicState) -> None:
        setattr(s, attr, value)

    return change


def _item(attr: str, key: int, value: object) -> Callable[[NicState], None]:
    def change(s: NicState) -> None:
        getattr(s, attr)[key] = value

    return change


def _pfc_on(prio: int) -> Callable[[NicState], None]:
    def change(s: NicState) -> None:
        s.pfc = [1 if p == prio else 0 for p in range(8)]

    return change


# (id, change, the setting the FAIL line must name, tools it applies to)
MISMATCHES = [
    ("mtu-1500", _set("mtu", 1500), "mtu", ("mlnx_qos", "dcb")),
    ("trust-pcp", _set("trust", "pcp"), "trust", ("mlnx_qos", "dcb")),
    ("pfc-on-4", _pfc_on(4), "pfc", ("mlnx_qos", "dcb")),
    ("pfc-off", _set("pfc", [0] * 8), "pfc", ("mlnx_qos", "dcb")),
    ("dscp26-lossy", _item("dscp2prio", 26, 1), "dscp 26 priority", ("mlnx_qos", "dcb")),
    ("cnp-dscp-map", _item("dscp2prio", 48, 3), "dscp 48 priority", ("mlnx_qos", "dcb")),
    ("ecn-np-off", _item("ecn_np", 3, 0), "ecn roce_np priority 3", ("mlnx_qos", "dcb")),
    ("ecn-rp-off", _item("ecn_rp", 3, 0), "ecn roce_rp priority 3", ("mlnx_qos", "dcb")),
    ("cnp-dscp", _set("cnp_dscp", 46), "cnp dscp", ("mlnx_qos", "dcb")),
    ("cnp-prio", _set("cnp_prio", 7), "cnp priority", ("mlnx_qos", "dcb")),
    ("tos-tclass", _set("tclass", 96), "tos (traffic_class)", ("mlnx_qos", "dcb")),
    ("tos-rdma-cm", _set("cm_tos", 0), "tos (rdma_cm)", ("mlnx_qos", "dcb")),
    ("roce-v1", _set("roce_mode", "IB/RoCE v1"), "roce mode", ("mlnx_qos", "dcb")),
    ("gid-type", _item("gid_types", 3, "IB/RoCE v1"), "gid 3 type", ("mlnx_qos", "dcb")),
    ("gid-addr", _item("gids", 3, "0000:0000:0000:0000:0000:ffff:0a63:0001"), "gid 3", ("mlnx_qos", "dcb")),
    ("pause-rx", _set("pause_rx", "on"), "802.3x rx pause", ("mlnx_qos", "dcb")),
    ("pause-tx", _set("pause_tx", "on"), "802.3x tx pause", ("mlnx_qos", "dcb")),
    ("netdev-gone", _set("present", False), "netdev", ("mlnx_qos", "dcb")),
    ("dcb-conflict", lambda s: s.extra_dcb_apps.append("26:0"), "dscp 26 priority", ("dcb",)),
    ("link-down", _set("operstate", "down"), "link", ("mlnx_qos", "dcb")),
    ("speed-200g", _set("speed_mbps", 200000), "speed (Mb/s)", ("mlnx_qos", "dcb")),
    ("no-rail-route", _set("route", ""), "rail route (table 102)", ("mlnx_qos", "dcb")),
    (
        "route-via-wrong-nic",
        lambda s: setattr(s, "route", s.route.replace(s.netdev, "eth0")),
        "rail route (table 102)",
        ("mlnx_qos", "dcb"),
    ),
    ("no-source-rule", _set("rule", ""), "rail source rule", ("mlnx_qos", "dcb")),
]
CASES = [
    pytest.param(tool, change, what, id=f"{tool}-{name}") for name, change, what, tools in MISMATCHES for tool in tools
]


@pytest.mark.parametrize(("tool", "change", "what"), CASES)
def test_each_mismatch_is_reported(tmp_path: Path, tool: str, change: Callable[[NicState], None], what: str) -> None:
    intent = _intent()
    broken = intent.nics[1]
    result = _host(tmp_path, intent, change).run(_script(tmp_path, intent, tool))
    assert result.returncode == 1, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith(f"FAIL {intent.node} ")]
    named = [line for line in lines if f" {what}: expected" in line]
    assert named, f"no mismatch names {what!r}:\n{result.stdout}"
    assert all(broken.netdev in line or broken.rdma_device in line for line in lines), result.stdout
    assert intent.nics[0].netdev not in result.stdout.replace(broken.netdev, "")


def test_pool_script_derives_the_gid_from_the_live_address(tmp_path: Path) -> None:
    """The OpenShift MachineConfig script has no per-node address; it checks the GID
    against the address the NIC actually holds, and reports a NIC with none."""
    intent = _intent()
    pool = replace(intent, nics=tuple(replace(n, gid="auto") for n in intent.nics))
    script = _script(tmp_path, pool, "dcb")
    assert _host(tmp_path / "ok", intent).run(script).returncode == 0
    result = _host(tmp_path / "bad", intent, _set("address", "")).run(script)
    assert result.returncode == 1
    assert f"FAIL {intent.node} {intent.nics[1].netdev} ipv4 address" in result.stdout


def test_qos_scripts_are_valid_bash(tmp_path: Path) -> None:
    import subprocess

    intent = _intent()
    for name in ("roce-check", "aiinfra-roce-qos"):
        for tool in ("mlnx_qos", "dcb"):
            path = tmp_path / f"{name}-{tool}"
            path.write_text(qos_files(intent, tool)[f"usr/local/bin/{name}"])
            subprocess.run(["bash", "-n", str(path)], check=True)

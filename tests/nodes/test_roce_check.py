"""roce-check against a fake host tree: a correct host passes, every mismatch is reported.

The script is the cluster's shared roce-check (``nodes/_common/``), rendered from a real
design (the lab) for each QoS tool, run with a node's real values file (``roce.env``, cut
to two rail NICs so each run stays fast); the fake tree is built from the same intent,
then one live value at a time is broken the way the field breaks it (fabric.md 3.2). A
values file that is not one aiinfra writes stops both scripts before they read or touch
a setting.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from aiinfra.design.platform import HostIntent
from aiinfra.platforms.baremetal.render import CHECK_SCRIPT, COMMON, QOS_SCRIPT, shared_files
from aiinfra.platforms.baremetal.values import roce_env
from aiinfra.platforms.host import qos_files
from tests.conftest import example
from tests.nodes.fakehost import FakeHost, NicState


def _intent() -> HostIntent:
    lab = example("lab")
    assert lab.design.platform is not None
    full = lab.design.platform.hosts[lab.design.nodes[0].name]
    return replace(full, nics=full.nics[:2])


@cache
def _shared(tool: str) -> dict[str, str]:
    """The lab's shared node files, rendered for ``tool``."""
    design = example("lab").design
    assert design.platform is not None
    return shared_files(replace(design, platform=replace(design.platform, qos_tool=tool)))


def _script(tmp_path: Path, intent: HostIntent, tool: str, name: str = CHECK_SCRIPT) -> tuple[Path, Path]:
    """The shared script and the node's values file, written under ``tmp_path``."""
    path = tmp_path / f"{Path(name).name}-{tool}"
    path.write_text(_shared(tool)[f"{COMMON}/{name}"])
    values = tmp_path / "roce.env"
    values.write_text(roce_env(intent))
    return path, values


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
    result = _host(tmp_path, intent).run(*_script(tmp_path, intent, tool))
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
    host = _host(tmp_path, intent, change)
    result = host.run(*_script(tmp_path, intent, tool))
    assert result.returncode == 1, result.stdout + result.stderr
    inline = tmp_path / "roce-check-inline"  # the per-node script with the values written in (before nodes/_common)
    inline.write_text(qos_files(intent, tool)[CHECK_SCRIPT])
    assert (host.run(inline).stdout, result.stderr) == (result.stdout, "")
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
    script = tmp_path / "roce-check-pool"
    script.write_text(qos_files(pool, "dcb")["usr/local/bin/roce-check"])
    assert _host(tmp_path / "ok", intent).run(script).returncode == 0
    result = _host(tmp_path / "bad", intent, _set("address", "")).run(script)
    assert result.returncode == 1
    assert f"FAIL {intent.node} {intent.nics[1].netdev} ipv4 address" in result.stdout


def _edit(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text
        return text.replace(old, new, 1)

    return edit


def _drop(key: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        lines = [line for line in text.splitlines(keepends=True) if not line.startswith(f"{key}=")]
        assert len(lines) == text.count("\n") - 1
        return "".join(lines)

    return edit


MARK = "/tmp/aiinfra-roce-values-ran"  # what a value run as shell code would create
# (id, how the node's good roce.env is spoiled, what stderr names)
BAD_VALUES = [
    ("command-substitution", _edit('ROCE_NODE="', f'ROCE_NODE="$(touch {MARK})'), "line 5"),
    ("backquote", _edit('ROCE_NIC2_NETDEV="', f'ROCE_NIC2_NETDEV="`touch {MARK}`'), "line"),
    ("arithmetic", _edit('ROCE_NICS="2"', f'ROCE_NICS="a[$(touch {MARK})]"'), "line 7"),
    ("unquoted", _edit('ROCE_GPU_POOL="', "ROCE_GPU_POOL=x;touch${IFS}" + MARK + ' #"'), "line 6"),
    ("unknown-key", _edit('ROCE_NODE="', 'PATH="/tmp"\nROCE_NODE="'), "line 5"),
    ("no-equals", _edit("ROCE_NICS=", "ROCE_NICS "), "line 7"),
    ("crlf", _edit('ROCE_NICS="2"\n', 'ROCE_NICS="2"\r\n'), "line 7"),
    ("leading-zero-count", _edit('ROCE_NICS="2"', 'ROCE_NICS="02"'), "not a number"),
    ("missing-node", _drop("ROCE_NODE"), "sets no ROCE_NODE"),
    ("missing-nic-field", _drop("ROCE_NIC2_GID"), "sets no ROCE_NIC2_GID"),
]


@pytest.mark.parametrize(("spoil", "named"), [pytest.param(s, n, id=i) for i, s, n in BAD_VALUES])
def test_a_values_file_aiinfra_did_not_write_stops_roce_check(
    tmp_path: Path, spoil: Callable[[str], str], named: str
) -> None:
    """Exit 2 with the line or key named, no FAIL line (nothing was compared), no value run."""
    Path(MARK).unlink(missing_ok=True)
    intent = _intent()
    script, values = _script(tmp_path, intent, "dcb")
    values.write_text(spoil(values.read_text()))
    result = _host(tmp_path, intent).run(script, values)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "FAIL" not in result.stdout
    assert named in result.stderr and result.stderr.startswith("roce-check: "), result.stderr
    assert not Path(MARK).exists()


def test_the_environment_cannot_fill_a_missing_value(tmp_path: Path) -> None:
    intent = _intent()
    script, values = _script(tmp_path, intent, "dcb")
    values.write_text(_drop("ROCE_NIC1_MTU")(values.read_text()))
    host = _host(tmp_path, intent)
    result = subprocess.run(
        ["env", "ROCE_NIC1_MTU=9000", "bash", str(script)],
        env={**_env(host), "ROCE_CHECK_VALUES": str(values)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2 and "sets no ROCE_NIC1_MTU" in result.stderr, result.stderr


def test_a_missing_values_file_stops_roce_check(tmp_path: Path) -> None:
    intent = _intent()
    script, _ = _script(tmp_path, intent, "mlnx_qos")
    result = _host(tmp_path, intent).run(script, tmp_path / "absent.env")
    assert result.returncode == 2 and "cannot read the values file" in result.stderr
    assert "FAIL" not in result.stdout


def _env(host: FakeHost) -> dict[str, str]:
    import os

    return {
        **os.environ,
        "ROCE_CHECK_SYSFS": str(host.sysfs),
        "ROCE_CHECK_CONFIGFS": str(host.configfs),
        "ROCE_CHECK_BIN": str(host.bin),
    }


def _qos_run(tmp_path: Path, values: Path, tool: str) -> tuple[subprocess.CompletedProcess[str], str]:
    """The shared aiinfra-roce-qos with every command it runs logged by a stand-in on PATH.
    The lab's netdevs do not exist here, so a run that got past its values waits 0 s for
    each NIC's sysfs, reports it missing and writes nothing."""
    script = tmp_path / f"aiinfra-roce-qos-{tool}"
    script.write_text(_shared(tool)[f"{COMMON}/{QOS_SCRIPT}"])
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir(exist_ok=True)
    for name in ("modprobe", "mountpoint", "mount", "ip", "mlnx_qos", "dcb", "ethtool", "mkdir"):
        (bin_dir / name).write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\n')
        (bin_dir / name).chmod(0o755)
    import os

    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "AIINFRA_ROCE_WAIT": "0"}
    env["AIINFRA_ROCE_VALUES"] = str(values)
    result = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=60, check=False)
    return result, log.read_text() if log.exists() else ""


@pytest.mark.parametrize("tool", ["mlnx_qos", "dcb"])
def test_the_shared_qos_script_applies_each_nic_of_the_values_file(tmp_path: Path, tool: str) -> None:
    intent = _intent()
    _, values = _script(tmp_path, intent, tool)
    result, calls = _qos_run(tmp_path, values, tool)
    assert result.returncode == 1
    missing = [line for line in result.stderr.splitlines() if "is still missing" in line]
    assert [line.split(":")[1].strip() for line in missing] == [n.netdev for n in intent.nics]
    assert f"2 step(s) failed on {intent.node}" in result.stderr
    assert "modprobe rdma_cm" in calls


def test_the_shared_qos_script_refuses_a_spoiled_values_file(tmp_path: Path) -> None:
    """Exit 1 before the first command: no module loaded, no configfs mounted, no NIC touched."""
    Path(MARK).unlink(missing_ok=True)
    intent = _intent()
    _, values = _script(tmp_path, intent, "dcb")
    values.write_text(_edit('ROCE_NIC1_MTU="', f'ROCE_NIC1_MTU="$(touch {MARK})')(values.read_text()))
    result, calls = _qos_run(tmp_path, values, "dcb")
    assert result.returncode == 1
    assert result.stderr.startswith("aiinfra-roce-qos: ") and "is not ROCE_<key>" in result.stderr
    assert calls == "" and not Path(MARK).exists()


def test_qos_scripts_are_valid_bash(tmp_path: Path) -> None:
    """The shared scripts and OpenShift's per-pool ones, for both tools."""
    intent = _intent()
    for name in (CHECK_SCRIPT, QOS_SCRIPT):
        for tool in ("mlnx_qos", "dcb"):
            for kind, text in (("shared", _shared(tool)[f"{COMMON}/{name}"]), ("pool", qos_files(intent, tool)[name])):
                path = tmp_path / f"{Path(name).name}-{tool}-{kind}"
                path.write_text(text)
                subprocess.run(["bash", "-n", str(path)], check=True)

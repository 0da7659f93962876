"""The emulated lab end to end on the `lab` example: up (deploying through
playbooks/site.yml), verify, fail a spine link, verify, restore, down, and nothing of
the lab left behind. Needs root and Debian's frr, openssh-server, iproute2, traceroute
and iputils-ping (`.ci/run` installs them); otherwise skipped with the reason."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
from pathlib import Path

import pytest

from aiinfra.lab import cli, context, deploy, down, frr, requirements, state, verify
from aiinfra.lab.names import namespace_prefixes
from tests.conftest import EXAMPLES

MISSING = requirements.missing()
SPEC = EXAMPLES / "lab" / "cluster.yaml"
# A link failure is seen by both ends at once (carrier loss), so routing must settle in
# well under BFD's 900 ms detection time; restore waits for BGP to re-establish.
FAIL_BOUND_S = 2.0
RESTORE_BOUND_S = 30.0

pytestmark = [pytest.mark.lab, pytest.mark.slow]


def _cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="aiinfra")
    cli.add_parser(parser.add_subparsers(dest="command", required=True))
    return cli.run(parser.parse_args(["lab", *argv]))


def _root_network() -> tuple[str, str]:
    """Addresses and routes of the root namespace, to prove the lab never touches them."""
    addrs = json.loads(subprocess.run(["ip", "-j", "address"], capture_output=True, text=True, check=True).stdout)
    routes = subprocess.run(["ip", "-4", "route", "show", "table", "all"], capture_output=True, text=True, check=True)
    summary = sorted((a["ifname"], i["local"], i["prefixlen"]) for a in addrs for i in a.get("addr_info", []))
    return json.dumps(summary), routes.stdout


def _lab_processes(lab_id: str, lab_dir: Path) -> list[str]:
    marks = (str(lab_dir), *namespace_prefixes(lab_id))
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if any(m in cmdline for m in marks):
                found.append(f"{proc.name}: {cmdline}")
    return found


@pytest.mark.skipif(bool(MISSING), reason="lab prerequisites missing: " + "; ".join(MISSING))
def test_lab_up_verify_fail_restore_down() -> None:
    lab_id = f"p{os.getpid() % 4096:03x}"
    root_before = _root_network()
    ctx = context.load(SPEC, lab_id)
    design = ctx.result.design
    try:
        assert _cli("up", str(SPEC), "--id", lab_id) == 0
        st = state.require(lab_id)
        assert st.phase == "up"

        # Deployed by the real playbook of the installed collection, one rail per batch.
        log = (ctx.lab_dir / "deploy.log").read_text(encoding="utf-8")
        assert log.splitlines()[0].endswith(" aiinfra.fabric.site")
        installed = deploy.collections_dir(ctx.lab_dir) / "ansible_collections" / "aiinfra" / "fabric"
        assert (installed / "playbooks" / "site.yml").is_file(), "the lab runs the installed collection"
        assert log.count("PLAY [Back-end leaves, one rail at a time]") == design.rails
        assert "failed=0" in log and "unreachable=0" in log
        assert _root_network() == root_before, "the lab changed the root namespace's addresses or routes"

        report = verify.verify(ctx, [])
        assert report.ok, report.render()
        areas = {c.area for c in report.checks}
        assert sum(c.area == "BGP sessions" for c in report.checks) == 72
        assert {a for a in areas if "reachability" in a} == {
            "same-rail reachability (1 switch hop)",
            "cross-rail reachability (via spine)",
        }
        ecmp = [c for c in report.checks if c.area == "ECMP paths per leaf" and c.subject.startswith("lab-be")]
        assert ecmp and all(c.detail.startswith("4 next hops") for c in ecmp)

        # Fail one spine link of rail 1's leaf; traffic must reroute within the bound.
        leaf = design.devices["lab-be-leaf-su001-r1"]
        uplink = next(i for i in leaf.interfaces if i.role == "uplink")
        target = f"{leaf.name}:{uplink.name}"
        assert _cli("fail", str(SPEC), target, "--id", lab_id) == 0
        st = state.require(lab_id)
        (failure,) = st.failures
        assert failure.convergence_s is not None and failure.convergence_s < FAIL_BOUND_S
        report = verify.verify(ctx, st.failures)
        assert report.ok, report.render()
        down_sessions = [c for c in report.checks if c.area == "BGP sessions" and "expected down" in c.detail]
        assert len(down_sessions) == 2
        leaf_paths = [c for c in report.checks if c.area == "ECMP paths per leaf" and c.subject.startswith(leaf.name)]
        assert leaf_paths and all(c.detail.startswith("3 next hops") for c in leaf_paths)

        assert _cli("restore", str(SPEC), "--id", lab_id) == 0
        st = state.require(lab_id)
        assert not st.failures and st.last_restore_s is not None and st.last_restore_s < RESTORE_BOUND_S
        assert _cli("verify", str(SPEC), "--id", lab_id) == 0
    finally:
        assert _cli("down", str(SPEC), "--id", lab_id) == 0

    assert not [ns for ns in subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout.split()
                if ns.startswith(namespace_prefixes(lab_id))]  # fmt: skip
    assert not _lab_processes(lab_id, ctx.lab_dir)
    assert not ctx.lab_dir.exists()
    assert not [p for p in frr.FRR_RUN.iterdir() if p.name.startswith(namespace_prefixes(lab_id))]
    assert _root_network() == root_before
    assert down.down(lab_id).empty, "a second down must find nothing"

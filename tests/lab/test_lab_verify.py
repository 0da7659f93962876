"""The acceptance catalog against the emulated lab, end to end: `aiinfra lab up` (lldpd in
every namespace), `lab verify` passes the catalog (LLDP = cabling plan, BGP peers and
prefixes, ports up at MTU), `playbooks/verify.yml` passes against the lab's switches
through its FRR task file, then `lab fail --swap-cable` swaps two leaf uplinks, and both
`lab verify` and the playbook fail and name the swapped pair; `restore` heals it. Then
`playbooks/perf-acceptance.yml` (iperf3 per rail pair, the lab's path) passes, and with a
node's rail NIC cut fails with a table naming exactly that NIC's two pairs.
Needs root and Debian's frr, lldpd, openssh and iproute2; otherwise skipped with the reason."""

from __future__ import annotations

import argparse
import os

import pytest

from aiinfra.lab import cli, context, deploy, perf, requirements, state, verify
from tests.conftest import EXAMPLES
from tests.playbooks.ansiblerun import BIN, run

MISSING = requirements.missing()
SPEC = EXAMPLES / "lab" / "cluster.yaml"
A, B = "lab-be-leaf-su001-r1:Ethernet256", "lab-be-leaf-su001-r2:Ethernet256"  # both to lab-be-spine-01
HOST_PORT = "lab-be-leaf-su001-r3:Ethernet4"  # lab-gpu-002's rail-3 NIC

pytestmark = [pytest.mark.lab, pytest.mark.slow]


def _cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="aiinfra")
    cli.add_parser(parser.add_subparsers(dest="command", required=True))
    return cli.run(parser.parse_args(["lab", *argv]))


def _playbook(ctx: context.LabContext, tmp_path) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """aiinfra.fabric.verify, as `lab up` installed it, from the lab's controller namespace."""
    argv = [
        "ip", "netns", "exec", ctx.plan.controller_namespace,
        str(BIN / "ansible-playbook"), "-i", str(ctx.render_dir / "inventory"), "-i", str(ctx.lab_dir / "inventory"),
        "--limit", "backend_leaf:backend_spine", "-e", '{"aiinfra_verify_sections": ["lldp", "bgp", "interfaces"]}',
        deploy.playbook("verify"),
    ]  # fmt: skip
    installed = {"ANSIBLE_COLLECTIONS_PATH": str(deploy.collections_dir(ctx.lab_dir))}
    result = run(argv, tmp_path, timeout=600, extra=installed)
    return result.returncode, result.stdout + result.stderr


@pytest.mark.skipif(bool(MISSING), reason="lab prerequisites missing: " + "; ".join(MISSING))
def test_catalog_passes_then_names_a_swapped_pair(tmp_path) -> None:  # type: ignore[no-untyped-def]
    lab_id = f"v{os.getpid() % 4096:03x}"
    ctx = context.load(SPEC, lab_id)
    try:
        assert _cli("up", str(SPEC), "--id", lab_id) == 0
        report = verify.verify(ctx, [])
        assert report.ok, report.render()
        catalog = {c.area for c in report.checks if c.area.startswith("catalog: ")}
        assert catalog == {"catalog: lldp", "catalog: bgp", "catalog: interfaces"}
        leaves = [c for c in report.checks if c.area == "catalog: lldp" and c.subject.startswith("lab-be-leaf")]
        assert len(leaves) == 8 and all(c.ok for c in leaves)

        rc, out = _playbook(ctx, tmp_path)
        assert rc == 0, out
        assert out.count("verified (lldp, bgp, interfaces)") == 10, out

        assert _cli("fail", str(SPEC), "--swap-cable", A, B, "--id", lab_id) == 0
        st = state.require(lab_id)
        assert [f.kind for f in st.failures] == ["swap"]
        report = verify.verify(ctx, st.failures, timeout=5)
        assert not report.ok
        text = report.render()
        lldp = [c for c in report.checks if c.area == "catalog: lldp" and not c.ok]
        assert {c.subject for c in lldp} == {"lab-be-leaf-su001-r1", "lab-be-leaf-su001-r2", "lab-be-spine-01"}, text
        swaps = [c.detail for c in report.checks if c.area == "catalog: swapped cables"]
        assert len(swaps) == 1, text
        assert swaps[0].startswith(
            f"cables {A} <-> lab-be-spine-01:Ethernet1/1/1 and {B} <-> lab-be-spine-01:Ethernet1/2/1"
        )

        rc, out = _playbook(ctx, tmp_path)
        assert rc != 0
        assert f"SWAPPED cables {A} <-> lab-be-spine-01:Ethernet1/1/1" in out, out

        assert _cli("restore", str(SPEC), "--id", lab_id) == 0
        assert _cli("verify", str(SPEC), "--id", lab_id) == 0

        # Performance acceptance through playbooks/perf-acceptance.yml: iperf3 per rail pair.
        code, out = perf.run(ctx)
        assert code == 0, out
        assert "all 32 rail pairs at or above their threshold" in out
        assert _cli("fail", str(SPEC), HOST_PORT, "--id", lab_id) == 0  # lab-gpu-002's rail-3 NIC
        code, out = perf.run(ctx)
        assert code != 0
        rows = [line.strip().strip('",') for line in out.splitlines()]
        low = [row for row in rows if row.startswith("rail ")]  # the table's rows, as the assert prints them
        assert [line.split("  ")[0] for line in low] == [
            "rail 3: lab-gpu-001 -> lab-gpu-002 (iperf3)",
            "rail 3: lab-gpu-002 -> lab-gpu-003 (iperf3)",
        ], out
        assert _cli("restore", str(SPEC), "--id", lab_id) == 0
    finally:
        assert _cli("down", str(SPEC), "--id", lab_id) == 0
    assert not ctx.lab_dir.exists()

"""Validate accepts => render succeeds and every vendor validator accepts; validate refuses =>
positioned messages and exit 2, never exit 1.

Each drawn spec (tests/property/specs.py) is written as YAML text to a temporary
``cluster.yaml`` and run through the real CLI (``aiinfra.cli.main``): ``validate``,
then ``render -o DIR``. The rendered tree is read back and given to
``tests.validators.vendor_problems`` (SONiC YANG, strict NVUE, ``vtysh -C``, the
NX-OS/EOS/Junos cross-reference, kubernetes-validate + CRDs), and the FRR configs
the emulated lab would load go through ``vtysh -C`` too.

The run is reproducible (``derandomize=True``, no example database) and its size is
fixed: ``EXAMPLES`` examples, recorded with the accept/refuse split in
docs/validation.md. There is no shrinking (each step would re-run the CLI); a
failure prints the whole drawn spec as YAML instead, ready to save and re-run.
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings

from aiinfra import cli
from aiinfra.pipeline import design_from_file
from tests.property.specs import cluster
from tests.validators import frr_vtysh, vendor_problems

EXAMPLES = 100
SUMMARY = re.compile(r"^aiinfra: \d+ problems? found; nothing was written$")


def _synthetic_mac(index: int, port: int) -> str:
    return f"02:a1:{index >> 8 & 0xFF:02x}:{index & 0xFF:02x}:00:{port:02x}"


def add_node_facts(data: dict[str, Any], work: Path) -> None:
    """What only the site knows, synthesised: OpenShift needs each node's front-end MACs,
    vSphere the ESXi vmnic name of each NIC.

    Node names and NICs come from a first design of the spec on baremetal (which needs
    no facts; the design refuses the other platforms without them); a spec that cannot be
    designed gets no facts file, and the real run says why.
    """
    from aiinfra.design.build import build_design, resolve_catalog
    from aiinfra.spec.load import load_spec

    probe = work / "probe.yaml"
    probe.write_text(yaml.safe_dump({**data, "platform": {"type": "baremetal"}}, sort_keys=False))
    try:
        spec = load_spec(probe).spec
        design = build_design(spec, resolve_catalog(spec))
    except Exception:  # the real run below reports it properly
        return
    finally:
        probe.unlink()
    nodes: dict[str, Any] = {}
    for node in design.nodes:
        if data["platform"]["type"] == "openshift":
            nodes[node.name] = {"macs": {n.netdev: _synthetic_mac(node.index, i) for i, n in enumerate(node.frontend)}}
        else:
            nics = sorted({n.netdev for n in (*node.backend, *node.frontend, *node.storage)})
            nodes[node.name] = {"netdevs": {netdev: f"vmnic{i + 2}" for i, netdev in enumerate(nics)}}
    (work / "node-facts.yaml").write_text(yaml.safe_dump({"nodes": nodes}, sort_keys=False))
    data["compute"]["node_facts"] = "node-facts.yaml"


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main(argv)
    return rc, out.getvalue(), err.getvalue()


def crash_details(err: str) -> str:
    """The traceback the CLI saved for an internal error, for the failure message."""
    found = re.search(r"details in (\S+)$", err.strip())
    if not found or not Path(found.group(1)).is_file():
        return err
    return err + Path(found.group(1)).read_text()[-2500:]


def read_tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def check_case(data: dict[str, Any], stats: Counter[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="aiinfra-prop-") as tmp:
        work = Path(tmp)
        if data["platform"]["type"] in ("openshift", "vmware"):
            add_node_facts(data, work)
        spec = work / "cluster.yaml"
        spec.write_text(yaml.safe_dump(data, sort_keys=False))
        rc, _, err = run_cli(["validate", str(spec)])
        assert rc in (0, 2), f"validate exit {rc}: {crash_details(err)}"
        assert "internal error" not in err and "Traceback" not in err, err
        out = work / "out"
        if rc == 2:
            stats["refused"] += 1
            lines = err.strip().splitlines()
            assert lines and SUMMARY.match(lines[-1]), err
            for line in lines[:-1]:
                assert re.match(rf"^{re.escape(str(spec))}:\d+:\d+: \S", line), f"not positioned: {line!r}"
            rc, _, err = run_cli(["render", str(spec), "-o", str(out)])
            assert rc == 2 and not out.exists(), f"render of a refused spec: exit {rc}, {crash_details(err)}"
            return
        stats["accepted"] += 1
        rc, _, err = run_cli(["render", str(spec), "-o", str(out)])
        assert rc == 0, f"render exit {rc} after validate accepted: {crash_details(err)}"
        files = read_tree(out)
        result = design_from_file(spec)
        found = vendor_problems(files) + frr_vtysh.problems(frr_vtysh.lab_files(result.design))
        assert found == [], "\n".join(found[:30])
        stats.update(f"os:{d.os}" for d in {d.os: d for d in result.design.devices.values()}.values())
        stats[f"platform:{data['platform']['type']}"] += 1


@pytest.mark.slow
def test_validate_accepts_means_render_and_vendors_accept() -> None:
    stats: Counter[str] = Counter()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=(Phase.explicit, Phase.generate),  # no shrinking: each step re-runs the CLI (minutes)
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    @given(cluster())
    def prop(data: dict[str, Any]) -> None:
        stats["tried"] += 1
        try:
            check_case(data, stats)
        except AssertionError as exc:
            raise AssertionError(
                f"{exc}\n--- the spec (cluster.yaml) ---\n{yaml.safe_dump(data, sort_keys=False)}"
            ) from None

    prop()
    print(f"\nproperty examples: {dict(sorted(stats.items()))}")
    assert stats["accepted"] >= EXAMPLES // 5, f"too few accepted specs to mean anything: {dict(stats)}"
    assert stats["refused"] >= 1, f"no refused spec drawn: {dict(stats)}"

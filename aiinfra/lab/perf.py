"""``aiinfra lab perf``: run ``playbooks/perf-acceptance.yml`` against the lab's nodes.

The lab has no RDMA, so the playbook takes its iperf3 path with the plan's lab
threshold: one iperf3 server per rail and node, one client per rail NIC to its ring peer
(``verify/perf.yml``, rendered from the Design), the output read by the playbook's
filters and judged with ``aiinfra.verify.perf``, as on real nodes. That proves the
orchestration, the parsing and the report end to end; the figures are the lab's veths,
not a NIC.

The nodes are namespaces without sshd, so their inventory layer runs each task on the
controller (connection local) and each test command inside the node's namespace
(``aiinfra_perf_exec``: ``ip netns exec NS``). Everything else is the rendered inventory.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from aiinfra.lab import deploy, netns
from aiinfra.lab.context import LabContext
from aiinfra.lab.requirements import ansible_playbook

PERF_TIMEOUT = 900.0


def write_layer(ctx: LabContext) -> Path:
    layer = ctx.lab_dir / "perf-inventory"
    (layer / "host_vars").mkdir(parents=True, exist_ok=True)
    header = "# aiinfra lab: the nodes as namespaces, for playbooks/perf-acceptance.yml (docs/verify.md).\n"
    (layer / "hosts.yml").write_text(
        header + yaml.safe_dump({"all": {"hosts": dict.fromkeys(sorted(ctx.plan.nodes))}}, sort_keys=True),
        encoding="utf-8",
    )
    for name, node in ctx.plan.nodes.items():
        data = {
            "ansible_connection": "local",
            "ansible_python_interpreter": sys.executable,
            "aiinfra_build_dir": str(ctx.render_dir),
            "aiinfra_perf_exec": netns.exec_argv(node.namespace, []),
            "aiinfra_perf_tool": "iperf3",
        }
        (layer / "host_vars" / f"{name}.yml").write_text(
            header + yaml.safe_dump(data, sort_keys=True), encoding="utf-8"
        )
    return layer


def command(ctx: LabContext, layer: Path) -> list[str]:
    return [
        str(ansible_playbook()),
        "-i",
        str(ctx.render_dir / "inventory"),
        "-i",
        str(layer),
        "--limit",
        "nodes",
        deploy.playbook("perf_acceptance"),
    ]


def run(ctx: LabContext) -> tuple[int, str]:
    """(exit status, output) of the playbook; the output is also kept in LAB/perf.log."""
    argv = command(ctx, write_layer(ctx))
    proc = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        env=deploy.ansible_env(ctx.lab_dir),
        cwd=ctx.lab_dir,
        timeout=PERF_TIMEOUT,
        check=False,
    )
    output = proc.stdout + proc.stderr
    (ctx.lab_dir / "perf.log").write_text("$ " + " ".join(argv) + "\n" + output, encoding="utf-8")
    return proc.returncode, output

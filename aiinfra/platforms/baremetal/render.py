"""baremetal: per-node Linux files under ``nodes/<host>/``, laid out like the target filesystem.

The tree mirrors ``/`` on the node (``etc/netplan/...``, ``usr/local/bin/...``) so the
``aiinfra_node`` Ansible role installs it file by file without knowing what each is.
"""

from __future__ import annotations

from aiinfra.design.model import Design
from aiinfra.platforms.host import (
    HEADER,
    NETPLAN_FILE,
    QOS_UNIT,
    ecmp_dropins,
    nccl_files,
    netplan,
    platform_of,
    qos_files,
    sysctl_conf,
)
from aiinfra.render.reports import dump_yaml

# DOCA/MLNX_OFED loads the mlx5 stack from openibd; the QoS unit must run after it.
AFTER_UNITS = "openibd.service"


def node_tree(design: Design) -> dict[str, dict[str, str]]:
    """host -> {path relative to / : text}, for the Design's nodes."""
    platform = platform_of(design)
    tool = platform.qos_tool
    out: dict[str, dict[str, str]] = {}
    for node in design.nodes:
        intent = platform.hosts[node.name]
        files = {
            NETPLAN_FILE: netplan(design, node, intent),
            "etc/sysctl.d/60-aiinfra.conf": sysctl_conf(intent),
            **ecmp_dropins(design, node),
            **qos_files(intent, tool, after=AFTER_UNITS),
            **nccl_files(intent),
        }
        out[node.name] = files
    return out


# Which handler each installed file needs; the role loops over one group per task.
GROUPS = (
    ("netplan", "etc/netplan/"),
    ("networkd", "etc/systemd/network/"),
    ("sysctl", "etc/sysctl.d/"),
    ("scripts", "usr/local/bin/"),
    ("units", "etc/systemd/system/"),
    ("nccl", "etc/"),
)


def file_groups(paths: list[str]) -> dict[str, list[str]]:
    """Installed paths grouped by the handler they need (first matching prefix wins)."""
    groups: dict[str, list[str]] = {name: [] for name, _ in GROUPS}
    for path in sorted(paths):
        for name, prefix in GROUPS:
            if path.startswith(prefix):
                groups[name].append(path)
                break
    return groups


def node_vars_file(files: dict[str, str], tool: str) -> str:
    """``nodes/<host>.yml``: what the aiinfra_node role installs on one node. The expected
    QoS values themselves live in the node's roce-check, which the role runs last."""
    return HEADER + dump_yaml(
        {
            "aiinfra_node_files": file_groups(list(files)),
            "aiinfra_node_qos_unit": QOS_UNIT,
            "aiinfra_node_qos_tool": tool,
        }
    )


def render(design: Design) -> dict[str, str]:
    tool = platform_of(design).qos_tool
    out: dict[str, str] = {}
    for host, files in node_tree(design).items():
        for path, text in sorted(files.items()):
            out[f"nodes/{host}/{path}"] = text
        out[f"nodes/{host}.yml"] = node_vars_file(files, tool)
    return out

"""baremetal: per-node Linux files under ``nodes/<host>/``, laid out like the target filesystem.

The tree mirrors ``/`` on the node (``etc/netplan/...``, ``etc/aiinfra/roce.env``) so the
``aiinfra_node`` Ansible role installs it file by file without knowing what each is. The
RoCE QoS scripts and their unit are the same on every node (they read the node's values from
``/etc/aiinfra/roce.env``), so they are rendered once per cluster, under ``nodes/_common/``
(:func:`shared_files`), laid out the same way; ``_common`` can never be a host name.
"""

from __future__ import annotations

from functools import lru_cache

from aiinfra.design.model import Design
from aiinfra.platforms import driver
from aiinfra.platforms.baremetal.values import CHARSET, NIC_FIELDS, PUNCTUATION, VALUES_FILE, roce_env
from aiinfra.platforms.host import (
    BIN_DIR,
    HEADER,
    NETPLAN_FILE,
    QOS_UNIT,
    ecmp_dropins,
    nccl_files,
    netplan,
    platform_of,
    sysctl_conf,
    uplink_groups,
)
from aiinfra.render.reports import dump_yaml

# DOCA/MLNX_OFED loads the mlx5 stack from openibd; the QoS unit must run after it.
AFTER_UNITS = "openibd.service"
COMMON = "nodes/_common"  # the files every node shares


def node_tree(design: Design) -> dict[str, dict[str, str]]:
    """host -> {path relative to / : text}, for the Design's nodes."""
    platform = platform_of(design)
    out: dict[str, dict[str, str]] = {}
    for node in design.nodes:
        intent = platform.hosts[node.name]
        groups = uplink_groups(design, node)
        files = {
            NETPLAN_FILE: netplan(node.name, intent, groups),
            "etc/sysctl.d/60-aiinfra.conf": sysctl_conf(intent),
            **ecmp_dropins(node.name, groups),
            VALUES_FILE.lstrip("/"): roce_env(intent),
            **nccl_files(intent),
        }
        out[node.name] = files
    return out


_BIN = BIN_DIR.lstrip("/")
QOS_SCRIPT = f"{_BIN}/aiinfra-roce-qos"
CHECK_SCRIPT = f"{_BIN}/roce-check"
UNIT_FILE = f"etc/systemd/system/{QOS_UNIT}"
SHARED = (QOS_SCRIPT, CHECK_SCRIPT, UNIT_FILE)  # installed paths of the shared files


def shared_files(design: Design) -> dict[str, str]:
    """``nodes/_common/``: the boot-time QoS script, roce-check and the unit that runs both,
    one of each for the cluster (the QoS tool and the unit order are the platform's)."""
    template = driver("baremetal").render_template
    scripts = {
        "tool": platform_of(design).qos_tool,
        "values": VALUES_FILE,
        "fields": NIC_FIELDS,
        "charset": CHARSET,
        "punctuation": PUNCTUATION,
    }
    unit = {"node": "", "values": VALUES_FILE, "bin_dir": BIN_DIR, "after": AFTER_UNITS}
    return {
        f"{COMMON}/{QOS_SCRIPT}": template("roce-qos.sh.j2", **scripts),
        f"{COMMON}/{CHECK_SCRIPT}": template("roce-check.sh.j2", **scripts),
        f"{COMMON}/{UNIT_FILE}": template("roce-qos.service.j2", **unit),
    }


# Which handler each installed file needs; the role loops over one group per task.
NODE_GROUPS = (
    ("netplan", "etc/netplan/"),
    ("networkd", "etc/systemd/network/"),
    ("sysctl", "etc/sysctl.d/"),
    ("roce", "etc/aiinfra/"),
    ("nccl", "etc/"),
)
SHARED_GROUPS = (
    ("scripts", "usr/local/bin/"),
    ("units", "etc/systemd/system/"),
)


def file_groups(paths: list[str], groups: tuple[tuple[str, str], ...] = NODE_GROUPS) -> dict[str, list[str]]:
    """Installed paths grouped by the handler they need (first matching prefix wins)."""
    out: dict[str, list[str]] = {name: [] for name, _ in groups}
    for path in sorted(paths):
        for name, prefix in groups:
            if path.startswith(prefix):
                out[name].append(path)
                break
        else:
            raise ValueError(f"{path}: no aiinfra_node group installs it")
    return out


@lru_cache(maxsize=256)
def node_vars_file(paths: tuple[str, ...], tool: str) -> str:
    """``nodes/<host>.yml``: what the aiinfra_node role installs on one node, its own files
    (``nodes/<host>/``, ``paths``) and the shared ones (``nodes/_common/``). The expected QoS
    values themselves are in the node's roce.env, which roce-check reads when the role runs
    it last. Cached: nodes of one hardware model install the same paths."""
    return HEADER + dump_yaml(
        {
            "aiinfra_node_files": file_groups(list(paths)),
            "aiinfra_node_shared_files": file_groups(list(SHARED), SHARED_GROUPS),
            "aiinfra_node_qos_unit": QOS_UNIT,
            "aiinfra_node_qos_tool": tool,
        }
    )


def render(design: Design) -> dict[str, str]:
    """Every file of the Design's nodes; the files they share are :func:`shared_files`."""
    tool = platform_of(design).qos_tool
    out: dict[str, str] = {}
    for host, files in node_tree(design).items():
        paths = tuple(sorted(files))
        for path in paths:
            out[f"nodes/{host}/{path}"] = files[path]
        out[f"nodes/{host}.yml"] = node_vars_file(paths, tool)
    return out

"""The per-node RoCE values file, ``/etc/aiinfra/roce.env``: what the shared QoS scripts apply and check.

Every baremetal node runs the same ``aiinfra-roce-qos`` and ``roce-check`` (rendered once
per cluster under ``nodes/_common/``); what differs from node to node is this file. The
scripts read it as data, line by line (``load_values`` in ``templates/roce-values.sh.j2``),
and never source it: a line is a comment or ``ROCE_<key>="<value>"`` with a key the scripts
know and a value of :data:`CHARSET` only. No quote, ``$``, backquote, backslash, glob
character or line break can appear in a value, so none can become shell code; systemd's
``EnvironmentFile=`` and ``sh`` would read the same values. The renderer refuses a value
outside the set (the Design's names and numbers never are: netdev and RDMA names have
strict grammars in :mod:`aiinfra.spec.text`), so a file it wrote always loads.
"""

from __future__ import annotations

import re
from functools import cache

from aiinfra.design.platform import HostIntent, RailNicIntent
from aiinfra.platforms.host import dscp_words, pfc_list

VALUES_FILE = "/etc/aiinfra/roce.env"
PUNCTUATION = "._:/, -"  # "-" last: CHARSET is a bracket expression in Python and in bash
CHARSET = "A-Za-z0-9" + PUNCTUATION
# Outside CHARSET, only the quotes, "=" and line ends of the KEY="value" lines may appear.
_OTHER = re.compile(f'[^"=\n{CHARSET}]')  # CHARSET last: it ends with "-"

# ROCE_NIC<n>_<field>, n = 1.. in rail order; _nic_values returns them in this order.
NIC_FIELDS = (
    "NETDEV",
    "RDMA_DEVICE",
    "MTU",
    "SPEED_MBPS",  # the designed line rate, as sysfs class/net/<if>/speed prints it
    "PFC_PRIORITY",  # the one no-drop priority
    "PFC",  # the same as eight 0/1 flags, priority 0 first (mlnx_qos --pfc, and what the check compares)
    "DSCP_TO_PRIORITY",  # dscp:priority words, space separated
    "DCQCN",  # 1: ECN roce_np/roce_rp on for the no-drop priority
    "CNP_DSCP",
    "CNP_PRIORITY",
    "TOS",  # RoCE traffic class (rdma_cm default_roce_tos and the HCA's tc/1/traffic_class)
    "ROCE_MODE",
    "GID_INDEX",
    "GID",  # the IPv4-mapped RoCEv2 GID sysfs must show at GID_INDEX
    "ROUTE_TABLE",  # the NIC's own table: the GPU pool via GATEWAY, and the source rule from IP
    "IP",
    "GATEWAY",
)


@cache
def _nic_lines(index: int) -> str:
    """NIC ``index``'s lines as a str.format template of its values (blank line first)."""
    return "\n" + "".join(f'ROCE_NIC{index}_{name}="{{{i}}}"\n' for i, name in enumerate(NIC_FIELDS))


HEADER = """\
# {path} for {node}: rendered by aiinfra from cluster.yaml; edit the spec, not this file.
# What aiinfra-roce-qos applies at boot and roce-check expects (/usr/local/bin, the same two
# scripts on every node), per back-end NIC in rail order (ROCE_NIC<n>_*). Both read this file
# as data and never source it: a line they do not know stops them before any setting is touched.
"""


def _nic_values(nic: RailNicIntent) -> tuple[object, ...]:
    """One NIC's values in :data:`NIC_FIELDS` order, in the units the scripts take."""
    return (
        nic.netdev,
        nic.rdma_device,
        nic.mtu,
        nic.speed_gbps * 1000,
        nic.pfc_priority,
        pfc_list(nic.pfc_priority),
        dscp_words(nic),
        1 if nic.dcqcn else 0,
        nic.cnp_dscp,
        nic.cnp_priority,
        nic.roce_tos,
        nic.roce_mode,
        nic.gid_index,
        nic.gid,
        nic.route_table,
        nic.ip,
        nic.gateway,
    )


def roce_env(intent: HostIntent) -> str:
    """The node's ``roce.env`` text."""
    body = [f'ROCE_NODE="{intent.node}"\nROCE_GPU_POOL="{intent.gpu_pool}"\nROCE_NICS="{len(intent.nics)}"\n']
    body += [_nic_lines(index).format(*_nic_values(nic)) for index, nic in enumerate(intent.nics, 1)]
    text = "".join(body)
    keys = 3 + len(NIC_FIELDS) * len(intent.nics)  # each on its own line, one blank line before each NIC
    if _OTHER.search(text) or (text.count('"'), text.count("="), text.count("\n")) != (
        2 * keys,
        keys,
        keys + len(intent.nics),
    ):
        raise ValueError(f"{intent.node}: a RoCE value is not plain text of [{CHARSET}] on one line")
    return HEADER.format(path=VALUES_FILE, node=intent.node) + text


__all__ = ["CHARSET", "NIC_FIELDS", "PUNCTUATION", "VALUES_FILE", "roce_env"]

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
_VALUES = re.compile(f"[{CHARSET}]*")  # every value, joined: the file's fixed text is keys, quotes, "=" and line ends

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
def _body(nics: int) -> tuple[str, ...]:
    """The lines of a file for ``nics`` NICs cut at their values: text, value, text, ..., text,
    the values' places empty and in the order :func:`roce_env` lists them (each NIC's lines
    after a blank line). Made once per NIC count; a file is one join."""
    lines = 'ROCE_NODE="\0"\nROCE_GPU_POOL="\0"\nROCE_NICS="\0"\n' + "".join(
        "\n" + "".join(f'ROCE_NIC{index}_{name}="\0"\n' for name in NIC_FIELDS) for index in range(1, nics + 1)
    )
    texts = lines.split("\0")
    parts = [""] * (2 * len(texts) - 1)
    parts[0::2] = texts
    return tuple(parts)


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
    """The node's ``roce.env`` text. Every value is checked to be :data:`CHARSET` only (so none
    holds a quote, an ``=`` or a line end, and each line stays one ``KEY="value"``)."""
    values: list[object] = [intent.node, intent.gpu_pool, len(intent.nics)]
    for nic in intent.nics:
        values += _nic_values(nic)
    texts = list(map(str, values))
    if not _VALUES.fullmatch("".join(texts)):
        raise ValueError(f"{intent.node}: a RoCE value is not plain text of [{CHARSET}] on one line")
    parts = list(_body(len(intent.nics)))
    parts[1::2] = texts
    return HEADER.format(path=VALUES_FILE, node=intent.node) + "".join(parts)


__all__ = ["CHARSET", "NIC_FIELDS", "PUNCTUATION", "VALUES_FILE", "roce_env"]

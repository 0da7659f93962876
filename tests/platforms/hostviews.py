"""Read rendered host artefacts back into one neutral view per (node, rail NIC).

Each platform writes the host side differently (the roce-check values file and netplan on
baremetal, a MachineConfig and NNCPs on OpenShift, Ansible vars on vSphere, cloud-init
on AHV); these readers turn the *rendered text* back into the values the host would
run with, so the cross-layer test compares files, not the design objects that made them.
"""

from __future__ import annotations

import base64
import re
import shlex
from dataclasses import dataclass, field
from ipaddress import IPv4Interface
from typing import Any

import yaml

CHECK_NIC = re.compile(r"^check_nic (.+)$", re.M)


@dataclass
class HostNic:
    """What one host NIC would run with, read from rendered files."""

    node: str
    netdev: str
    address: str  # CIDR
    mtu: int
    transport: str  # "roce" | "socket"
    trust_dscp: bool = False
    dscp_to_priority: dict[int, int] = field(default_factory=dict)
    pfc_priorities: set[int] = field(default_factory=set)
    marked_dscp: int | None = None  # DSCP the host puts on RoCE data
    cnp_dscp: int | None = None
    cnp_priority: int | None = None
    dcqcn: bool = False


@dataclass
class QosArgs:
    """The arguments a rendered roce-check passes to check_nic for one NIC."""

    netdev: str
    mtu: int
    pfc: set[int]
    ecn: bool
    cnp_dscp: int
    cnp_priority: int
    tos: int
    dscp_map: dict[int, int]


def check_nic_args(script: str) -> dict[str, QosArgs]:
    out = {}
    for match in CHECK_NIC.finditer(script):
        a = shlex.split(match.group(1))
        pfc = {p for p, v in enumerate(a[3].split(",")) if v == "1"}
        dscp_map = {int(d): int(p) for d, p in (pair.split(":") for pair in a[9].split())}
        out[a[0]] = QosArgs(a[0], int(a[2]), pfc, a[5] == "1", int(a[6]), int(a[7]), int(a[8]), dscp_map)
    return out


def _roce_nic(node: str, netdev: str, address: str, mtu: int, q: QosArgs, tc: str) -> HostNic:
    assert int(tc) == q.tos, f"{node}: NCCL_IB_TC {tc} differs from the NIC ToS {q.tos}"
    return HostNic(
        node=node,
        netdev=netdev,
        address=address,
        mtu=mtu,
        transport="roce",
        trust_dscp=True,  # check_nic verifies trust dscp on every NIC it is given
        dscp_to_priority=q.dscp_map,
        pfc_priorities=q.pfc,
        marked_dscp=q.tos >> 2,
        cnp_dscp=q.cnp_dscp,
        cnp_priority=q.cnp_priority,
        dcqcn=q.ecn,
    )


def _env(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("#"))
    return {k.strip(): v.strip() for k, v in pairs}


ROCE_VALUE = re.compile(r'^(ROCE_[A-Z0-9_]+)="([^"]*)"$', re.M)


def roce_env_args(text: str) -> dict[str, QosArgs]:
    """The values a baremetal node's roce.env gives the shared roce-check, per NIC."""
    v = dict(ROCE_VALUE.findall(text))
    out = {}
    for i in range(1, int(v["ROCE_NICS"]) + 1):
        f = {k.removeprefix(f"ROCE_NIC{i}_"): x for k, x in v.items() if k.startswith(f"ROCE_NIC{i}_")}
        pfc = {p for p, flag in enumerate(f["PFC"].split(",")) if flag == "1"}
        dscp_map = {int(d): int(p) for d, p in (pair.split(":") for pair in f["DSCP_TO_PRIORITY"].split())}
        args = (int(f["MTU"]), pfc, f["DCQCN"] == "1", int(f["CNP_DSCP"]), int(f["CNP_PRIORITY"]), int(f["TOS"]))
        out[f["NETDEV"]] = QosArgs(f["NETDEV"], *args, dscp_map)
    return out


def baremetal(files: dict[str, str], node: str) -> dict[str, HostNic]:
    base = f"nodes/{node}/"
    qos = roce_env_args(files[base + "etc/aiinfra/roce.env"])
    eths = yaml.safe_load(files[base + "etc/netplan/60-aiinfra.yaml"])["network"]["ethernets"]
    tc = _env(files[base + "etc/nccl.conf"])["NCCL_IB_TC"]
    return {dev: _roce_nic(node, dev, eths[dev]["addresses"][0], eths[dev]["mtu"], q, tc) for dev, q in qos.items()}


def _mc_script(files: dict[str, str]) -> str:
    mc = yaml.safe_load(files["openshift/manifests/40-machineconfig-worker-roce.yaml"])
    for f in mc["spec"]["config"]["storage"]["files"]:
        if f["path"].endswith("/roce-check"):
            return base64.b64decode(f["contents"]["source"].split(",", 1)[1]).decode()
    raise AssertionError("no roce-check in the MachineConfig")


def openshift(files: dict[str, str], node: str) -> dict[str, HostNic]:
    qos = check_nic_args(_mc_script(files))
    nncp = yaml.safe_load(files[f"openshift/manifests/60-nncp-{node}.yaml"])
    tc = yaml.safe_load(files["openshift/manifests/50-nccl-env-configmap.yaml"])["data"]["NCCL_IB_TC"]
    out = {}
    for iface in nncp["spec"]["desiredState"]["interfaces"]:
        addr = iface["ipv4"]["address"][0]
        cidr = f"{addr['ip']}/{addr['prefix-length']}"
        out[iface["name"]] = _roce_nic(node, iface["name"], cidr, iface["mtu"], qos[iface["name"]], tc)
    return out


def _module_options(text: str) -> dict[str, str]:
    return dict(word.split("=", 1) for word in text.split())


def vmware(files: dict[str, str], node: str) -> dict[str, HostNic]:
    v = yaml.safe_load(files["vmware/vars.yml"])
    modules = {m["module"]: _module_options(m["options"]) for m in v["aiinfra_esxi_kernel_modules"]}
    core, rdma = modules["nmlx5_core"], modules["nmlx5_rdma"]
    assert core["pfctx"] == core["pfcrx"], "ESXi needs pfctx == pfcrx"
    mask = int(core["pfctx"], 16)
    firmware = v["aiinfra_esxi_firmware"]
    host = next(h for h in v["aiinfra_esxi_hosts"] if h["name"] == node)
    out = {}
    for vmnic, vmk in zip(host["vmnics"], host["vmkernel"], strict=True):
        prefix = IPv4Interface(f"0.0.0.0/{vmk['netmask']}").network.prefixlen
        marked = int(rdma["dscp_force"])
        out[vmnic] = HostNic(
            node=node,
            netdev=vmnic,
            address=f"{vmk['ip']}/{prefix}",
            mtu=vmk["mtu"],
            transport="roce",
            trust_dscp=core["trust_state"] == "2",
            dscp_to_priority={},  # nmlx5 keeps the default DSCP>>3 map; checked via marked_dscp
            pfc_priorities={p for p in range(8) if mask >> p & 1},
            marked_dscp=marked,
            cnp_dscp=firmware["CNP_DSCP_P1"],
            cnp_priority=firmware["CNP_802P_PRIO_P1"],
            dcqcn=core.get("ecn") == "1" and firmware["ROCE_CC_PRIO_MASK_P1"] == mask,
        )
    return out


def nutanix(files: dict[str, str], node: str) -> dict[str, HostNic]:
    v = yaml.safe_load(files["nutanix/vars.yml"])
    vm = next(m for m in v["aiinfra_gpu_vms"] if m["host"] == node)
    cloud = yaml.safe_load(files[f"nutanix/{vm['cloud_init']}"])
    written = {f["path"]: f["content"] for f in cloud["write_files"]}
    eths = yaml.safe_load(written["/etc/netplan/60-aiinfra-rails.yaml"])["network"]["ethernets"]
    nccl = _env(written["/etc/nccl.conf"])
    transport = "socket" if nccl.get("NCCL_IB_DISABLE") == "1" else "roce"
    by_mac = {n["mac"]: n for n in vm["nics"]}
    out = {}
    for eth in eths.values():
        nic = by_mac[eth["match"]["macaddress"]]
        out[f"rail{nic['rail']}"] = HostNic(node, eth["set-name"], eth["addresses"][0], eth["mtu"], transport)
    return out


READERS = {"baremetal": baremetal, "openshift": openshift, "vmware": vmware, "nutanix": nutanix}


def rail_key(platform: str, netdev: str, rail: int) -> str:
    """How a platform's host view names the NIC of a rail (guests rename theirs)."""
    return f"rail{rail}" if platform == "nutanix" else netdev


def host_nics(platform: str, files: dict[str, str], node: str) -> dict[str, HostNic]:
    reader: Any = READERS[platform]
    return reader(files, node)

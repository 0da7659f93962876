"""vmware: Ansible vars for ``playbooks/vmware.yml`` (vSphere hosts as GPU nodes).

Each design node is an ESXi host. Its rail NICs are the uplinks of one distributed
switch with a port group per rail, each pinned to its own uplink so traffic stays on
its rail; a VMkernel port per rail holds the rail /31 the leaf routes to. The ESXi
NIC driver gets the same PFC priority, DSCP trust and DSCP marking as the switches,
and the ConnectX firmware the CNP DSCP/priority (platforms.md 3.1; fabric.md 3.1).
"""

from __future__ import annotations

from ipaddress import IPv4Interface
from typing import Any

from aiinfra.design.model import Design
from aiinfra.design.platform import HostIntent, VSphereSettings
from aiinfra.platforms import driver
from aiinfra.platforms.host import HEADER, platform_of
from aiinfra.render.reports import dump_yaml

UPLINK_PREFIX = "rail"
# nmlx5_core trust_state: 1 = PCP, 2 = DSCP [S: community ESXi RoCE configs, platforms.md 3.1].
TRUST_DSCP = 2


def _settings(design: Design) -> VSphereSettings:
    settings = platform_of(design).settings
    if not isinstance(settings, VSphereSettings):
        raise ValueError(f"the Design's platform is {platform_of(design).type}, not vmware")
    return settings


def pfc_mask(priority: int) -> int:
    """PFC on one priority as nmlx5_core ``pfctx``/``pfcrx`` take it: a bitmap, bit p for priority p."""
    return 1 << priority


def portgroup(platform: VSphereSettings, rail: int) -> str:
    return f"{platform.dvs_name}-rail{rail}"


def driver_options(intent: HostIntent) -> list[dict[str, str]]:
    """ESXi kernel module options: PFC tx/rx bitmap of the no-drop priority (tx must equal
    rx), DSCP trust, ECN for DCQCN, and the DSCP the RDMA stack marks."""
    nic = intent.nics[0]
    mask = pfc_mask(nic.pfc_priority)
    core = f"pfctx=0x{mask:02x} pfcrx=0x{mask:02x} trust_state={TRUST_DSCP}"
    if nic.dcqcn:
        core += " ecn=1"
    return [
        {"module": "nmlx5_core", "options": core},
        {"module": "nmlx5_rdma", "options": f"dscp_force={nic.roce_dscp}"},
    ]


def firmware(intent: HostIntent) -> dict[str, int]:
    """ConnectX firmware settings for CNP and DCQCN (mlxconfig; fabric.md 3.1)."""
    nic = intent.nics[0]
    mask = 0
    for p in nic.dcqcn_priorities:
        mask |= 1 << p
    return {"CNP_DSCP_P1": nic.cnp_dscp, "CNP_802P_PRIO_P1": nic.cnp_priority, "ROCE_CC_PRIO_MASK_P1": mask}


def host_entry(design: Design, intent: HostIntent, platform: VSphereSettings) -> dict[str, Any]:
    node = next(n for n in design.nodes if n.name == intent.node)
    return {
        "name": node.name,
        "address": node.mgmt_address.split("/")[0],
        "vmnics": [n.netdev for n in intent.nics],
        "vmkernel": [
            {
                "rail": n.rail,
                "portgroup": portgroup(platform, n.rail),
                "ip": n.ip,
                "netmask": str(IPv4Interface(n.address).netmask),
                "gateway": n.gateway,
                "mtu": n.mtu,
                "leaf": n.switch,
                "leaf_port": n.switch_interface,
            }
            for n in intent.nics
        ],
    }


def qos_summary(intent: HostIntent) -> dict[str, Any]:
    """What the ESXi hosts are set to, in the switches' terms, for review and cross-checks."""
    nic = intent.nics[0]
    return {
        "trust": nic.trust,
        "dscp_to_priority": {d: p for d, p in nic.dscp_to_priority},
        "pfc_priority": nic.pfc_priority,
        "pfc_mask": f"0x{pfc_mask(nic.pfc_priority):02x}",
        "dcqcn": nic.dcqcn,
        "roce_dscp": nic.roce_dscp,
        "roce_tos": nic.roce_tos,
        "cnp_dscp": nic.cnp_dscp,
        "cnp_priority": nic.cnp_priority,
        "mtu": nic.mtu,
        "pause_8023x": nic.pause_8023x,
    }


def vars_doc(design: Design) -> dict[str, Any]:
    platform = _settings(design)
    hosts = platform_of(design).hosts
    intents = [hosts[n.name] for n in design.nodes]
    first = intents[0]
    return {
        "aiinfra_vcenter": {
            "hostname": platform.vcenter,
            "username": platform.username,
            "password": platform.password,
            "datacenter": platform.datacenter,
            "cluster": platform.cluster,
        },
        "aiinfra_esxi_username": platform.esxi_username,
        "aiinfra_dvs": {
            "name": platform.dvs_name,
            "mtu": first.nics[0].mtu,
            "uplink_quantity": design.rails,
            "uplink_prefix": UPLINK_PREFIX,
        },
        "aiinfra_rail_portgroups": [
            {"name": portgroup(platform, r), "rail": r, "vlan_id": 0, "uplink": f"{UPLINK_PREFIX}{r}"}
            for r in range(1, design.rails + 1)
        ],
        "aiinfra_esxi_hosts": [host_entry(design, i, platform) for i in intents],
        "aiinfra_esxi_kernel_modules": driver_options(first),
        "aiinfra_esxi_firmware": firmware(first),
        "aiinfra_esxi_firmware_args": [f"{k}={v}" for k, v in firmware(first).items()],
        "aiinfra_gpu_mode": platform.gpu_mode,
        "aiinfra_gpu_devices": [{"device": d} for d in platform.gpu_devices],
        "aiinfra_vgpu_profile": platform.vgpu_profile,
        "aiinfra_sriov_vfs": platform.sriov_vfs,
        "aiinfra_host_qos": qos_summary(first),
    }


def render(design: Design) -> dict[str, str]:
    doc = vars_doc(design)
    return {
        "vmware/vars.yml": HEADER + dump_yaml(doc),
        "vmware/README.md": driver("vmware").render_template("README.md.j2", design=design, v=doc),
    }

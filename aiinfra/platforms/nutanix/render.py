"""nutanix: vars and per-VM cloud-init for ``playbooks/nutanix.yml`` (nutanix.ncp).

Each design node is an AHV host running one GPU VM that holds all the host's GPUs
(passthrough) or one vGPU per GPU. The VM gets one vNIC per rail on a per-rail VLAN
subnet; the rail /31 lives in the guest, configured by cloud-init with the same
netplan shape as a baremetal node (per-NIC table and source rule).

AHV gives guests virtio vNICs, and nutanix.ncp has no module to pass a NIC through,
so the guests have no RDMA device: NCCL runs its socket transport over the rails and
the lossless RoCE class is not used by these VMs. The rendered NCCL settings say so
(``NCCL_IB_DISABLE=1``) instead of pretending to tune RoCE.
"""

from __future__ import annotations

import hashlib
from typing import Any

from aiinfra.design.model import Design, Node
from aiinfra.design.platform import HostIntent, NutanixSettings
from aiinfra.platforms import driver
from aiinfra.platforms.host import HEADER, platform_of, rail_ethernet
from aiinfra.render.reports import dump_yaml

GPU_MODE = {"passthrough": "PASSTHROUGH_COMPUTE", "vgpu": "VIRTUAL"}
CLOUD_INIT_HEADER = """\
#cloud-config
# {vm}: rendered by aiinfra from cluster.yaml; edit the spec, not this file.
# Rail vNICs are matched by the MACs the play assigns and renamed rail1..railN; each holds
# its rail /31 with a per-NIC routing table and source rule (ARP-flux fix, fabric.md 3.2b).
"""


def _settings(design: Design) -> NutanixSettings:
    settings = platform_of(design).settings
    if not isinstance(settings, NutanixSettings):
        raise ValueError(f"the Design's platform is {platform_of(design).type}, not nutanix")
    return settings


def vm_name(node: Node) -> str:
    return f"{node.name}-vm"


def rail_mac(cluster: str, node: Node, rail: int) -> str:
    """A stable, locally administered unicast MAC per (cluster, node, rail).

    The guest's netplan matches the rail vNICs by MAC, so the MAC must be known when
    rendering; the first octet 0x02 marks it locally administered, the second is a
    hash of the cluster name so two clusters on one Prism Central do not collide.
    """
    tag = hashlib.sha256(cluster.encode()).digest()[0]
    return f"02:{tag:02x}:{node.index >> 8 & 0xFF:02x}:{node.index & 0xFF:02x}:{rail:02x}:00"


def guest_nccl_env(intent: HostIntent) -> list[tuple[str, str]]:
    """Socket transport over the rail vNICs (no RDMA device in an AHV guest)."""
    rails = ",".join(f"rail{n.rail}" for n in intent.nics)
    return [("NCCL_IB_DISABLE", "1"), ("NCCL_SOCKET_IFNAME", f"={rails}")]


def _conf(lines: list[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def guest_netplan(design: Design, node: Node, intent: HostIntent) -> dict[str, Any]:
    """The guest's rail netplan as data: each vNIC matched by its MAC and renamed railN."""
    ethernets = {}
    for nic in intent.nics:
        name = f"rail{nic.rail}"
        ethernets[name] = {
            "match": {"macaddress": rail_mac(design.name, node, nic.rail)},
            "set-name": name,
            **rail_ethernet(nic, intent.gpu_pool, link_local=True),
        }
    return {"network": {"version": 2, "ethernets": ethernets}}


def cloud_init_doc(design: Design, node: Node, intent: HostIntent) -> dict[str, Any]:
    """The VM's cloud-config as data: the rail netplan, the host sysctls and the guest NCCL settings."""
    nccl = ["# AHV guests have virtio rail vNICs and no RDMA device: NCCL uses sockets on the rails."]
    nccl += [f"{key}={value}" for key, value in guest_nccl_env(intent)]
    files = [
        ("/etc/netplan/60-aiinfra-rails.yaml", "0600", dump_yaml(guest_netplan(design, node, intent))),
        ("/etc/sysctl.d/60-aiinfra.conf", "0644", _conf([f"{k} = {v}" for k, v in intent.sysctls])),
        ("/etc/nccl.conf", "0644", _conf(nccl)),
    ]
    return {
        "hostname": vm_name(node),
        "write_files": [
            {"path": path, "owner": "root:root", "permissions": mode, "content": text} for path, mode, text in files
        ],
        "runcmd": [["netplan", "apply"], ["sysctl", "--system"]],
    }


def cloud_init(design: Design, node: Node, intent: HostIntent) -> str:
    return CLOUD_INIT_HEADER.format(vm=vm_name(node)) + dump_yaml(cloud_init_doc(design, node, intent))


def vm_entry(design: Design, node: Node, intent: HostIntent) -> dict[str, Any]:
    p = _settings(design)
    gpu = platform_of(design).gpus[node.gpu]
    return {
        "name": vm_name(node),
        "host": node.name,
        "vcpus": p.vm_vcpus,
        "memory_gb": p.vm_memory_gib,
        "image": p.vm_image,
        "disk_gb": p.vm_disk_gib,
        "management_subnet": p.vm_management_subnet,
        "cloud_init": f"cloud-init/{vm_name(node)}.yaml",
        "gpus": {
            "mode": GPU_MODE[p.gpu_mode],
            "vendor": gpu.vendor.upper(),  # the ntnx_gpus_v2 choice; the design refused other vendors
            "device_id": p.gpu_device_id,
            "count": node.gpus,
            "slots": list(range(1, node.gpus + 1)),
        },
        "networks": [{"is_connected": True, "subnet": {"name": p.vm_management_subnet}}]
        + [
            {
                "is_connected": True,
                "subnet": {"name": rail_subnet(design, n.rail)},
                "mac_address": rail_mac(design.name, node, n.rail),
            }
            for n in intent.nics
        ],
        "nics": [
            {
                "rail": n.rail,
                "subnet": rail_subnet(design, n.rail),
                "mac": rail_mac(design.name, node, n.rail),
                "address": n.address,
                "gateway": n.gateway,
                "mtu": n.mtu,
                "leaf": n.switch,
                "leaf_port": n.switch_interface,
            }
            for n in intent.nics
        ],
    }


def rail_subnet(design: Design, rail: int) -> str:
    return f"{design.name}-rail{rail}"


def vars_doc(design: Design) -> dict[str, Any]:
    p = _settings(design)
    hosts = platform_of(design).hosts
    return {
        "aiinfra_prism": {
            "host": p.prism_central,
            "username": p.username,
            "password": p.password,
            "cluster": p.cluster,
        },
        "aiinfra_rail_subnets": [
            {
                "name": rail_subnet(design, r),
                "rail": r,
                "vlan_id": 0,
                "virtual_switch": f"{p.rail_virtual_switch_prefix}{r}",
            }
            for r in range(1, design.rails + 1)
        ],
        "aiinfra_gpu_vms": [vm_entry(design, n, hosts[n.name]) for n in design.nodes],
        "aiinfra_vgpu_profile": p.vgpu_profile,
    }


def render(design: Design) -> dict[str, str]:
    doc = vars_doc(design)
    hosts = platform_of(design).hosts
    out = {"nutanix/vars.yml": HEADER + dump_yaml(doc)}
    for node in design.nodes:
        out[f"nutanix/cloud-init/{vm_name(node)}.yaml"] = cloud_init(design, node, hosts[node.name])
    out["nutanix/README.md"] = driver("nutanix").render_template("README.md.j2", design=design, v=doc)
    return out

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

from aiinfra.catalog import Catalog
from aiinfra.design.hosts import HostIntent, host_intent
from aiinfra.design.model import Design, Node
from aiinfra.render.environment import render_template
from aiinfra.render.reports import dump_yaml
from aiinfra.spec.model import ClusterSpec
from aiinfra.spec.platform import Nutanix

HEADER = "# Rendered by aiinfra from cluster.yaml; edit the spec, not this file.\n"
GPU_MODE = {"passthrough": "PASSTHROUGH_COMPUTE", "vgpu": "VIRTUAL"}
GPU_VENDOR = {"nvidia": "NVIDIA", "amd": "AMD", "intel": "INTEL"}


def _platform(spec: ClusterSpec) -> Nutanix:
    assert isinstance(spec.platform, Nutanix)
    return spec.platform


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


def cloud_init(design: Design, node: Node, intent: HostIntent) -> str:
    nics = [{"name": f"rail{n.rail}", "mac": rail_mac(design.name, node, n.rail), "nic": n} for n in intent.nics]
    return render_template(
        "nutanix/cloud-init.yaml.j2",
        vm=vm_name(node),
        nics=nics,
        gpu_pool=intent.gpu_pool,
        sysctls=intent.sysctls,
        nccl_env=guest_nccl_env(intent),
    )


def vm_entry(design: Design, spec: ClusterSpec, catalog: Catalog, node: Node, intent: HostIntent) -> dict[str, Any]:
    p = _platform(spec)
    gpu = catalog.gpus[node.gpu]
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
            "vendor": GPU_VENDOR[gpu.vendor.lower()],
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


def vars_doc(design: Design, spec: ClusterSpec, catalog: Catalog) -> dict[str, Any]:
    p = _platform(spec)
    intents = {n.name: host_intent(design, n, catalog) for n in design.nodes}
    return {
        "aiinfra_prism": {
            "host": p.prism_central,
            "username": p.username,
            "password": p.password.ansible_expression,
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
        "aiinfra_gpu_vms": [vm_entry(design, spec, catalog, n, intents[n.name]) for n in design.nodes],
        "aiinfra_vgpu_profile": p.vgpu_profile,
    }


def render(design: Design, spec: ClusterSpec, catalog: Catalog) -> dict[str, str]:
    doc = vars_doc(design, spec, catalog)
    out = {"nutanix/vars.yml": HEADER + dump_yaml(doc)}
    for node in design.nodes:
        intent = host_intent(design, node, catalog)
        out[f"nutanix/cloud-init/{vm_name(node)}.yaml"] = cloud_init(design, node, intent)
    out["nutanix/README.md"] = render_template("nutanix/README.md.j2", design=design, v=doc)
    return out

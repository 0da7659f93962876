"""``platform``: what runs on the GPU nodes. One model per target, chosen by ``type``."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network
from typing import Annotated, Literal

from pydantic import Field, model_validator

from aiinfra.spec.base import SecretRef, Strict, check_ssh_key
from aiinfra.spec.text import DomainName, FreeText, HostName, ImageRepository, ImageTag, Token

VSPHERE_NAME = 80
"""vCenter Server supports an 80 character limit for all its entities (vSphere 7.0, "Organizing Your Inventory")."""
MAX_GPU_DEVICES = 64


class Baremetal(Strict):
    """Linux on the metal (DGX OS / Ubuntu) configured by Ansible."""

    type: Literal["baremetal"]
    distribution: Literal["ubuntu-22.04", "ubuntu-24.04", "dgx-os-6", "dgx-os-7"] = "ubuntu-22.04"
    qos_tool: Literal["mlnx_qos", "dcb"] = Field(
        default="mlnx_qos", description="Tool the boot-time unit uses to program trust/PFC."
    )


class NetworkOperatorImages(Strict):
    """Image pins for the NVIDIA Network Operator's NicClusterPolicy.

    Defaults are a released pairing seen in a production NicClusterPolicy
    (nvcr.io/nvidia/mellanox, DOCA driver 26.01 with operator 26.1.1) [S];
    pin what your operator release ships. The DOCA Telemetry Service image lives in
    NVIDIA's DOCA registry, not the Mellanox one; its default is the pin NVIDIA lists for
    Network Operator v26.1.1 ("NVIDIA Network Operator Container Images", v26.1.1 docs:
    nvcr.io/nvidia/doca doca_telemetry 1.23.4-doca3.2.0-host).
    """

    repository: ImageRepository = "nvcr.io/nvidia/mellanox"
    doca_driver_version: ImageTag = "doca3.3.0-26.01-1.0.0.0-0"
    rdma_shared_device_plugin_version: ImageTag = "network-operator-v26.1.1"
    doca_telemetry_repository: ImageRepository = "nvcr.io/nvidia/doca"
    doca_telemetry_version: ImageTag = "1.23.4-doca3.2.0-host"


class OpenShift(Strict):
    """OpenShift via the agent-based installer, plus GPU/network operator day-2 objects.

    The first ``control_plane_replicas`` GPU nodes are the control plane (schedulable);
    node IPs are the front-end /32s, and ``api_vip``/``ingress_vip`` are the addresses of
    the user-managed load balancer in front of them (install-config ``platform: none``),
    because a layer-3 front-end has no shared L2 segment for keepalived VIPs.
    """

    type: Literal["openshift"]
    version: str = Field(default="4.18", pattern=r"^4\.[0-9]{1,3}$")
    base_domain: DomainName
    control_plane_replicas: Literal[1, 3] = 3
    api_vip: IPv4Address
    ingress_vip: IPv4Address
    cluster_network: IPv4Network = IPv4Network("10.128.0.0/14")
    service_network: IPv4Network = IPv4Network("172.30.0.0/16")
    pull_secret: SecretRef
    ssh_key: str
    sriov: bool = False
    sriov_vfs: int = Field(default=8, ge=1, le=127, description="VFs per rail NIC when sriov is on.")
    network_operator: NetworkOperatorImages = NetworkOperatorImages()

    @model_validator(mode="after")
    def _key(self) -> OpenShift:
        check_ssh_key(self.ssh_key)
        if self.api_vip == self.ingress_vip:
            raise ValueError("api_vip and ingress_vip must differ")
        return self


class VMware(Strict):
    """vSphere: distributed switch per rail, GPU passthrough or vGPU for AI VMs."""

    type: Literal["vmware"]
    vcenter: HostName
    datacenter: FreeText = Field(max_length=VSPHERE_NAME)
    cluster: FreeText = Field(max_length=VSPHERE_NAME)
    username: Token = "administrator@vsphere.local"
    password: SecretRef
    dvs_name: FreeText = Field(default="dvs-ai-backend", max_length=VSPHERE_NAME)
    gpu_mode: Literal["passthrough", "vgpu"] = "passthrough"
    vgpu_profile: Token | None = None
    sriov_vfs: int = Field(default=0, ge=0, le=127, description="VFs per rail NIC; 0 disables SR-IOV.")
    esxi_username: Token = Field(
        default="root", description="SSH user for the ESXi steps no module covers (esxcli, mlxconfig)."
    )
    gpu_devices: list[FreeText] = Field(
        default_factory=list,
        max_length=MAX_GPU_DEVICES,
        description="PCI device names to enable for DirectPath I/O, as vCenter lists them (passthrough mode).",
    )

    @model_validator(mode="after")
    def _profile(self) -> VMware:
        if self.gpu_mode == "vgpu" and not self.vgpu_profile:
            raise ValueError("gpu_mode vgpu needs vgpu_profile (for example 'nvidia_h100xm-80c')")
        if self.gpu_mode == "passthrough" and not self.gpu_devices:
            raise ValueError(
                "gpu_mode passthrough needs gpu_devices: the PCI device names vCenter shows for the GPUs "
                "(community.vmware.vmware_host_passthrough selects devices by name only)"
            )
        return self


class Nutanix(Strict):
    """Nutanix AHV: GPU VMs with passthrough or vGPU and the rail networks."""

    type: Literal["nutanix"]
    prism_central: HostName
    cluster: FreeText
    username: Token = "admin"
    password: SecretRef
    gpu_mode: Literal["passthrough", "vgpu"] = "passthrough"
    vgpu_profile: Token | None = None
    vm_vcpus: int = Field(default=96, ge=1, le=4096)
    vm_memory_gib: int = Field(default=1024, ge=1, le=65_536)
    vm_image: FreeText = "ubuntu-22.04-gpu"
    vm_disk_gib: int = Field(default=500, ge=20, le=1_000_000)
    gpu_device_id: int = Field(
        ge=1, le=0xFFFF, description="PCI device ID of the GPU (or vGPU profile ID) ntnx_gpus_v2 attaches."
    )
    rail_virtual_switch_prefix: FreeText = Field(
        default="vs-rail", description="AHV virtual switch per rail is <prefix><rail>; it must exist."
    )
    vm_management_subnet: FreeText = Field(
        min_length=1, description="Existing AHV subnet (DHCP) for the GPU VMs' management/front-end NIC."
    )

    @model_validator(mode="after")
    def _profile(self) -> Nutanix:
        if self.gpu_mode == "vgpu" and not self.vgpu_profile:
            raise ValueError("gpu_mode vgpu needs vgpu_profile")
        return self


Platform = Annotated[Baremetal | OpenShift | VMware | Nutanix, Field(discriminator="type")]

"""``platform``: what runs on the GPU nodes. One model per target, chosen by ``type``."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network
from typing import Annotated, Literal

from pydantic import Field, model_validator

from aiinfra.spec.base import SecretRef, Strict, check_ssh_key


class Baremetal(Strict):
    """Linux on the metal (DGX OS / Ubuntu) configured by Ansible."""

    type: Literal["baremetal"]
    distribution: Literal["ubuntu-22.04", "ubuntu-24.04", "dgx-os-6", "dgx-os-7"] = "ubuntu-22.04"
    qos_tool: Literal["mlnx_qos", "dcb"] = Field(
        default="mlnx_qos", description="Tool the boot-time unit uses to program trust/PFC."
    )


class OpenShift(Strict):
    """OpenShift via the agent-based installer, plus GPU/network operator day-2 objects."""

    type: Literal["openshift"]
    version: str = Field(default="4.18", pattern=r"^4\.\d+$")
    base_domain: str
    control_plane_replicas: Literal[1, 3] = 3
    api_vip: IPv4Address
    ingress_vip: IPv4Address
    cluster_network: IPv4Network = IPv4Network("10.128.0.0/14")
    service_network: IPv4Network = IPv4Network("172.30.0.0/16")
    pull_secret: SecretRef
    ssh_key: str
    sriov: bool = False

    @model_validator(mode="after")
    def _key(self) -> OpenShift:
        check_ssh_key(self.ssh_key)
        return self


class VMware(Strict):
    """vSphere: distributed switch per rail, GPU passthrough or vGPU for AI VMs."""

    type: Literal["vmware"]
    vcenter: str
    datacenter: str
    cluster: str
    username: str = "administrator@vsphere.local"
    password: SecretRef
    dvs_name: str = "dvs-ai-backend"
    gpu_mode: Literal["passthrough", "vgpu"] = "passthrough"
    vgpu_profile: str | None = None
    sriov_vfs: int = Field(default=0, ge=0, le=127, description="VFs per rail NIC; 0 disables SR-IOV.")

    @model_validator(mode="after")
    def _profile(self) -> VMware:
        if self.gpu_mode == "vgpu" and not self.vgpu_profile:
            raise ValueError("gpu_mode vgpu needs vgpu_profile (for example 'nvidia_h100xm-80c')")
        return self


class Nutanix(Strict):
    """Nutanix AHV: GPU VMs with passthrough or vGPU and the rail networks."""

    type: Literal["nutanix"]
    prism_central: str
    cluster: str
    username: str = "admin"
    password: SecretRef
    gpu_mode: Literal["passthrough", "vgpu"] = "passthrough"
    vgpu_profile: str | None = None
    vm_vcpus: int = Field(default=96, ge=1)
    vm_memory_gib: int = Field(default=1024, ge=1)
    vm_image: str = "ubuntu-22.04-gpu"

    @model_validator(mode="after")
    def _profile(self) -> Nutanix:
        if self.gpu_mode == "vgpu" and not self.vgpu_profile:
            raise ValueError("gpu_mode vgpu needs vgpu_profile")
        return self


Platform = Annotated[Baremetal | OpenShift | VMware | Nutanix, Field(discriminator="type")]

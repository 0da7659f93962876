"""Build the Design's :class:`~aiinfra.design.platform.PlatformIntent` (the last step of ``build_design``).

Order matters: the site's node facts rename NICs first (so host intent, cabling and
leaf port descriptions all carry the site's names), then every node's host intent is
decided, then the platform's limits are checked against the finished intent. A
problem in the facts file is positioned in that file; every other problem is a
:class:`~aiinfra.design.problems.Problem` at the spec field to change, so
``aiinfra validate`` refuses it and a renderer never meets it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from aiinfra.catalog import Catalog
from aiinfra.design.hosts import apply_node_facts, host_intents
from aiinfra.design.model import Design
from aiinfra.design.platform import (
    BaremetalSettings,
    GpuFacts,
    NicFacts,
    NutanixSettings,
    OpenShiftSettings,
    OperatorImages,
    PlatformIntent,
    PlatformSettings,
    VSphereSettings,
)
from aiinfra.design.platform_checks import platform_problems
from aiinfra.design.problems import DesignError
from aiinfra.errors import SpecError
from aiinfra.spec.base import SecretRef
from aiinfra.spec.model import ClusterSpec
from aiinfra.spec.node_facts import LoadedFacts
from aiinfra.spec.platform import Baremetal, Nutanix, OpenShift, VMware


def with_platform(design: Design, spec: ClusterSpec, catalog: Catalog, facts: LoadedFacts | None) -> Design:
    """Apply the node facts, attach the platform intent and refuse what the platform cannot take."""
    if facts is not None:
        diagnostics = apply_node_facts(design, facts)
        if diagnostics:
            raise SpecError(diagnostics)
    intent = platform_intent(design, spec, catalog)
    problems = platform_problems(spec, design, intent)
    if problems:
        raise DesignError(problems)
    design.platform = intent
    return design


def platform_intent(design: Design, spec: ClusterSpec, catalog: Catalog) -> PlatformIntent:
    p = spec.platform
    nic_keys = sorted({n.nic_model for node in design.nodes for n in [*node.backend, *node.frontend, *node.storage]})
    return PlatformIntent(
        type=p.type,
        settings=settings(p),
        # RHCOS and the cloud images ship iproute2 but not the MLNX_OFED user tools
        qos_tool=p.qos_tool if isinstance(p, Baremetal) else "dcb",
        secrets=tuple(secret_refs(p)),
        hosts=host_intents(design, catalog),
        nics={k: _nic(catalog, k) for k in nic_keys},
        gpus={k: GpuFacts(vendor=catalog.gpus[k].vendor, model=catalog.gpus[k].model) for k in _gpus(design)},
    )


def _nic(catalog: Catalog, key: str) -> NicFacts:
    m = catalog.nics[key]
    return NicFacts(vendor=m.vendor, model=m.model, speed_gbps=m.speed_gbps, rdma_driver=m.rdma_driver)


def _gpus(design: Design) -> list[str]:
    return sorted({node.gpu for node in design.nodes})


def settings(p: Baremetal | OpenShift | VMware | Nutanix) -> PlatformSettings:
    """The spec's platform block as the renderers format it: plain strings, secrets as expressions."""
    if isinstance(p, Baremetal):
        return BaremetalSettings(distribution=p.distribution, qos_tool=p.qos_tool)
    if isinstance(p, OpenShift):
        images = p.network_operator
        return OpenShiftSettings(
            version=p.version,
            base_domain=p.base_domain,
            control_plane_replicas=p.control_plane_replicas,
            api_vip=str(p.api_vip),
            ingress_vip=str(p.ingress_vip),
            cluster_network=str(p.cluster_network),
            service_network=str(p.service_network),
            pull_secret=p.pull_secret.ansible_expression,
            ssh_key=p.ssh_key,
            sriov=p.sriov,
            sriov_vfs=p.sriov_vfs,
            network_operator=OperatorImages(
                repository=images.repository,
                doca_driver_version=images.doca_driver_version,
                rdma_shared_device_plugin_version=images.rdma_shared_device_plugin_version,
                doca_telemetry_repository=images.doca_telemetry_repository,
                doca_telemetry_version=images.doca_telemetry_version,
            ),
        )
    if isinstance(p, VMware):
        return VSphereSettings(
            vcenter=p.vcenter,
            datacenter=p.datacenter,
            cluster=p.cluster,
            username=p.username,
            password=p.password.ansible_expression,
            dvs_name=p.dvs_name,
            gpu_mode=p.gpu_mode,
            vgpu_profile=p.vgpu_profile,
            sriov_vfs=p.sriov_vfs,
            esxi_username=p.esxi_username,
            gpu_devices=tuple(p.gpu_devices),
        )
    return NutanixSettings(
        prism_central=p.prism_central,
        cluster=p.cluster,
        username=p.username,
        password=p.password.ansible_expression,
        gpu_mode=p.gpu_mode,
        vgpu_profile=p.vgpu_profile,
        vm_vcpus=p.vm_vcpus,
        vm_memory_gib=p.vm_memory_gib,
        vm_image=p.vm_image,
        vm_disk_gib=p.vm_disk_gib,
        gpu_device_id=p.gpu_device_id,
        rail_virtual_switch_prefix=p.rail_virtual_switch_prefix,
        vm_management_subnet=p.vm_management_subnet,
    )


def secret_refs(model: BaseModel | None) -> list[str]:
    """The references of every SecretRef in a spec section (e.g. ``platform``), in field order, each once."""
    refs: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, SecretRef):
            refs.append(value.ansible_expression)
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    walk(model)
    return list(dict.fromkeys(refs))

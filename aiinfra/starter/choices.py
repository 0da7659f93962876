"""What a starter spec contains: hardware from the catalog, pools sized to the cluster.

Every choice is derived from the catalog and the requested size, never hard-coded per
OS, so a switch added to the catalog is offered by ``init`` too. Pools are sized with
room for growth (twice what the cluster needs, rounded up to a CIDR), and carved from
10.0.0.0/8 in a fixed order so two runs with the same arguments give the same file.
"""

from __future__ import annotations

import ipaddress
import math
import re
from dataclasses import dataclass

from aiinfra.catalog import builtin
from aiinfra.catalog.models import SwitchModel

PLATFORMS = ("baremetal", "openshift", "vmware", "nutanix")
DEFAULT_SERVER = "dgx-h200"
SMALL_NODES = 4  # up to here: a single-switch back-end and a collapsed front-end (aiinfra.design.advice)
GROWTH = 2  # pools hold twice the cluster as sized, so adding SUs never renumbers
SPINE_LINK_FACTOR = 4  # /31s per back-end NIC across the tiers above the leaves, with room

# PCI device IDs of the GPUs (vendor 10de), for AHV passthrough; source: NVIDIA
# gpu-admin-tools gpu/devid_names.py (0x2330 H100 SXM5, 0x2335 H200).
PCI_DEVICE_IDS = {"h100": 0x2330, "h200": 0x2335}
# vSphere vGPU profile of one whole GPU (C-series, compute), as the vsphere-inference example uses.
VGPU_PROFILES = {"h100": "nvidia_h100xm-80c"}


FACTS_FILE = "node-facts.yaml"
MANAGEMENT_SUPERNET = "172.16.0.0/12"  # RFC 1918, apart from the fabrics' 10.0.0.0/8
CLUSTER_NAME = re.compile(r"[a-z][a-z0-9-]{0,40}")  # the spec's ``name`` grammar (spec/model.py)


class StarterError(ValueError):
    """Arguments that cannot make a valid spec; the message says what would."""


@dataclass(frozen=True)
class Pool:
    name: str
    network: str
    why: str


@dataclass(frozen=True)
class Starter:
    name: str
    gpus: int
    nodes: int
    server: str
    os: str
    platform: str
    fabric_switch: str
    oob_switch: str
    oob_os: str
    backend_speed: str
    frontend_speed: str
    uplink_speed: str
    management: str
    pools: dict[str, Pool]
    ssh_key: str
    pci_device_id: int | None
    vgpu_profile: str | None

    @property
    def small(self) -> bool:
        return self.nodes <= SMALL_NODES

    @property
    def needs_facts(self) -> bool:
        """OpenShift's agent-config needs front-end MACs; vSphere's dvSwitches need ESXi vmnic names."""
        return self.platform in ("openshift", "vmware")


def fabric_switch(os: str) -> str:
    """The fastest fabric switch the catalog offers for ``os`` (most Tb/s, then name)."""
    fits = [(name, m) for name, m in builtin().switches.items() if m.role == "fabric" and os in m.os]
    if not fits:
        raise StarterError(f"the catalog has no fabric switch for {os}")
    return min(fits, key=lambda item: (-_capacity(item[1]), item[0]))[0]


def _capacity(m: SwitchModel) -> int:
    return m.ports * m.port_speed_gbps


def oob_switch(os: str) -> tuple[str, str]:
    """A management switch running ``os`` where one exists, else the first one and its first OS."""
    mgmt = sorted((name, m) for name, m in builtin().switches.items() if m.role == "management")
    for name, m in mgmt:
        if os in m.os:
            return name, os
    name, m = mgmt[0]
    return name, m.os[0]


def _speed(gbps: int) -> str:
    return f"{gbps}G"


def _prefix_for(addresses: int) -> int:
    return 32 - max(2, math.ceil(math.log2(max(addresses * GROWTH, 4))))


class _Carver:
    """Aligned blocks from one supernet, in request order."""

    def __init__(self, supernet: str) -> None:
        self.net = ipaddress.IPv4Network(supernet)
        self.next = int(self.net.network_address)

    def take(self, addresses: int) -> str:
        prefix = _prefix_for(addresses)
        size = 2 ** (32 - prefix)
        start = -(-self.next // size) * size
        block = ipaddress.IPv4Network((start, prefix))
        if not block.subnet_of(self.net):
            raise StarterError(f"the cluster needs more addresses than {self.net} holds")
        self.next = start + size
        return str(block)


def pools(nodes: int, backend_nics: int, frontend_nics: int, switches_upper: int) -> dict[str, Pool]:
    nics = nodes * backend_nics
    carve = _Carver("10.0.0.0/8")
    out = {
        "be_loopbacks": Pool("loopbacks", carve.take(switches_upper), "one /32 per back-end switch"),
        "be_links": Pool("fabric_links", carve.take(2 * nics * SPINE_LINK_FACTOR), "/31 per switch-to-switch link"),
        "gpu": Pool("gpu", carve.take(2 * nics), "/31 per GPU NIC: leaf .0, NIC .1"),
        "fe_loopbacks": Pool("loopbacks", carve.take(switches_upper), "one /32 per front-end switch"),
        "fe_links": Pool("fabric_links", carve.take(8 * max(nodes, 8)), "/31 per leaf-spine link"),
        "fe_host_links": Pool("host_links", carve.take(2 * nodes * frontend_nics), "/31 per node uplink"),
        "fe_hosts": Pool("hosts", carve.take(nodes + 16), "/32 per node (and the OpenShift VIPs)"),
    }
    return out


def starter(
    *,
    name: str,
    gpus: int,
    os: str,
    platform: str,
    ssh_key: str,
    server: str = DEFAULT_SERVER,
    pci_device_id: int | None = None,
    vgpu_profile: str | None = None,
) -> Starter:
    catalog = builtin()
    if not CLUSTER_NAME.fullmatch(name):
        raise StarterError(
            f"--name {name!r} cannot prefix hostnames: a lower-case letter, then up to 40 lower-case letters, "
            "digits or '-'"
        )
    if server not in catalog.servers:
        raise StarterError(f"unknown server {server!r}; aiinfra catalog list servers shows them")
    srv = catalog.servers[server]
    if gpus < srv.gpus or gpus % srv.gpus:
        raise StarterError(f"--gpus {gpus} is not a whole number of {server} nodes ({srv.gpus} GPUs each)")
    nodes = gpus // srv.gpus
    gpu = srv.gpu
    if platform == "nutanix":
        pci_device_id = pci_device_id or PCI_DEVICE_IDS.get(gpu)
        if pci_device_id is None:
            raise StarterError(f"--platform nutanix needs the PCI device ID of the {gpu}: pass --gpu-device-id")
    if platform == "vmware":
        vgpu_profile = vgpu_profile or VGPU_PROFILES.get(gpu)
        if vgpu_profile is None:
            raise StarterError(f"--platform vmware needs the vGPU profile of the {gpu}: pass --vgpu-profile")
    switch = fabric_switch(os)
    oob, oob_os = oob_switch(os)
    be_nic = catalog.nics[srv.backend.nic]
    fe_nic = catalog.nics[srv.frontend.nic]
    model = catalog.switches[switch]
    speeds = model.logical_speeds()
    uplink = max(v for v in speeds if v <= 400)
    # A NIC runs at any lower standard rate: take the fastest the switch offers up to the NIC's.
    frontend = max((v for v in speeds if v <= fe_nic.speed_gbps), default=min(speeds))
    backend = max((v for v in speeds if v <= be_nic.speed_gbps), default=min(speeds))
    # Upper bound on switches of one fabric: a leaf per rail per 8 nodes plus as many above.
    switches_upper = 2 * srv.backend.count * max(1, math.ceil(nodes / 8)) + 8
    hosts_needed = nodes + 3 * switches_upper + 16
    management = _Carver(MANAGEMENT_SUPERNET).take(hosts_needed)
    return Starter(
        name=name,
        gpus=gpus,
        nodes=nodes,
        server=server,
        os=os,
        platform=platform,
        fabric_switch=switch,
        oob_switch=oob,
        oob_os=oob_os,
        backend_speed=_speed(backend),
        frontend_speed=_speed(frontend),
        uplink_speed=_speed(uplink),
        management=management,
        pools=pools(nodes, srv.backend.count, srv.frontend.count, switches_upper),
        ssh_key=ssh_key,
        pci_device_id=pci_device_id,
        vgpu_profile=vgpu_profile,
    )

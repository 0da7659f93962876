"""Host artefacts shared by several targets: netplan, QoS unit and scripts, sysctl, NCCL.

Baremetal nodes install them directly, OpenShift wraps the scripts and unit into a
MachineConfig, Nutanix guests get the netplan through cloud-init. Every value is
taken from :func:`aiinfra.design.hosts.host_intent`; this module only picks the
template and the place in the file tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Interface

from aiinfra.catalog import Catalog
from aiinfra.design.hosts import HostIntent, host_intent
from aiinfra.design.model import Design, Node, NodeNic
from aiinfra.render.environment import render_template
from aiinfra.spec.model import ClusterSpec

BIN_DIR = "/usr/local/bin"
QOS_UNIT = "aiinfra-roce-qos.service"
NETPLAN_FILE = "etc/netplan/60-aiinfra.yaml"


@dataclass(frozen=True, slots=True)
class UplinkNic:
    netdev: str
    address: str
    gateway: str
    mtu: int


@dataclass(frozen=True, slots=True)
class UplinkGroup:
    """A dual-homed fabric (front-end or storage): two /31 uplinks and the node's /32."""

    fabric: str
    address: str  # "10.2.3.0/32"
    ip: str
    destination: str  # "default" or a prefix
    nics: tuple[UplinkNic, ...]


def uplink_groups(design: Design, node: Node) -> tuple[UplinkGroup, ...]:
    """Front-end carries the default route; storage routes only its own host prefix."""
    groups = []
    for fabric, nics, address, destination in (
        ("frontend", node.frontend, node.frontend_address, "default"),
        ("storage", node.storage, node.storage_address, design.pools.get("storage.hosts", "")),
    ):
        if not nics or not address:
            continue
        groups.append(
            UplinkGroup(
                fabric=fabric,
                address=address,
                ip=str(IPv4Interface(address).ip),
                destination=destination,
                nics=tuple(_uplink(n) for n in nics),
            )
        )
    return tuple(groups)


def _uplink(nic: NodeNic) -> UplinkNic:
    return UplinkNic(netdev=nic.netdev, address=nic.address, gateway=nic.gateway, mtu=nic.mtu)


def qos_tool(spec: ClusterSpec) -> str:
    """mlnx_qos where the spec asks for it on baremetal; iproute2 dcb everywhere else
    (RHCOS and cloud images ship iproute2 but not the MLNX_OFED user tools)."""
    platform = spec.platform
    return platform.qos_tool if platform.type == "baremetal" else "dcb"


def netplan(design: Design, node: Node, intent: HostIntent) -> str:
    groups = uplink_groups(design, node)
    return render_template(
        "baremetal/netplan.yaml.j2",
        node=node.name,
        rails=intent.nics,
        gpu_pool=intent.gpu_pool,
        uplink_groups=groups,
        storage=any(g.fabric == "storage" for g in groups),
    )


def ecmp_dropins(design: Design, node: Node) -> dict[str, str]:
    """systemd-networkd drop-ins holding each dual-homed fabric's multipath route."""
    out = {}
    for group in uplink_groups(design, node):
        first = group.nics[0].netdev
        path = f"etc/systemd/network/10-netplan-{first}.network.d/60-aiinfra-{group.fabric}-ecmp.conf"
        out[path] = render_template("baremetal/ecmp-route.conf.j2", node=node.name, group=group)
    return out


def qos_files(intent: HostIntent, tool: str, after: str = "") -> dict[str, str]:
    """The boot-time QoS script, the roce-check script and the unit that runs both."""
    bin_dir = BIN_DIR.lstrip("/")
    return {
        f"{bin_dir}/aiinfra-roce-qos": render_template("baremetal/roce-qos.sh.j2", intent=intent, tool=tool),
        f"{bin_dir}/roce-check": render_template("baremetal/roce-check.sh.j2", intent=intent, tool=tool),
        f"etc/systemd/system/{QOS_UNIT}": render_template(
            "baremetal/roce-qos.service.j2", node=intent.node, bin_dir=BIN_DIR, after=after
        ),
    }


def sysctl_conf(intent: HostIntent) -> str:
    return render_template("baremetal/sysctl.conf.j2", intent=intent)


def nccl_files(intent: HostIntent) -> dict[str, str]:
    return {
        "etc/nccl.conf": render_template("baremetal/nccl.conf.j2", intent=intent),
        "etc/profile.d/aiinfra-nccl.sh": render_template("baremetal/nccl-profile.sh.j2", intent=intent),
    }


def intents(design: Design, catalog: Catalog) -> dict[str, HostIntent]:
    return {node.name: host_intent(design, node, catalog) for node in design.nodes}

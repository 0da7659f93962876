"""The vendor-neutral ``Design``: every decision the renderers format.

Plain slotted dataclasses rather than pydantic: a 32k-GPU design holds a few
hundred thousand interfaces and links, and construction speed and memory matter
more here than validation (the spec was validated already).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from operator import attrgetter

from aiinfra.design.apps_model import AppsIntent
from aiinfra.design.lab_intent import LabIntent
from aiinfra.design.platform import PlatformIntent
from aiinfra.design.telemetry import TelemetryIntent


class InterfaceRole(StrEnum):
    """What a switch port connects to. A StrEnum, so ``i.role == "host"`` holds."""

    HOST = "host"
    UPLINK = "uplink"
    DOWNLINK = "downlink"
    MGMT = "mgmt"
    OOB_ACCESS = "oob-access"
    OOB_UPLINK = "oob-uplink"
    UNUSED = "unused"


class PortMode(StrEnum):
    """How a port forwards: routed (an L3 port with an address or unnumbered), access
    (bridged, untagged in the device's one access VLAN), or disabled (shut)."""

    ROUTED = "routed"
    ACCESS = "access"
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class TrafficClass:
    """One egress class: what maps to it and how it is scheduled."""

    name: str
    tc: int  # traffic class == queue == switch priority in aiinfra's layout
    dscps: tuple[int, ...]
    scheduling: str  # "strict" | "dwrr"
    weight_pct: int  # DWRR share (0 for strict)
    lossless: bool
    ecn: bool


@dataclass(frozen=True, slots=True)
class EcnProfile:
    """WRED-ECN thresholds on the RoCE queue, in bytes; each driver's units.py converts."""

    mode: str  # "auto" | "explicit"
    min_bytes: int
    max_bytes: int
    max_probability_pct: int
    rule: str  # human-readable derivation, shown in design.yaml


@dataclass(frozen=True, slots=True)
class PfcWatchdog:
    """PFC storm watchdog timers in milliseconds; each driver's units.py converts (polls, seconds)."""

    enabled: bool
    detection_ms: int
    restoration_ms: int
    poll_ms: int
    action: str  # "drop"


@dataclass(frozen=True, slots=True)
class Headroom:
    """PFC headroom for one (ASIC, speed, cable length, MTU) port profile, per lossless PG.

    ``bytes`` is the XOFF headroom: max(the ASIC's calibrated model, the IEEE 802.1Qbb floor),
    i.e. what SONiC writes as ``xoff`` and what the other OSes report. The rest, for targets
    that program more than XOFF (docs/qos.md):

    - ``floor_bytes``: the IEEE 802.1Qbb delay model alone (``qos.headroom_bytes``); never above ``bytes``.
    - ``xon_bytes``: XON, the ASIC pipeline latency (Spectrum 19 KiB, 38 KiB on 8-lane ports; 0 on TH5).
    - ``xon_offset_bytes``: SONiC ``xon_offset`` (TH5 3,556 B = 14 cells; 0 where unused).
    - ``size_bytes``: SONiC ``BUFFER_PROFILE.size`` in the ASIC's own convention: xoff + xon on
      Spectrum (no shared headroom pool); the PG's guaranteed minimum on TH5, whose xoff lives in
      the shared headroom pool; xoff on an ASIC without a vendor table.
    - ``asic``: the catalog ASIC the terms came from; ``basis``: "calibrated" (the vendor-calibrated
      model), "floor" (the IEEE floor was larger) or "uncalibrated" (no vendor table: floor only).
    """

    speed_gbps: int
    cable_m: float
    mtu: int
    bytes: int
    name: str  # stable profile name, e.g. "pg_lossless_400g_50m"
    floor_bytes: int = 0
    xon_bytes: int = 0
    xon_offset_bytes: int = 0
    size_bytes: int = 0
    asic: str = ""
    basis: str = "uncalibrated"


@dataclass(frozen=True, slots=True)
class HeadroomBudget:
    """Room one switch has for PFC headroom, and how its ports' headroom is counted against it.

    ``reserved``: each lossless PG's ``size_bytes`` is carved out of the buffer
    (``pool_bytes`` = catalog ``headroom_pool_pct`` of it). ``shared``: the PGs' ``bytes``
    (xoff) draw on one shared headroom pool that the vendor sizes for their sum divided by
    ``oversubscription`` (docs/qos.md, "Buffer budget").
    """

    mode: str  # "reserved" | "shared"
    pool_bytes: int
    oversubscription: float
    basis: str  # human-readable: "25% of 160 MB"

    def demand(self, profiles: list[Headroom]) -> int:
        """Bytes of this budget the given per-PG profiles need."""
        if self.mode == "shared":
            return -(-sum(map(_XOFF, profiles)) * 1000 // round(self.oversubscription * 1000))
        return sum(map(_SIZE, profiles))


_XOFF, _SIZE = attrgetter("bytes"), attrgetter("size_bytes")  # a switch's ports, summed without a Python loop


@dataclass(frozen=True, slots=True)
class QosIntent:
    """The lossless RoCEv2 contract shared by every switch and host of one fabric."""

    nodrop_priority: int
    roce_dscp: int
    roce_dscps: tuple[int, ...]  # all DSCPs classified to the no-drop class, sorted
    cnp_dscp: int
    cnp_priority: int
    roce_tos: int  # DSCP << 2 | ECT(0): what the NIC writes in the IP ToS byte
    classes: tuple[TrafficClass, ...]
    ecn: EcnProfile
    pfc_watchdog: PfcWatchdog
    dcqcn: bool
    host_mtu: int
    pause_8023x: bool  # always False: PFC and global pause are mutually exclusive


@dataclass(slots=True)
class Interface:
    name: str
    role: InterfaceRole
    speed_gbps: int
    mtu: int
    description: str
    enabled: bool = True
    address: str | None = None  # "10.0.0.0/31"
    peer_device: str | None = None
    peer_interface: str | None = None
    peer_address: str | None = None
    lossless: bool = False  # PFC on the no-drop priority, with ECN and DSCP trust
    headroom: Headroom | None = None
    physical_port: int = 0
    breakout_member: int = 0  # 0-based member of a broken-out port
    mode: PortMode = PortMode.ROUTED
    bfd: bool = False  # the BGP session on this port runs BFD


@dataclass(frozen=True, slots=True)
class PhysicalPort:
    """Front-panel port and the breakout mode it runs in (``ways`` 1 = no breakout)."""

    number: int
    ways: int
    speed_gbps: int
    name: str  # the unbroken cage's name in the device's OS (NVUE sets a breakout on it)


@dataclass(slots=True)
class BgpNeighbor:
    address: str
    remote_asn: int
    peer_device: str
    interface: str
    peer_group: str
    bfd: bool


@dataclass(slots=True)
class Bgp:
    asn: int
    router_id: str
    neighbors: list[BgpNeighbor]
    networks: list[str]  # prefixes originated with `network` statements
    peer_groups: dict[str, int | None]  # group name -> remote ASN when shared, else None
    maximum_paths: int
    multipath_relax: bool
    bfd: bool
    unnumbered: bool
    # BFD timers shared by every OS: 300 ms x 3 detects a dead link in under a second
    # without false positives from control-plane load on busy leaves.
    bfd_interval_ms: int = 300
    bfd_multiplier: int = 3


@dataclass(slots=True)
class StaticRoute:
    prefix: str
    next_hop: str
    description: str


@dataclass(frozen=True, slots=True)
class AppliedOverride:
    """One field an ``overrides`` entry changed on a device (aiinfra.design.overrides)."""

    source: str  # "overrides[2]"
    selector: str  # "group rail_1" | "device lab-leaf-01"
    field: str  # "interfaces.Ethernet1/1.mtu", "bfd", "load_balancing"
    value: str
    previous: str


@dataclass(frozen=True, slots=True)
class RawBlock:
    """Text a ``raw_config`` entry places verbatim in the device's main config file."""

    source: str  # "raw_config[0]"
    selector: str
    position: str  # "before" | "after"
    text: str


@dataclass(slots=True)
class Device:
    name: str
    fabric: str  # backend | frontend | storage | oob
    role: str  # leaf | spine | super-spine | oob
    model: str  # catalog key
    os: str
    os_release: str
    mgmt_interface: str
    mgmt_address: str  # "192.168.0.11/22"
    mgmt_gateway: str
    interfaces: list[Interface] = field(default_factory=list)
    physical_ports: list[PhysicalPort] = field(default_factory=list)
    loopback: str | None = None
    bgp: Bgp | None = None
    static_routes: list[StaticRoute] = field(default_factory=list)
    qos: QosIntent | None = None
    headroom_budget: HeadroomBudget | None = None  # back-end switches: room for their ports' PFC headroom
    access_vlan: int | None = None  # OOB switches: the one VLAN bridging access ports and uplinks
    load_balancing: str = "ecmp"
    switch_mtu: int = 9216
    su: int | None = None
    rail: int | None = None
    pod: int | None = None
    plane: int | None = None
    rack_units: int = 1
    power_w: int = 0
    overrides: tuple[AppliedOverride, ...] = ()  # escape hatches, in the order applied
    raw_config: tuple[RawBlock, ...] = ()

    @property
    def groups(self) -> list[str]:
        """Inventory groups this device belongs to."""
        out = [
            f"fabric_{self.fabric}",
            f"role_{self.role.replace('-', '_')}",
            f"os_{self.os}",
            f"{self.fabric}_{self.role.replace('-', '_')}",
        ]
        if self.rail is not None:
            out.append(f"rail_{self.rail}")
        if self.su is not None:
            out.append(f"su_{self.su}")
        if self.pod is not None:
            out.append(f"pod_{self.pod}")
        return out


@dataclass(frozen=True, slots=True)
class Link:
    """One cable. ``a`` is the lower tier (node or leaf), ``b`` the upper."""

    fabric: str
    kind: str  # node-leaf | leaf-spine | spine-super-spine | leaf-leaf | mgmt | oob-uplink
    a_device: str
    a_interface: str
    b_device: str
    b_interface: str
    speed_gbps: int
    length_m: float
    reach: str  # DAC | AOC/MMF | SMF-DR | SMF-FR | copper
    cable: str
    a_optic: str
    b_optic: str
    a_port_gbps: int  # line rate of the module/cage at each end (800 for a broken-out 800G port)
    b_port_gbps: int


@dataclass(slots=True)
class NodeNic:
    """One GPU node NIC port on a fabric, with everything the host must match."""

    fabric: str
    index: int  # rail for the back-end, uplink index otherwise
    netdev: str
    rdma_device: str
    nic_model: str
    speed_gbps: int
    address: str  # "10.0.0.1/31"
    gateway: str  # leaf side of the /31
    switch: str
    switch_interface: str
    route_table: int
    mtu: int


@dataclass(slots=True)
class Node:
    name: str
    index: int
    su: int
    model: str
    gpu: str
    gpus: int
    mgmt_address: str
    bmc_address: str
    backend: list[NodeNic] = field(default_factory=list)
    frontend: list[NodeNic] = field(default_factory=list)
    storage: list[NodeNic] = field(default_factory=list)
    frontend_address: str | None = None  # node /32 on loopback, routed by its leaf pair
    storage_address: str | None = None
    facts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SwitchHardware:
    """The catalog facts about one switch model that its configs state, copied into the Design
    so a renderer (and ``render --from-design``) needs nothing but the Design."""

    vendor: str
    model: str
    asic: str
    port_speed_gbps: int  # the cage's native line rate
    lanes_per_port: int
    buffer_bytes: int  # packet buffer
    headroom_pool_pct: int  # share of the buffer PFC headroom may take


@dataclass(frozen=True, slots=True)
class TierSummary:
    fabric: str
    tier: str
    model: str
    os: str
    count: int
    downlinks_per_switch: int
    uplinks_per_switch: int
    oversubscription: float


@dataclass(frozen=True, slots=True)
class AaaServer:
    address: str
    key: str  # an Ansible expression such as "{{ vault_tacacs_key }}", never a value


@dataclass(frozen=True, slots=True)
class LocalUser:
    name: str
    role: str
    ssh_keys: tuple[str, ...]
    password_hash: str | None  # Ansible expression or None


@dataclass(frozen=True, slots=True)
class SnmpUser:
    name: str
    auth: str
    auth_key: str  # Ansible expression
    priv: str
    priv_key: str  # Ansible expression


@dataclass(frozen=True, slots=True)
class ManagementPlane:
    """Site services and access policy every switch renders identically."""

    domain: str
    allowed_cidrs: tuple[str, ...]
    dns: tuple[str, ...]
    ntp: tuple[str, ...]
    syslog: tuple[str, ...]
    timezone: str
    aaa_protocol: str | None
    aaa_servers: tuple[AaaServer, ...]
    users: tuple[LocalUser, ...]
    snmp_users: tuple[SnmpUser, ...]
    snmp_contact: str
    snmp_location: str
    banner: str


@dataclass(frozen=True, slots=True)
class BomLine:
    category: str  # switch | server | optic | cable
    item: str
    count: int
    detail: str
    speed_gbps: int = 0  # optics: module line rate, for power figures


@dataclass(frozen=True, slots=True)
class HeadroomProfileRow:
    """One PG headroom profile in the ``pfc_headroom`` report of design.yaml."""

    xoff_bytes: int
    size_bytes: int
    floor_bytes: int
    basis: str


@dataclass(frozen=True, slots=True)
class HeadroomRow:
    """The PFC headroom of one switch role and model, worst switch first (design.yaml ``pfc_headroom``)."""

    role: str
    model: str
    asic: str
    switches: int
    roce_ports: int
    max_xoff_bytes: int
    max_headroom_bytes: int
    budget_bytes: int
    budget: str
    profiles: dict[str, HeadroomProfileRow]


@dataclass
class Design:
    name: str
    domain: str
    devices: dict[str, Device]
    links: list[Link]
    nodes: list[Node]
    qos: dict[str, QosIntent]  # per RoCE fabric
    tiers: list[TierSummary]
    backend_tiers: int
    scalable_units: int
    rails: int
    backend_bisection_gbps: int  # half the leaf uplink capacity, whole Gb/s
    headroom_report: list[HeadroomRow]
    mgmt_network: str
    mgmt_gateway: str
    pools: dict[str, str]
    management: ManagementPlane
    bom: list[BomLine]
    switch_models: dict[str, SwitchHardware]  # catalog key -> facts, for every model a device uses
    # os -> template name -> text: the user's templates, ahead of the driver's own
    user_templates: dict[str, dict[str, str]] = field(default_factory=dict)
    platform: PlatformIntent | None = None  # set by build_design (aiinfra.design.platform_build)
    apps: AppsIntent | None = None  # serving and RAG services (aiinfra.design.apps), None without serving:/rag:
    telemetry: TelemetryIntent | None = None  # set by build_design (aiinfra.design.telemetry)
    containerlab: LabIntent | None = None  # set by build_design (aiinfra.design.containerlab)

    def devices_by(self, *, fabric: str | None = None, role: str | None = None) -> list[Device]:
        return [
            d
            for d in self.devices.values()
            if (fabric is None or d.fabric == fabric) and (role is None or d.role == role)
        ]

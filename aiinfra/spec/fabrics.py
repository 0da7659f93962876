"""``fabrics``: the back-end GPU fabric, front-end, storage and OOB networks."""

from __future__ import annotations

from ipaddress import IPv4Network
from typing import Literal

from pydantic import Field, model_validator

from aiinfra.spec.base import RatioStr, Speed, Strict, SwitchChoice, TieredSwitches
from aiinfra.spec.text import HostName

LoadBalancing = Literal["ecmp", "flowlet", "per-packet"]

PRIVATE_ASN_4B = (4_200_000_000, 4_294_967_294)


class EcnThresholds(Strict):
    """Explicit WRED-ECN thresholds on the RoCE queue (override ``auto``)."""

    min_kbytes: int = Field(ge=1, le=1_000_000)
    max_kbytes: int = Field(ge=1, le=1_000_000)
    max_probability: int = Field(ge=1, le=100, description="Marking probability at max, percent.")

    @model_validator(mode="after")
    def _ordered(self) -> EcnThresholds:
        if self.min_kbytes > self.max_kbytes:
            raise ValueError(f"min_kbytes {self.min_kbytes} is above max_kbytes {self.max_kbytes}")
        return self


class CableLengths(Strict):
    """Cable length in metres per tier; drives optics choice and PFC headroom."""

    host_leaf: float = Field(default=5, gt=0, le=10_000)
    leaf_spine: float = Field(default=50, gt=0, le=10_000)
    spine_super_spine: float = Field(default=150, gt=0, le=10_000)


class PfcWatchdog(Strict):
    enabled: bool = True
    detection_ms: int = Field(default=200, ge=10, le=5000)
    restoration_ms: int = Field(default=400, ge=10, le=60000)
    poll_ms: int = Field(default=100, ge=10, le=1000)

    @model_validator(mode="after")
    def _whole_polls(self) -> PfcWatchdog:
        for name in ("detection_ms", "restoration_ms"):
            value = getattr(self, name)
            if value % self.poll_ms:
                raise ValueError(
                    f"{name} {value} is not a whole number of {self.poll_ms} ms polls; switches count the "
                    "watchdog timers in polls"
                )
        return self


class Roce(Strict):
    """Lossless RoCEv2 contract; the same numbers drive switches and hosts."""

    priority: int = Field(default=3, ge=0, le=7, description="PFC no-drop priority / traffic class.")
    dscp: int = Field(default=26, ge=0, le=63, description="DSCP the NICs mark RoCE data with.")
    also_classify_dscp: list[int] = Field(
        default_factory=lambda: [24], description="Extra DSCPs mapped to the no-drop class (CS3)."
    )
    cnp_dscp: int = Field(default=48, ge=0, le=63)
    cnp_priority: int = Field(default=6, ge=0, le=7)
    ecn: Literal["auto"] | EcnThresholds = "auto"
    dcqcn: bool = Field(default=True, description="Enable DCQCN (ECN reaction) on the NICs.")
    cable_length_m: CableLengths = CableLengths()
    pfc_watchdog: PfcWatchdog = PfcWatchdog()
    host_mtu: int = Field(default=9000, ge=1280, le=9216)

    @model_validator(mode="after")
    def _distinct(self) -> Roce:
        if self.priority == self.cnp_priority:
            raise ValueError(
                f"cnp_priority {self.cnp_priority} equals the no-drop priority; CNPs must bypass "
                "the congested lossless queue (use 6)"
            )
        classified = {self.dscp, *self.also_classify_dscp}
        if self.cnp_dscp in classified:
            raise ValueError(f"cnp_dscp {self.cnp_dscp} is also a RoCE data DSCP")
        bad = [d for d in self.also_classify_dscp if not 0 <= d <= 63]
        if bad:
            raise ValueError(f"DSCP values must be 0..63, got {bad}")
        return self


PRIVATE_ASN_RANGES = ((64_512, 65_534), PRIVATE_ASN_4B)  # RFC 6996


class AsnRange(Strict):
    """A pool of private ASNs (RFC 6996): 4200000000-4294967294, or 64512-65534."""

    first: int = Field(ge=1, le=4_294_967_294)
    last: int = Field(ge=1, le=4_294_967_294)

    @model_validator(mode="after")
    def _ordered(self) -> AsnRange:
        if self.first > self.last:
            raise ValueError(f"first {self.first} is above last {self.last}")
        if not any(lo <= self.first and self.last <= hi for lo, hi in PRIVATE_ASN_RANGES):
            raise ValueError(
                f"{self.first}-{self.last} is not inside one private ASN range (RFC 6996): "
                "4200000000-4294967294, or 64512-65534"
            )
        return self


class Underlay(Strict):
    """eBGP underlay (RFC 7938 style).

    ``asn_scheme``:
      * ``rfc7938`` -- every leaf has its own ASN; the spines of one spine group
        (pod) share one, and the super-spines share one. Shared ASNs stop
        valley paths without route policy.
      * ``unique`` -- every switch has its own ASN.
    """

    asn_pool: AsnRange = AsnRange(first=4_200_000_000, last=4_200_999_999)
    asn_scheme: Literal["rfc7938", "unique"] = "rfc7938"
    bfd: bool = True
    unnumbered: bool = Field(
        default=False, description="BGP over IPv6 link-local (RFC 5549) instead of /31s, where the OS can."
    )


class BackendAddressing(Strict):
    loopbacks: IPv4Network
    fabric_links: IPv4Network = Field(description="/31 per switch-to-switch link.")
    gpu: IPv4Network = Field(description="/31 per GPU NIC: leaf port .0, NIC .1.")


class Backend(Strict):
    """Rail-optimized GPU-to-GPU RoCEv2 fabric."""

    design: Literal["rail-optimized"] = "rail-optimized"
    rails: int | None = Field(default=None, ge=1, le=16, description="Default: the node's back-end NIC count.")
    nodes_per_su: int = Field(default=32, ge=1, le=512)
    link_speed: Speed = "400G"
    switches: TieredSwitches
    oversubscription: RatioStr = "1:1"
    load_balancing: Literal["ecmp", "flowlet", "per-packet"] = "ecmp"
    roce: Roce = Roce()
    underlay: Underlay = Underlay()
    addressing: BackendAddressing


class EthernetAddressing(Strict):
    loopbacks: IPv4Network
    fabric_links: IPv4Network
    host_links: IPv4Network = Field(description="/31 per node uplink; leaf .0, node .1.")
    hosts: IPv4Network = Field(description="/32 node address, routed by both leaves of the pair.")


class EthernetFabric(Strict):
    """Leaf-spine fabric for front-end or storage traffic.

    Nodes are dual-homed to a leaf pair at layer 3: each uplink is a /31 and the
    node's own /32 is routed by both leaves, so no MLAG is needed on any OS.
    """

    switches: TieredSwitches
    link_speed: Speed = "100G"
    uplink_speed: Speed = "400G"
    oversubscription: RatioStr = "3:1"
    mtu: int = Field(default=9000, ge=1280, le=9216)
    underlay: Underlay = Underlay(asn_pool=AsnRange(first=4_201_000_000, last=4_201_999_999))
    addressing: EthernetAddressing


class Oob(Strict):
    """Out-of-band management switches (layer-2 access on the management subnet)."""

    switch: SwitchChoice
    uplink_to: HostName = Field(default="site-oob-core", description="Name of the upstream OOB router/firewall.")


class Fabrics(Strict):
    backend: Backend
    frontend: EthernetFabric
    storage: EthernetFabric | None = None
    oob: Oob

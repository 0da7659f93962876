"""``fabrics``: the back-end GPU fabric, front-end, storage and OOB networks."""

from __future__ import annotations

from ipaddress import IPv4Network
from typing import Annotated, Literal

from pydantic import Field, model_validator

from aiinfra.errors import Path
from aiinfra.spec.base import RatioStr, Speed, Strict, SwitchChoice, TieredSwitches
from aiinfra.spec.errors import FieldProblem, raise_field_problems
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
            message = (
                f"min_kbytes {self.min_kbytes} is above max_kbytes {self.max_kbytes}; marking must start "
                f"below where it peaks: use {self.max_kbytes} or less"
            )
            raise_field_problems(EcnThresholds, [(("min_kbytes",), message, self.min_kbytes)])
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
        problems: list[FieldProblem] = []
        for name in ("detection_ms", "restoration_ms"):
            value = getattr(self, name)
            if value % self.poll_ms:
                low = max(self.poll_ms, value // self.poll_ms * self.poll_ms)
                message = (
                    f"{name} {value} is not a whole number of {self.poll_ms} ms polls; switches count the "
                    f"watchdog timers in polls: use {low} or {low + self.poll_ms}"
                )
                problems.append(((name,), message, value))
        raise_field_problems(PfcWatchdog, problems)
        return self


BEST_EFFORT_PRIORITY = 0  # traffic class / queue of unmarked traffic (design.qos.BEST_EFFORT_TC)
PRIORITIES = range(8)  # 802.1p priority = traffic class = queue on every back-end switch and NIC
BEST_EFFORT_DSCP = 0  # DSCP of unmarked traffic


def _values(values: list[int]) -> str:
    """``[1, 2, 4, 5, 7]`` -> ``"1, 2, 4, 5 or 7"``."""
    text = [str(v) for v in values]
    return text[0] if len(text) == 1 else ", ".join(text[:-1]) + " or " + text[-1]


def _dscp_hint(taken: set[int]) -> str:
    """The DSCPs still free, as ranges (``1-23, 25, 27-47, 49-63``)."""
    free = [d for d in range(1, 64) if d not in taken]
    spans: list[str] = []
    start = prev = free[0]
    for d in [*free[1:], None]:
        if d is not None and d == prev + 1:
            prev = d
            continue
        spans.append(str(start) if start == prev else f"{start}-{prev}")
        if d is not None:
            start = prev = d
    return "use one of " + ", ".join(spans)


class Roce(Strict):
    """Lossless RoCEv2 contract; the same numbers drive switches and hosts.

    Every switch and NIC maps priority = traffic class = queue, and design.qos builds
    three classes from these numbers: best effort (traffic class 0, everything
    unmarked, DSCP 0), RoCE (``priority``, PFC on) and CNP (``cnp_priority``, strict).
    Two of them sharing a number merges the classes on the switch (PFC then pauses
    best-effort traffic too), so the validator keeps the three apart, and keeps the
    DSCPs that select them apart too.
    """

    priority: int = Field(default=3, ge=0, le=7, description="PFC no-drop priority / traffic class.")
    dscp: int = Field(default=26, ge=0, le=63, description="DSCP the NICs mark RoCE data with.")
    also_classify_dscp: list[Annotated[int, Field(ge=0, le=63)]] = Field(
        default_factory=lambda: [24], description="Extra DSCPs mapped to the no-drop class (CS3)."
    )
    cnp_dscp: int = Field(default=48, ge=0, le=63)
    cnp_priority: int = Field(default=6, ge=0, le=7)
    ecn: Literal["auto"] | EcnThresholds = "auto"
    dcqcn: bool = Field(default=True, description="Enable DCQCN (ECN reaction) on the NICs.")
    cable_length_m: CableLengths = CableLengths()
    pfc_watchdog: PfcWatchdog = PfcWatchdog()
    host_mtu: int = Field(default=9000, ge=1280, le=9216)

    def _blame(self, *fields: str) -> str:
        """Of fields in conflict, the first one the spec wrote (else the first): the one
        the user chose, so the message points at a line that is in the file."""
        return next((f for f in fields if f in self.model_fields_set), fields[0])

    @model_validator(mode="after")
    def _distinct(self) -> Roce:
        problems: list[FieldProblem] = []
        problems += self._priority_problems()
        problems += self._dscp_problems()
        raise_field_problems(Roce, problems)
        return self

    def _priority_problems(self) -> list[FieldProblem]:
        out: list[FieldProblem] = []

        def free(other: int) -> str:
            return _values([v for v in PRIORITIES if v not in (BEST_EFFORT_PRIORITY, other)])

        for field, role, other in (
            ("priority", "the lossless RoCE class", self.cnp_priority),
            ("cnp_priority", "the CNP class", self.priority),
        ):
            value = getattr(self, field)
            if value == BEST_EFFORT_PRIORITY:
                message = (
                    f"{field} {value} is the best-effort traffic class, which carries every unmarked packet; "
                    f"{role} needs a class of its own: use {free(other)}"
                )
                out.append(((field,), message, value))
        if self.priority == self.cnp_priority != BEST_EFFORT_PRIORITY:
            field = self._blame("cnp_priority", "priority")
            partner = "priority" if field == "cnp_priority" else "cnp_priority"
            message = (
                f"{field} {self.priority} equals {partner}; CNPs must bypass the congested lossless queue, so "
                f"the two classes need different priorities: use {free(self.priority)}"
            )
            out.append(((field,), message, self.priority))
        return out

    def _dscp_problems(self) -> list[FieldProblem]:
        out: list[FieldProblem] = []
        unmarked = f"DSCP {BEST_EFFORT_DSCP} is unmarked, best-effort traffic"
        data: dict[int, Path] = {self.dscp: ("dscp",)}
        if self.dscp == BEST_EFFORT_DSCP:
            hint = _dscp_hint({self.cnp_dscp, *self.also_classify_dscp})
            out.append((("dscp",), f"{unmarked}; RoCE data needs a mark of its own: {hint}", self.dscp))
        for i, d in enumerate(self.also_classify_dscp):
            loc: Path = ("also_classify_dscp", i)
            if d == BEST_EFFORT_DSCP:
                out.append((loc, f"{unmarked}; classifying it as RoCE would make all of it lossless", d))
            elif d in data and "also_classify_dscp" not in self.model_fields_set:
                message = (
                    f"also_classify_dscp defaults to {self.also_classify_dscp}, which repeats dscp {d}; "
                    "set also_classify_dscp to [] or to other DSCPs"
                )
                out.append((("dscp",), message, d))
            elif d in data:
                out.append((loc, f"DSCP {d} is already given at {_dotted(data[d])}; list each DSCP once", d))
            data.setdefault(d, loc)
        if self.cnp_dscp == BEST_EFFORT_DSCP:
            hint = _dscp_hint(set(data))
            out.append((("cnp_dscp",), f"{unmarked}; CNPs need a mark of their own: {hint}", self.cnp_dscp))
        elif self.cnp_dscp in data:
            clash = data[self.cnp_dscp]
            if self._blame("cnp_dscp", str(clash[0])) == "cnp_dscp":
                loc, hint = ("cnp_dscp",), _dscp_hint(set(data))
            else:
                loc, hint = clash, _dscp_hint({self.cnp_dscp, *(d for d in data if d != self.cnp_dscp)})
            message = (
                f"cnp_dscp {self.cnp_dscp} is also the RoCE data DSCP at {_dotted(clash)}; switches and NICs "
                f"tell CNPs from data by DSCP alone: {hint}"
            )
            out.append((loc, message, self.cnp_dscp))
        return out


def _dotted(loc: Path) -> str:
    return f"{loc[0]}[{loc[1]}]" if len(loc) == 2 else str(loc[0])


PRIVATE_ASN_RANGES = ((64_512, 65_534), PRIVATE_ASN_4B)  # RFC 6996


class AsnRange(Strict):
    """A pool of private ASNs (RFC 6996): 4200000000-4294967294, or 64512-65534."""

    first: int = Field(ge=1, le=4_294_967_294)
    last: int = Field(ge=1, le=4_294_967_294)

    @model_validator(mode="after")
    def _ordered(self) -> AsnRange:
        if self.first > self.last:
            message = f"first {self.first} is above last {self.last}; use {self.last} or less"
            raise_field_problems(AsnRange, [(("first",), message, self.first)])
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
    """GPU-to-GPU RoCEv2 fabric.

    ``design``:
      * ``rail-optimized`` -- NIC *i* of every node to a leaf of rail *i*, spines (and
        super-spines) above: the design for any size.
      * ``single-switch`` -- every NIC of every node on one switch, no spines: for 2-8
        nodes, where a leaf per rail plus spines would draw more power than the GPUs. The
        switch's ports bound the node count; ``spine``/``super_spine`` choices are unused.
    """

    design: Literal["rail-optimized", "single-switch"] = "rail-optimized"
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
    collapsed: bool = Field(
        default=False,
        description="One leaf pair joined by two peer links, no spines: for a few nodes "
        "(the leaf's ports bound the count). The spine choice is then unused.",
    )
    link_speed: Speed = "100G"
    uplink_speed: Speed = "400G"
    oversubscription: RatioStr = "3:1"
    mtu: int = Field(default=9000, ge=1280, le=9216)
    underlay: Underlay = Underlay(asn_pool=AsnRange(first=4_201_000_000, last=4_201_999_999))
    addressing: EthernetAddressing


class Oob(Strict):
    """Out-of-band management switches (layer-2 access on the management subnet)."""

    switch: SwitchChoice
    # It becomes part of the uplink's interface description ("uplink to NAME"), which NX-OS,
    # SONiC YANG and NVUE cap at 254-255 characters: 128 leaves room on every OS.
    uplink_to: HostName = Field(
        default="site-oob-core", max_length=128, description="Name of the upstream OOB router/firewall."
    )


class Fabrics(Strict):
    backend: Backend
    frontend: EthernetFabric
    storage: EthernetFabric | None = None
    oob: Oob

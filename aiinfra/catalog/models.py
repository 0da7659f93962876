"""Typed hardware facts. Every entry carries the source it was taken from."""

from __future__ import annotations

import re
from string import Formatter
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from aiinfra.spec.base import Strict, SwitchOs
from aiinfra.spec.text import MAX_FREE_TEXT, CatalogName, FreeText, Netdev, OsRelease, RdmaName, Token

# Physical maxima: a catalog entry beyond them is a typo, and the design would
# otherwise allocate, name and render every one of them (50,000,000 ports took
# 58 s and 3 GB before this bound).
MAX_SWITCH_PORTS = 1024
MAX_SPEED_GBPS = 1600
MAX_BUFFER_MB = 65_536
MAX_DEVICE_POWER_W = 200_000
MAX_RACK_UNITS = 60
MAX_NIC_PORTS = 64
MAX_SERVER_GPUS = 72
MAX_SCALE_UP_DOMAIN = 576
MAX_NAME_LIST = 64
MAX_CATALOG_ENTRIES = 256

PORT_FIELDS = ("port", "port0", "sub", "sub0", "lane", "lane0")
"""The fields :func:`aiinfra.design.ports.port_name` fills in; nothing else may appear."""

_NAME_TEXT = re.compile(r"[A-Za-z0-9/:._-]*")
MAX_PORT_PATTERN = 64


def format_fields(pattern: str, allowed: tuple[str, ...]) -> set[str]:
    """The fields of a ``str.format`` pattern, refusing anything but plain ``{name}``.

    A format spec or conversion (``{port:>200000000}``, ``{port!r}``) is refused,
    because it lets data choose how much memory a name takes; an unknown field
    (``{nonexistent}``) is refused here rather than failing inside the design.
    """
    if len(pattern) > MAX_PORT_PATTERN:
        raise ValueError(f"a name pattern is at most {MAX_PORT_PATTERN} characters; this one has {len(pattern)}")
    fields: set[str] = set()
    try:
        parsed = list(Formatter().parse(pattern))
    except ValueError as exc:
        raise ValueError(f"{pattern!r} is not a valid name pattern: {exc}") from None
    for literal, name, spec, conversion in parsed:
        if not _NAME_TEXT.fullmatch(literal):
            bad = next(ch for ch in literal if not _NAME_TEXT.fullmatch(ch))
            raise ValueError(
                f"{bad!r} may not appear in an interface name; use letters, digits and '/', ':', '.', '_', '-'"
            )
        if name is None:
            continue
        if name not in allowed:
            raise ValueError(f"unknown field {{{name}}} in {pattern!r}; valid fields: {', '.join(allowed)}")
        if spec or conversion:
            raise ValueError(
                f"write the field as {{{name}}}: a format spec or conversion "
                f"({'!' + conversion if conversion else ''}{':' + spec if spec else ''}) is not allowed"
            )
        fields.add(name)
    return fields


def _port_pattern(pattern: str) -> str:
    fields = format_fields(pattern, PORT_FIELDS)
    if not fields & {"port", "port0", "lane0"}:
        raise ValueError(f"{pattern!r} must contain {{port}}, {{port0}} or {{lane0}}, or every port gets one name")
    return pattern


def names_members(pattern: str) -> bool:
    """Whether a breakout pattern gives the members of one port different names."""
    names = format_fields(pattern, PORT_FIELDS)
    return bool(names & {"sub", "sub0", "lane", "lane0"})


def _literal_name(name: str) -> str:
    format_fields(name, ())
    if not name:
        raise ValueError("the management interface name is empty")
    return name


PortPattern = Annotated[str, AfterValidator(_port_pattern)]
InterfaceName = Annotated[str, AfterValidator(_literal_name)]


def _hostname_pattern(pattern: str) -> str:
    if "hostname" not in format_fields(pattern, ("hostname",)):
        raise ValueError(f"{pattern!r} must contain {{hostname}}: every device needs its own file")
    return pattern


FilePattern = Annotated[str, AfterValidator(_hostname_pattern)]


class Breakout(Strict):
    """A breakout mode: one physical port becomes ``ways`` logical ports of ``speed_gbps``."""

    ways: int = Field(ge=1, le=8)
    speed_gbps: int = Field(ge=1, le=MAX_SPEED_GBPS)


class PortNaming(Strict):
    """How an OS names a logical port.

    Python format strings with these fields: ``port`` (1-based physical port),
    ``port0`` (0-based), ``sub``/``sub0`` (breakout member, 1/0-based),
    ``lane``/``lane0`` (first SerDes lane of the member, 1/0-based, counting from
    the start of the front panel for ``lane0`` and within the port for ``lane``).
    """

    port: PortPattern
    breakout: PortPattern
    management: InterfaceName


class SwitchFeatures(Strict):
    dlb_flowlet: bool = False
    dlb_per_packet: bool = False
    pfc_watchdog: bool = True


class SwitchModel(Strict):
    vendor: FreeText
    model: FreeText
    asic: FreeText
    role: Literal["fabric", "management"] = "fabric"
    ports: int = Field(ge=1, le=MAX_SWITCH_PORTS)
    port_speed_gbps: int = Field(ge=1, le=MAX_SPEED_GBPS)
    lanes_per_port: int = Field(default=8, ge=1, le=8)
    breakouts: list[Breakout] = Field(default_factory=list, max_length=8)
    buffer_mb: float = Field(gt=0, le=MAX_BUFFER_MB, description="Packet buffer, MB (10^6 bytes).")
    headroom_pool_pct: int = Field(
        default=25, ge=1, le=90, description="Share of the buffer available to PFC headroom."
    )
    os: list[SwitchOs] = Field(min_length=1, max_length=5)
    port_naming: dict[SwitchOs, PortNaming]
    features: SwitchFeatures = SwitchFeatures()
    min_os_release: dict[SwitchOs, OsRelease] = Field(default_factory=dict)
    power_w: int = Field(ge=0, le=MAX_DEVICE_POWER_W, description="Typical power draw, W.")
    rack_units: int = Field(default=1, ge=1, le=MAX_RACK_UNITS)
    source: FreeText

    @model_validator(mode="after")
    def _naming_for_every_os(self) -> SwitchModel:
        missing = [o for o in self.os if o not in self.port_naming]
        if missing:
            raise ValueError(f"port_naming is missing for OS {missing}")
        if self.breakouts:
            for os, naming in self.port_naming.items():
                if not names_members(naming.breakout):
                    raise ValueError(
                        f"port_naming.{os}.breakout {naming.breakout!r} must contain {{sub}}, {{sub0}}, {{lane}} or "
                        "{lane0}: the members of a broken-out port need different names"
                    )
        return self

    def logical_speeds(self) -> list[int]:
        return sorted({self.port_speed_gbps, *(b.speed_gbps for b in self.breakouts)})

    def breakout_for(self, speed_gbps: int) -> Breakout | None:
        """The breakout that yields ``speed_gbps`` ports; None when native speed fits."""
        if speed_gbps == self.port_speed_gbps:
            return None
        for b in self.breakouts:
            if b.speed_gbps == speed_gbps:
                return b
        return None

    def supports_speed(self, speed_gbps: int) -> bool:
        return speed_gbps == self.port_speed_gbps or self.breakout_for(speed_gbps) is not None

    def radix(self, speed_gbps: int) -> int:
        """Logical ports available at ``speed_gbps``."""
        b = self.breakout_for(speed_gbps)
        return self.ports * (b.ways if b else 1)


class NicModel(Strict):
    vendor: FreeText
    model: FreeText
    speed_gbps: int = Field(ge=1, le=MAX_SPEED_GBPS)
    ports: int = Field(default=1, ge=1, le=MAX_NIC_PORTS)
    out_of_order_tolerant: bool = Field(
        description="Accepts out-of-order RoCE delivery, so per-packet spraying is safe."
    )
    rdma_driver: Literal["mlx5", "bnxt_re", "ionic"]
    power_w: int = Field(default=0, ge=0, le=MAX_DEVICE_POWER_W)
    source: FreeText


class NicGroup(Strict):
    """A set of identical NIC ports on a server, with the OS names of each port."""

    nic: CatalogName
    count: int = Field(ge=0, le=MAX_NAME_LIST)
    netdevs: list[Netdev] = Field(default_factory=list, max_length=MAX_NAME_LIST)
    rdma_devices: list[RdmaName] = Field(default_factory=list, max_length=MAX_NAME_LIST)

    @model_validator(mode="after")
    def _names(self) -> NicGroup:
        for name in ("netdevs", "rdma_devices"):
            values = getattr(self, name)
            if values and len(values) != self.count:
                raise ValueError(f"{name} lists {len(values)} names for {self.count} ports")
        return self


class ServerModel(Strict):
    vendor: FreeText
    model: FreeText
    gpu: CatalogName
    gpus: int = Field(ge=1, le=MAX_SERVER_GPUS)
    scale_up_domain: int = Field(ge=1, le=MAX_SCALE_UP_DOMAIN, description="GPUs sharing NVLink/xGMI.")
    backend: NicGroup
    frontend: NicGroup
    storage: NicGroup | None = None
    power_w: int = Field(ge=0, le=MAX_DEVICE_POWER_W, description="Maximum system power, W.")
    rack_units: int = Field(ge=1, le=MAX_RACK_UNITS)
    source: FreeText


class GpuModel(Strict):
    vendor: FreeText
    model: FreeText
    memory_gb: float = Field(gt=0, le=10_000)
    memory_bandwidth_tbps: float = Field(gt=0, le=1_000)
    bf16_tflops: float = Field(gt=0, le=1_000_000, description="Dense BF16 peak, TFLOP/s.")
    fp8_tflops: float = Field(gt=0, le=1_000_000, description="Dense FP8 peak, TFLOP/s.")
    tdp_w: int = Field(ge=1, le=MAX_DEVICE_POWER_W)
    source: FreeText


class TextLimits(Strict):
    """The longest value an OS accepts for each free-text field aiinfra renders; null when no source gives one."""

    snmp_location: int | None = Field(ge=1, le=MAX_FREE_TEXT)
    snmp_contact: int | None = Field(ge=1, le=MAX_FREE_TEXT)
    banner: int | None = Field(ge=1, le=MAX_FREE_TEXT * 2)
    source: FreeText


ZoneName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$", max_length=64)]
"""An IANA time zone name as an OS spells it (``Etc/UTC``, ``America/Godthab``)."""


class Span(Strict):
    """An inclusive range of whole numbers an OS statement accepts."""

    min: int
    max: int

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and self.min <= value <= self.max


class WatchdogTimers(Strict):
    """How an OS states the PFC watchdog: a poll interval and detection/restore in polls."""

    poll_ms: Span
    detection_polls: Span
    restoration_polls: Span | None = Field(
        default=None, description="None: the OS has no restoration timer (NVUE resumes after one quiet poll)."
    )
    default_poll_ms: int | None = Field(
        default=None, description="The poll interval the OS runs when none is configured (left unrendered)."
    )


class SharedBuffer(Strict):
    """A vendor-published shared-buffer partition, in percent (Junos ``shared-buffer``)."""

    ingress_lossless: int = Field(ge=0, le=100)
    ingress_lossless_dynamic_threshold: int = Field(ge=0, le=10)
    ingress_lossless_headroom: int = Field(ge=0, le=100)
    ingress_lossy: int = Field(ge=0, le=100)
    egress_lossless: int = Field(ge=0, le=100)
    egress_lossy: int = Field(ge=0, le=100)
    dedicated_ingress: int = Field(ge=0, le=100)
    dedicated_egress: int = Field(ge=0, le=100)


class OsProfile(Strict):
    """What one network OS release can do, and how Ansible talks to it."""

    name: FreeText
    release: OsRelease
    switch_mtu: int
    load_balancing: list[Literal["ecmp", "flowlet", "per-packet"]]
    unnumbered: bool
    snmp_auth: list[Literal["sha", "sha-256", "sha-512"]]
    snmp_priv: list[Literal["aes128", "aes256"]]
    snmp_user_name_length: tuple[int, int] | None = Field(
        default=None, description="[shortest, longest] SNMPv3 user name the OS accepts; null: any the spec allows."
    )
    ssh_key_types: list[Literal["ssh-ed25519", "ssh-rsa", "ecdsa", "sk-ssh-ed25519@openssh.com"]]
    max_ssh_keys_per_user: int | None = Field(default=None, ge=1, le=1024)
    named_timezones: bool = True
    text_limits: TextLimits
    pfc_watchdog: WatchdogTimers | None = Field(
        default=None, description="Watchdog timer limits; None: the OS takes any millisecond value the spec allows."
    )
    ecn_fill_pct: tuple[int, int] | None = Field(
        default=None, description="WRED as queue fill levels (vendor profile); None: the OS takes byte thresholds."
    )
    shared_buffer: SharedBuffer | None = None
    pfc_watchdog_step_ms: int | None = Field(
        default=None, description="Granularity of the watchdog detection/restore times the OS takes (EOS: 10 ms)."
    )
    breakout_speeds: dict[str, Token] | None = Field(
        default=None, description="'<cage G>/<ways>' -> the OS's member speed keyword; None: any breakout."
    )
    timezones: list[ZoneName] | None = Field(
        default=None, max_length=4096, description="The zone names the OS accepts; None: any IANA name."
    )
    timezone_aliases: dict[ZoneName, ZoneName] = Field(
        default_factory=dict, max_length=4096, description="Spec zone name -> the OS's name for the same zone."
    )
    max_aaa_servers: int | None = Field(default=None, ge=1, le=64)
    config_file: FilePattern
    extra_files: list[FilePattern] = Field(default_factory=list, max_length=8)
    ansible_network_os: Token
    ansible_connection: Token
    source: FreeText


class CatalogData(Strict):
    """The shape of the built-in catalog files and of ``catalog:`` in a spec."""

    switches: dict[CatalogName, SwitchModel] = Field(default_factory=dict, max_length=MAX_CATALOG_ENTRIES)
    servers: dict[CatalogName, ServerModel] = Field(default_factory=dict, max_length=MAX_CATALOG_ENTRIES)
    nics: dict[CatalogName, NicModel] = Field(default_factory=dict, max_length=MAX_CATALOG_ENTRIES)
    gpus: dict[CatalogName, GpuModel] = Field(default_factory=dict, max_length=MAX_CATALOG_ENTRIES)


class OsCatalog(Strict):
    """The shape of ``os.yaml``."""

    os: dict[SwitchOs, OsProfile]

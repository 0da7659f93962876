"""Typed hardware facts. Every entry carries the source it was taken from."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from aiinfra.spec.base import SWITCH_OSES, Strict, SwitchOs
from aiinfra.spec.text import CatalogName, FreeText, Netdev, OsRelease, RdmaName, format_fields

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
BYTES_PER_MB = 10**6  # buffer_mb is decimal megabytes, as switch datasheets state it

PORT_FIELDS = ("port", "port0", "sub", "sub0", "lane", "lane0")
"""The fields :func:`aiinfra.design.ports.port_name` fills in; nothing else may appear."""


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
    os: list[SwitchOs] = Field(min_length=1, max_length=len(SWITCH_OSES))
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


GpuFamily = Literal["hopper", "blackwell", "ada", "cdna3", "cdna4", "other"]


class GpuModel(Strict):
    """One GPU. Peaks are dense (no 2:4 sparsity). ``scale_up_gbyte_per_s`` has no default:
    a GPU added through ``catalog:`` without it would silently get PCIe speed for its
    tensor-parallel all-reduces, which is several times off for an NVLink part."""

    vendor: FreeText
    model: FreeText
    family: GpuFamily = Field(default="other", description="Sets the engine efficiency derates (docs/sizing.md).")
    memory_gb: float = Field(gt=0, le=10_000)
    memory_bandwidth_tbps: float = Field(gt=0, le=1_000)
    bf16_tflops: float = Field(gt=0, le=1_000_000, description="Dense BF16 peak, TFLOP/s.")
    fp8_tflops: float = Field(gt=0, le=1_000_000, description="Dense FP8 peak, TFLOP/s.")
    fp4_tflops: float | None = Field(
        default=None, gt=0, le=1_000_000, description="Dense FP4 peak, TFLOP/s; none: FP4 weights run at FP8."
    )
    scale_up_gbyte_per_s: float = Field(
        gt=0, le=100_000, description="NVLink/xGMI bandwidth per GPU, GB/s, ONE direction (vendors quote both)."
    )
    scale_up_domain: int = Field(
        default=8, ge=1, le=MAX_SCALE_UP_DOMAIN, description="Largest NVLink/xGMI domain the GPU's platform builds."
    )
    tdp_w: int = Field(ge=1, le=MAX_DEVICE_POWER_W)
    power_limit_w: int | None = Field(
        default=None,
        ge=1,
        le=MAX_DEVICE_POWER_W,
        description="Board power cap below tdp_w: compute peaks scale by power_limit_w / tdp_w (HBM does not).",
    )
    source: FreeText

    @model_validator(mode="after")
    def _limit_below_tdp(self) -> GpuModel:
        if self.power_limit_w is not None and self.power_limit_w > self.tdp_w:
            raise ValueError(f"power_limit_w {self.power_limit_w} is above tdp_w {self.tdp_w}")
        return self

    @property
    def power_scale(self) -> float:
        """Compute-peak factor of a power-capped part (1.0 uncapped)."""
        return self.power_limit_w / self.tdp_w if self.power_limit_w else 1.0


class CatalogData(Strict):
    """The shape of the built-in catalog files and of ``catalog:`` in a spec."""

    switches: dict[CatalogName, SwitchModel] = Field(default_factory=dict, max_length=MAX_CATALOG_ENTRIES)
    servers: dict[CatalogName, ServerModel] = Field(default_factory=dict, max_length=MAX_CATALOG_ENTRIES)
    nics: dict[CatalogName, NicModel] = Field(default_factory=dict, max_length=MAX_CATALOG_ENTRIES)
    gpus: dict[CatalogName, GpuModel] = Field(default_factory=dict, max_length=MAX_CATALOG_ENTRIES)

"""Typed hardware facts. Every entry carries the source it was taken from."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from aiinfra.spec.base import Strict, SwitchOs


class Breakout(Strict):
    """A breakout mode: one physical port becomes ``ways`` logical ports of ``speed_gbps``."""

    ways: int = Field(ge=1, le=8)
    speed_gbps: int


class PortNaming(Strict):
    """How an OS names a logical port.

    Python format strings with these fields: ``port`` (1-based physical port),
    ``port0`` (0-based), ``sub``/``sub0`` (breakout member, 1/0-based),
    ``lane``/``lane0`` (first SerDes lane of the member, 1/0-based, counting from
    the start of the front panel for ``lane0`` and within the port for ``lane``).
    """

    port: str
    breakout: str
    management: str


class SwitchFeatures(Strict):
    dlb_flowlet: bool = False
    dlb_per_packet: bool = False
    pfc_watchdog: bool = True


class SwitchModel(Strict):
    vendor: str
    model: str
    asic: str
    role: Literal["fabric", "management"] = "fabric"
    ports: int = Field(ge=1)
    port_speed_gbps: int
    lanes_per_port: int = Field(default=8, ge=1, le=8)
    breakouts: list[Breakout] = Field(default_factory=list)
    buffer_mb: float = Field(gt=0, description="Packet buffer, MB (10^6 bytes).")
    headroom_pool_pct: int = Field(
        default=25, ge=1, le=90, description="Share of the buffer available to PFC headroom."
    )
    os: list[SwitchOs] = Field(min_length=1)
    port_naming: dict[SwitchOs, PortNaming]
    features: SwitchFeatures = SwitchFeatures()
    min_os_release: dict[SwitchOs, str] = Field(default_factory=dict)
    power_w: int = Field(ge=0, description="Typical power draw, W.")
    rack_units: int = 1
    source: str

    @model_validator(mode="after")
    def _naming_for_every_os(self) -> SwitchModel:
        missing = [o for o in self.os if o not in self.port_naming]
        if missing:
            raise ValueError(f"port_naming is missing for OS {missing}")
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
    vendor: str
    model: str
    speed_gbps: int
    ports: int = 1
    out_of_order_tolerant: bool = Field(
        description="Accepts out-of-order RoCE delivery, so per-packet spraying is safe."
    )
    rdma_driver: Literal["mlx5", "bnxt_re", "ionic"]
    power_w: int = 0
    source: str


class NicGroup(Strict):
    """A set of identical NIC ports on a server, with the OS names of each port."""

    nic: str
    count: int = Field(ge=0)
    netdevs: list[str] = Field(default_factory=list)
    rdma_devices: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _names(self) -> NicGroup:
        for name in ("netdevs", "rdma_devices"):
            values = getattr(self, name)
            if values and len(values) != self.count:
                raise ValueError(f"{name} lists {len(values)} names for {self.count} ports")
        return self


class ServerModel(Strict):
    vendor: str
    model: str
    gpu: str
    gpus: int = Field(ge=1)
    scale_up_domain: int = Field(ge=1, description="GPUs sharing NVLink/xGMI.")
    backend: NicGroup
    frontend: NicGroup
    storage: NicGroup | None = None
    power_w: int = Field(ge=0, description="Maximum system power, W.")
    rack_units: int
    source: str


class GpuModel(Strict):
    vendor: str
    model: str
    memory_gb: float
    memory_bandwidth_tbps: float
    bf16_tflops: float = Field(description="Dense BF16 peak, TFLOP/s.")
    fp8_tflops: float = Field(description="Dense FP8 peak, TFLOP/s.")
    tdp_w: int
    source: str


class OsProfile(Strict):
    """What one network OS release can do, and how Ansible talks to it."""

    name: str
    release: str
    switch_mtu: int
    load_balancing: list[Literal["ecmp", "flowlet", "per-packet"]]
    unnumbered: bool
    snmp_auth: list[Literal["sha", "sha-256", "sha-512"]]
    snmp_priv: list[Literal["aes128", "aes256"]]
    ssh_key_types: list[Literal["ssh-ed25519", "ssh-rsa", "ecdsa", "sk-ssh-ed25519@openssh.com"]]
    max_ssh_keys_per_user: int | None = None
    named_timezones: bool = True
    timezones: list[str] | None = None  # the zone names the OS accepts; None: any
    timezone_aliases: dict[str, str] = Field(default_factory=dict)  # spec name -> the OS's name, same zone
    max_aaa_servers: int | None = None
    pfc_watchdog_poll_ms: tuple[int, int] | None = None  # the polling intervals the OS takes, inclusive
    max_snmp_text: int | None = None  # characters of SNMP location / contact
    config_file: str
    extra_files: list[str] = Field(default_factory=list)
    ansible_network_os: str
    ansible_connection: str
    source: str


class CatalogData(Strict):
    """The shape of the built-in catalog files and of ``catalog:`` in a spec."""

    switches: dict[str, SwitchModel] = Field(default_factory=dict)
    servers: dict[str, ServerModel] = Field(default_factory=dict)
    nics: dict[str, NicModel] = Field(default_factory=dict)
    gpus: dict[str, GpuModel] = Field(default_factory=dict)

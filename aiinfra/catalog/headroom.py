"""Per-ASIC PFC headroom terms, calibrated on the vendors' tables (``data/headroom.yaml``).

The figures are data, not code, so each one sits next to the vendor row it came from;
``aiinfra/design/qos.py`` turns them into a per-port profile and a buffer budget.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, model_validator

from aiinfra.spec.base import Strict

DATA = Path(__file__).parent / "data" / "headroom.yaml"


class Source(Strict):
    """Where a figure was read: a file of a public repository at one commit."""

    repo: str
    path: str
    commit: str = Field(pattern=r"^[0-9a-f]{40}$")


class VendorRow(Strict):
    """One row of a vendor's headroom table, copied as published.

    ``calibrate`` rows must be reproduced within the ASIC's tolerance; a ``bucket`` row is
    one figure programmed for a range of lengths, so the model must not exceed it;
    ``reference`` rows are shown in docs/qos.md only.
    """

    speed_gbps: int
    cable_m: float
    xoff: int
    size: int | None = None
    kind: Literal["calibrate", "bucket", "reference"]
    source: Source
    row: str


class Budget(Strict):
    """How the ASIC finds room for headroom.

    ``reserved``: every lossless PG's headroom is carved out of the buffer, and the sum must
    fit the catalog's ``headroom_pool_pct``. ``shared``: PGs draw on one shared headroom pool
    sized, as the vendor sizes it, for the sum of per-PG xoff divided by an over-subscription
    ratio; the ratio and the pool's share of the ingress pool come from the vendor config.
    """

    mode: Literal["reserved", "shared"]
    pool_bytes: int | None = None
    ingress_pool_bytes: int | None = None
    vendor_ports: int | None = None
    vendor_lossless_pgs: int | None = None
    vendor_xoff_bytes: int | None = None
    source: Source | None = None

    @model_validator(mode="after")
    def _shared_needs_the_vendor_pool(self) -> Budget:
        if self.mode == "shared":
            needed = (self.pool_bytes, self.ingress_pool_bytes, self.vendor_ports, self.vendor_lossless_pgs)
            if None in needed or self.vendor_xoff_bytes is None or self.source is None:
                raise ValueError("a shared headroom pool needs the vendor's pool, ports, PGs, xoff and source")
        return self

    @property
    def pool_share(self) -> float:
        """Shared headroom pool as a fraction of the ingress buffer (vendor config)."""
        return self.pool_bytes / self.ingress_pool_bytes  # type: ignore[operator]

    @property
    def oversubscription(self) -> float:
        """Sum of per-PG xoff the vendor provisions per byte of shared headroom pool."""
        total = self.vendor_ports * self.vendor_lossless_pgs * self.vendor_xoff_bytes  # type: ignore[operator]
        return total / self.pool_bytes  # type: ignore[operator]


class Calibration(Strict):
    """The MTUs the vendor's table assumed (the model is checked there)."""

    port_mtu: int
    lossless_mtu: int


class AsicHeadroom(Strict):
    """Headroom constants of one ASIC; see the model in data/headroom.yaml's header."""

    calibrated: bool
    reason: str = ""
    cell_bytes: int = Field(default=0, ge=0)
    round_bytes: int = Field(default=1024, ge=1)
    small_packet_pct: float = Field(default=0, ge=0, le=100)
    mac_phy_bytes: int = 0
    peer_response_bytes: int | None = None
    phy_delay_ns: dict[int, float] = Field(default_factory=dict)
    phy_delay_basis: str = ""
    xon_bytes: int = 0
    xon_bytes_by_speed: dict[int, int] = Field(default_factory=dict)
    xon_offset_bytes: int = 0
    reserved_bytes: int = 0
    size_rule: Literal["xoff_plus_xon", "reserved"] = "xoff_plus_xon"
    calibration: Calibration | None = None
    tolerance_pct: float = 0
    budget: Budget
    rows: list[VendorRow] = Field(default_factory=list)

    @model_validator(mode="after")
    def _calibrated_has_terms(self) -> AsicHeadroom:
        if self.calibrated:
            if not self.cell_bytes or self.calibration is None or not self.tolerance_pct:
                raise ValueError("a calibrated ASIC needs cell_bytes, calibration and tolerance_pct")
            if not any(r.kind == "calibrate" for r in self.rows):
                raise ValueError("a calibrated ASIC needs at least one calibrate row")
        elif not self.reason:
            raise ValueError("an uncalibrated ASIC must say why")
        return self

    @property
    def cell_occupancy(self) -> float:
        """Buffer bytes per wire byte in the worst case (buffer_headroom_mellanox.lua)."""
        if not self.cell_bytes:
            return 1.0
        minimal, cell = 64, self.cell_bytes
        worst = cell / minimal if cell > 2 * minimal else 2 * cell / (1 + cell)
        return (100 - self.small_packet_pct + self.small_packet_pct * worst) / 100

    def phy_delay(self, speed_gbps: int) -> float:
        """PHY/FEC/pipeline delay at this speed, ns: the listed speed, else the nearest one."""
        if not self.phy_delay_ns:
            return 0.0
        if speed_gbps in self.phy_delay_ns:
            return self.phy_delay_ns[speed_gbps]
        nearest = min(self.phy_delay_ns, key=lambda s: (abs(s - speed_gbps), s))
        return self.phy_delay_ns[nearest]

    def xon(self, speed_gbps: int) -> int:
        """XON (pipeline latency) at this speed; 8-lane ports may carry more."""
        return self.xon_bytes_by_speed.get(speed_gbps, self.xon_bytes)


class HeadroomData(Strict):
    sources: dict[str, Source]
    asics: dict[str, AsicHeadroom]


@cache
def headroom_data() -> HeadroomData:
    return HeadroomData.model_validate(yaml.safe_load(DATA.read_text(encoding="utf-8")))


def asic_headroom(asic: str) -> AsicHeadroom | None:
    """Terms for a catalog ``asic`` name; None for an ASIC the table does not know
    (a switch added in the spec's ``catalog:``), which then gets the IEEE floor."""
    return headroom_data().asics.get(asic)

"""Collective timings (nccl-tests definitions) and the fit the tensor-parallel model uses.

nccl-tests (``doc/PERFORMANCE.md``) reports, for a collective over ``n`` ranks on ``S``
bytes in ``t`` seconds, the algorithm bandwidth ``algbw = S / t`` and the bus bandwidth
``busbw = algbw x factor``, where the factor is what each rank must move over its own
link: ``2(n-1)/n`` for all-reduce, ``(n-1)/n`` for all-gather, reduce-scatter and
all-to-all. busbw is comparable with the one-way link bandwidth whatever ``n`` is.

The fit is ``t = latency + S x factor / busbw_fit`` per (operation, ranks, message-size
regime), least squares over the rows of the regime. Three regimes because one line fits
neither end: small messages are latency (launch + protocol handshakes), large ones are
link bandwidth, and in between NCCL switches protocol (LL, LL128, Simple).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from aiinfra.spec.base import Strict

Op = Literal["all_reduce", "all_gather", "reduce_scatter", "all_to_all"]
KIB, MIB = 1024, 1024 * 1024
# Regime edges, bytes: [0, 256 KiB) latency, [256 KiB, 32 MiB) protocol switch, [32 MiB, inf) bandwidth.
REGIMES: tuple[tuple[str, int, float], ...] = (
    ("small", 0, 256 * KIB),
    ("medium", 256 * KIB, 32 * MIB),
    ("large", 32 * MIB, float("inf")),
)


def bus_factor(op: str, ranks: int) -> float:
    """nccl-tests' busbw / algbw factor."""
    if ranks <= 1:
        return 0.0
    return 2 * (ranks - 1) / ranks if op == "all_reduce" else (ranks - 1) / ranks


class CollectiveRow(Strict):
    """One measured point, as nccl-tests prints it (time is the mean over iterations)."""

    op: Op
    ranks: int = Field(ge=2, le=100_000)
    bytes: int = Field(ge=1, le=1 << 40, description="nccl-tests 'size': the per-rank buffer.")
    seconds: float = Field(gt=0, le=3600)
    algbw_gbyte_per_s: float = Field(ge=0)
    busbw_gbyte_per_s: float = Field(ge=0)


def row(op: Op, ranks: int, size: int, seconds: float) -> CollectiveRow:
    """A row with algbw/busbw computed the nccl-tests way (GB = 1e9 bytes)."""
    algbw = size / seconds / 1e9
    return CollectiveRow(
        op=op,
        ranks=ranks,
        bytes=size,
        seconds=seconds,
        algbw_gbyte_per_s=algbw,
        busbw_gbyte_per_s=algbw * bus_factor(op, ranks),
    )


@dataclass(frozen=True)
class RegimeFit:
    regime: str
    latency_s: float
    busbw_bytes_per_s: float
    efficiency: float  # busbw / one-way scale-up peak
    points: int


@dataclass(frozen=True)
class CollectiveFit:
    """Fits by (op, ranks) -> regimes, and the one-way link peak they were compared with."""

    fits: dict[tuple[str, int], tuple[RegimeFit, ...]]
    scale_up_bytes_per_s: float

    def time_s(self, op: str, ranks: int, size: float) -> float | None:
        """Predicted time of one collective, from the nearest measured rank count (None: no data)."""
        measured = sorted(r for o, r in self.fits if o == op)
        if not measured or ranks <= 1:
            return None if ranks > 1 else 0.0
        near = min(measured, key=lambda r: (abs(r - ranks), -r))
        regimes = self.fits[(op, near)]
        fit = next((f for f in regimes if _regime(size) == f.regime), None)
        if fit is None:  # regime not measured: the closest one that was
            order = [name for name, _, _ in REGIMES]
            fit = min(regimes, key=lambda f: abs(order.index(f.regime) - order.index(_regime(size))))
        return fit.latency_s + size * bus_factor(op, ranks) / fit.busbw_bytes_per_s

    def describe(self) -> str:
        parts = []
        for (op, ranks), regimes in sorted(self.fits.items()):
            large = regimes[-1]
            parts.append(f"{op}x{ranks} {large.busbw_bytes_per_s / 1e9:.0f} GB/s ({large.regime})")
        return "; ".join(parts)


def _regime(size: float) -> str:
    return next(name for name, lo, hi in REGIMES if lo <= size < hi)


def _line(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Least squares ``t = a + b x`` with a >= 0 and b > 0 (None when the points can't give one)."""
    if len(points) == 1:
        x, t = points[0]
        return (0.0, t / x) if x > 0 else None
    n = len(points)
    mx = sum(x for x, _ in points) / n
    mt = sum(t for _, t in points) / n
    var = sum((x - mx) ** 2 for x, _ in points)
    if var <= 0:
        return None
    b = sum((x - mx) * (t - mt) for x, t in points) / var
    a = mt - b * mx
    if a < 0:  # a negative latency is noise: force through the origin
        a, b = 0.0, sum(x * t for x, t in points) / sum(x * x for x, _ in points)
    if b <= 0:  # flat: latency-bound regime, bandwidth beyond what the data can tell
        return max(a, 0.0), 0.0
    return a, b


def fit_collectives(rows: list[CollectiveRow], scale_up_bytes_per_s: float) -> CollectiveFit:
    groups: dict[tuple[str, int, str], list[tuple[float, float]]] = {}
    for r in rows:
        groups.setdefault((r.op, r.ranks, _regime(r.bytes)), []).append(
            (r.bytes * bus_factor(r.op, r.ranks), r.seconds)
        )
    fits: dict[tuple[str, int], list[RegimeFit]] = {}
    order = [name for name, _, _ in REGIMES]
    for (op, ranks, regime), points in sorted(
        groups.items(), key=lambda kv: (kv[0][0], kv[0][1], order.index(kv[0][2]))
    ):
        line = _line(points)
        if line is None:
            continue
        a, b = line
        # Flat regime: bandwidth is the best the points show (largest x / t), latency the rest.
        bw = 1 / b if b > 0 else max(x / t for x, t in points)
        fits.setdefault((op, ranks), []).append(RegimeFit(regime, a, bw, bw / scale_up_bytes_per_s, len(points)))
    return CollectiveFit({k: tuple(v) for k, v in fits.items()}, scale_up_bytes_per_s)

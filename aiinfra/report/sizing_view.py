"""The ``aiinfra size`` results as tables and plots, from aiinfra.sizing's public functions.

The curves are the sizing model's own operating points: TTFT and ITL against concurrency
on the replica shape sizing chose (:func:`aiinfra.sizing.batching.operating_point`), GPUs
needed against the TTFT target (:func:`aiinfra.sizing.inference.size_inference` at each
target), and energy and CO2e per month (:func:`aiinfra.sizing.power.power_from_bom`).
"""

from __future__ import annotations

from aiinfra.catalog import Catalog
from aiinfra.design.model import Design
from aiinfra.report import palette
from aiinfra.report.model import Picture, Plot, SizingSection, Table
from aiinfra.report.plots import Series, bar_chart, line_chart
from aiinfra.sizing.batching import operating_point
from aiinfra.sizing.cluster import size_cluster
from aiinfra.sizing.errors import SizingError
from aiinfra.sizing.inference import InferenceSizing, size_inference
from aiinfra.sizing.power import PowerReport, bom_from_design, estimate_bom, power_from_bom
from aiinfra.sizing.training import TrainingSizing
from aiinfra.spec.model import ClusterSpec
from aiinfra.spec.workloads import InferenceWorkload

TTFT_FACTORS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)  # x the workload's TTFT target
TTFT_TARGETS_MS = (250.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0)  # without a target
SERIES_COLOURS = palette.RAILS


def _concurrencies(limit: int) -> list[int]:
    out, c = [], 1
    while c < limit:
        out.append(c)
        c *= 2
    out.append(max(limit, 1))
    return out


def _latency_plots(n: int, r: InferenceSizing) -> list[Plot]:
    assert r.chosen is not None
    plan = r.chosen.plan
    points = [operating_point(r.setup, plan, c) for c in _concurrencies(plan.max_sequences)]
    shape = f"TP{plan.tensor_parallel}" + (f" x PP{plan.pipeline_parallel}" if plan.pipeline_parallel > 1 else "")
    # The statistic the SLO compares (spec slo.percentile): a mean curve under a p99 target line
    # would show headroom the sizing did not find.
    q = r.slo_percentile
    out = []
    for what, values, limit in (
        ("TTFT", [p.ttft(q) * 1000 for p in points], r.ttft_limit_s),
        ("ITL", [p.itl(q) * 1000 for p in points], r.itl_limit_s),
    ):
        series = Series(
            f"{r.name} ({shape})",
            tuple(zip([p.concurrency for p in points], values, strict=True)),
            SERIES_COLOURS[n % len(SERIES_COLOURS)],
        )
        limits = ((f"{what} target {limit * 1000:g} ms", limit * 1000),) if limit is not None else ()
        title = f"{r.name}: {what} against concurrency per replica ({shape})"
        desc = f"Modelled {q} {what} in ms for 1 to {plan.max_sequences} requests in flight on one replica."
        cid = f"{what.lower()}-{n}"
        svg = line_chart(
            title,
            desc,
            "requests in flight per replica (log)",
            f"{what} (ms)",
            [series],
            log_x=True,
            limits=limits,
            chart_id=cid,
        )
        table = Table(
            title,
            ("concurrency", f"{what} {q} ms"),
            tuple((f"{p.concurrency:,}", f"{v:,.1f}") for p, v in zip(points, values, strict=True)),
            (True, True),
        )
        out.append(Plot(Picture(f"plot-{cid}", title, desc, svg), table))
    return out


def _gpus_plot(n: int, r: InferenceSizing, w: InferenceWorkload, rack_kw: float) -> Plot | None:
    hw = r.setup.hw
    base = w.slo.ttft_ms
    targets = [base * f for f in TTFT_FACTORS] if base else list(TTFT_TARGETS_MS)
    points = []
    for t in targets:
        try:
            sized = size_inference(w.model_copy(update={"slo": w.slo.model_copy(update={"ttft_ms": t})}), hw, rack_kw)
        except SizingError:
            continue
        if sized.feasible:
            points.append((t, float(sized.gpus)))
    if not points:
        return None
    title = f"{r.name}: GPUs needed against the TTFT target"
    flat = len({g for _, g in points}) == 1
    desc = f"GPUs sizing needs for {r.load_text} at each TTFT target, the ITL target unchanged" + (
        ": the same at every target, so the ITL target, not TTFT, sets the fleet." if flat else "."
    )
    series = Series(r.name, tuple(points), SERIES_COLOURS[n % len(SERIES_COLOURS)])
    cid = f"gpus-{n}"
    svg = line_chart(title, desc, "TTFT target (ms, log)", "GPUs", [series], log_x=True, chart_id=cid)
    table = Table(title, ("TTFT target ms", "GPUs"), tuple((f"{t:,.0f}", f"{g:,.0f}") for t, g in points), (True, True))
    return Plot(Picture(f"plot-{cid}", title, desc, svg), table)


def _power_row(name: str, p: PowerReport, currency: str) -> tuple[str, ...]:
    cost = f"{p.cost:,.0f} {currency}" if p.cost is not None else "-"
    return (
        name,
        f"{p.gpus:,}",
        f"{p.it_max_w / 1000:,.1f}",
        f"{p.facility_avg_w / 1000:,.1f}",
        f"{p.energy_kwh / 1000:,.1f}",
        f"{p.co2e_t:,.1f}",
        cost,
    )


def _energy_plots(rows: list[tuple[str, PowerReport]]) -> list[Plot]:
    out = []
    for what, unit, value in (
        ("Energy", "MWh per month", lambda p: p.energy_kwh / 1000),
        ("CO2e", "t per month", lambda p: p.co2e_t),
    ):
        bars = [(name, value(p), SERIES_COLOURS[n % len(SERIES_COLOURS)]) for n, (name, p) in enumerate(rows)]
        title = f"{what} per month ({unit})"
        desc = f"{what} of running each for a month around the clock at the average draw, facility (PUE) included."
        cid = what.lower()
        svg = bar_chart(title, desc, unit, bars, chart_id=cid)
        table = Table(title, ("what", unit), tuple((name, f"{v:,.1f}") for name, v, _ in bars), (False, True))
        out.append(Plot(Picture(f"plot-{cid}", title, desc, svg), table))
    return out


def sizing_section(
    spec: ClusterSpec | None, catalog: Catalog | None, design: Design
) -> tuple[SizingSection, Table, tuple[str, ...]]:
    """The sizing section, the power table and the warnings sizing raised."""
    if spec is None or catalog is None:
        note = "Sizing needs the spec (its workloads and the catalog): run `aiinfra report cluster.yaml`."
        return SizingSection(False, note), Table("Power", (), ()), ()
    sized = size_cluster(spec, catalog, bom_from_design(design))
    workloads = sized.workloads
    currency = workloads.cost.currency if workloads.cost else ""
    switch = spec.fabrics.backend.switches.leaf.model
    power_rows: list[tuple[str, PowerReport]] = [("this cluster", sized.power)]
    plots: list[Plot] = []
    warnings: list[str] = []
    inference_rows = []
    for o in sized.inference:
        r = o.result
        if not isinstance(r, InferenceSizing):
            warnings.append(f"{o.name}: {o.error}")
            continue
        if not r.feasible:
            warnings.append(f"{r.name}: {r.shortfall}")
            inference_rows.append((r.name, r.setup.arch.name, r.load_text, r.slo_text, "-", "-", "-", "-"))
            continue
        assert r.chosen is not None and r.chosen.at_slo is not None
        plan, at = r.chosen.plan, r.chosen.at_slo
        inference_rows.append(
            (
                r.name,
                r.setup.arch.name,
                r.load_text,
                r.slo_text,
                f"TP{plan.tensor_parallel} x PP{plan.pipeline_parallel}",
                f"{r.chosen.replicas:,}",
                f"{r.gpus:,}",
                f"{at.ttft_s * 1000:,.0f} / {at.itl_s * 1000:,.1f}",
            )
        )
        plots += _latency_plots(o.index, r)
        gp = _gpus_plot(o.index, r, workloads.inference[o.index], workloads.power.rack_power_kw)
        if gp is not None:
            plots.append(gp)
        bom = estimate_bom(sized.hw, r.nodes, catalog, switch)
        power_rows.append((r.name, power_from_bom(bom, catalog, workloads.power, workloads.cost)))
    training_rows = []
    for o in sized.training:
        t = o.result
        if not isinstance(t, TrainingSizing):
            warnings.append(f"{o.name}: {o.error}")
            continue
        warnings += [f"{t.name}: {w}" for w in t.warnings]
        training_rows.append(
            (
                t.name,
                t.arch.name,
                f"{t.gpus:,}",
                f"{t.days:,.1f}",
                f"TP{t.tensor} x PP{t.pipeline} x DP{t.data_parallel}",
                f"{t.mfu:.0%}",
            )
        )
        bom = estimate_bom(sized.hw, t.nodes, catalog, switch)
        power_rows.append((t.name, power_from_bom(bom, catalog, workloads.power, workloads.cost)))
    if sized.inference_gpus > sized.gpus:
        warnings.append(f"the inference workloads need {sized.inference_gpus:,} GPUs; the cluster has {sized.gpus:,}")
    plots += _energy_plots(power_rows)
    tables = []
    if inference_rows:
        tables.append(
            Table(
                "Inference workloads: the replica shape sizing chose and its operating point at the SLO",
                ("workload", "model", "load", "SLO", "shape", "replicas", "GPUs", "TTFT / ITL ms"),
                tuple(inference_rows),
                (False, False, False, False, False, True, True, True),
            )
        )
    if training_rows:
        tables.append(
            Table(
                "Training runs",
                ("run", "model", "GPUs", "days", "parallelism", "MFU"),
                tuple(training_rows),
                (False, False, True, True, False, True),
            )
        )
    power = Table(
        f"Power, energy and CO2e per month (PUE {workloads.power.pue:g}, "
        f"{workloads.power.grid_gco2_per_kwh:g} gCO2e/kWh)",
        ("what", "GPUs", "IT max kW", "facility avg kW", "MWh/month", "t CO2e/month", "cost/month"),
        tuple(_power_row(name, p, currency) for name, p in power_rows),
        (False, True, True, True, True, True, True),
    )
    note = (
        ""
        if workloads.inference or workloads.training
        else "The spec declares no workloads: power is the cluster's own."
    )
    return SizingSection(True, note, tuple(tables), tuple(plots)), power, tuple(warnings)

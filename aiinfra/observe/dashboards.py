"""Grafana dashboards (JSON model), built as data: fabric overview, GPU health, sustainability.

Every panel query reads the recording rules or the metric names of :mod:`.metrics`; the
tests put every query into a rules file for ``promtool check rules``, so none can be
malformed. The sustainability board shows the BOM's estimate (Design.telemetry) beside the
measured figures.
"""

from __future__ import annotations

import json
from typing import Any

from aiinfra.design.model import Design
from aiinfra.observe.metrics import switch
from aiinfra.observe.rules import nodrop_priority, queue_matcher

DIR = "observability/grafana"
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
WIDTH = 12
HEIGHT = 8


def _panel(n: int, title: str, kind: str, exprs: list[tuple[str, str]], unit: str = "short") -> dict[str, Any]:
    """Panel ``n`` on a two-column grid; ``exprs`` are (PromQL, legend)."""
    return {
        "id": n + 1,
        "title": title,
        "type": kind,
        "datasource": DATASOURCE,
        "gridPos": {"x": (n % 2) * WIDTH, "y": (n // 2) * HEIGHT, "w": WIDTH, "h": HEIGHT},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [
            {"refId": chr(ord("A") + i), "expr": expr, "legendFormat": legend, "datasource": DATASOURCE}
            for i, (expr, legend) in enumerate(exprs)
        ],
    }


def _dashboard(
    design: Design, uid: str, title: str, panels: list[tuple[str, str, list[tuple[str, str]], str]]
) -> dict[str, Any]:
    return {
        "uid": f"aiinfra-{uid}",
        "title": f"{design.name}: {title}",
        "tags": ["aiinfra"],
        "schemaVersion": 39,
        "time": {"from": "now-6h", "to": "now"},
        "refresh": "30s",
        "templating": {
            "list": [{"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Prometheus"}]
        },
        "panels": [_panel(n, t, k, e, u) for n, (t, k, e, u) in enumerate(panels)],
    }


def fabric(design: Design) -> dict[str, Any]:
    p = nodrop_priority(design)
    lossless = f"{{{queue_matcher(p)}}}" if p is not None else ""
    enabled_down = f"{switch('if_oper_status')} == 0 and on(source, interface) {switch('if_admin_status')} == 1"
    return _dashboard(
        design,
        "fabric",
        "fabric overview",
        [
            ("Throughput per rail (leaf egress)", "timeseries", [("fabric:rail_out_bps:sum", "rail {{rail}}")], "bps"),
            (
                "PFC pause received per leaf",
                "heatmap",
                [('sum by (source) (fabric:pfc_rx_pause:rate1m{role="leaf"})', "{{source}}")],
                "pps",
            ),
            (
                "ECN marking per leaf",
                "heatmap",
                [('sum by (source) (fabric:queue_ecn_marked:rate1m{role="leaf"})', "{{source}}")],
                "pps",
            ),
            (
                "No-drop queue drops (should be zero)",
                "timeseries",
                [(f"sum by (source) (increase({switch('queue_dropped')}{lossless}[5m]))", "{{source}}")],
                "short",
            ),
            ("Enabled links down", "stat", [(f"count({enabled_down}) or vector(0)", "links")], "short"),
            (
                "BGP sessions not established",
                "stat",
                [(f"count({switch('bgp_established')} == 0) or vector(0)", "sessions")],
                "short",
            ),
            (
                "CRC and uncorrectable FEC errors",
                "timeseries",
                [
                    (f"sum by (source) (rate({switch('if_in_crc_errors')}[5m]))", "CRC {{source}}"),
                    (f"sum by (source) (rate({switch('if_fec_uncorrectable')}[5m]))", "FEC {{source}}"),
                ],
                "short",
            ),
            (
                "NIC CNPs sent and out-of-sequence",
                "timeseries",
                [
                    ("sum by (instance) (rate(aiinfra_rdma_np_cnp_sent_total[1m]))", "CNP {{instance}}"),
                    ("sum by (instance) (rate(aiinfra_rdma_out_of_sequence_total[1m]))", "OOS {{instance}}"),
                ],
                "pps",
            ),
        ],
    )


def gpu(design: Design) -> dict[str, Any]:
    return _dashboard(
        design,
        "gpu",
        "GPU health",
        [
            (
                "GPU temperature (hottest per node)",
                "timeseries",
                [("max by (node) (DCGM_FI_DEV_GPU_TEMP)", "{{node}}")],
                "celsius",
            ),
            ("GPU power per node", "timeseries", [("sum by (node) (DCGM_FI_DEV_POWER_USAGE)", "{{node}}")], "watt"),
            ("GPUs with an XID error", "stat", [("count(DCGM_FI_DEV_XID_ERRORS > 0) or vector(0)", "GPUs")], "short"),
            (
                "Throttled time (thermal, power)",
                "timeseries",
                [
                    ("sum by (node) (rate(DCGM_FI_DEV_THERMAL_VIOLATION[5m])) / 1e6", "thermal {{node}}"),
                    ("sum by (node) (rate(DCGM_FI_DEV_POWER_VIOLATION[5m])) / 1e6", "power {{node}}"),
                ],
                "percentunit",
            ),
            ("GPU utilisation", "timeseries", [("avg by (node) (DCGM_FI_DEV_GPU_UTIL)", "{{node}}")], "percent"),
        ],
    )


def sustainability(design: Design) -> dict[str, Any]:
    t = design.telemetry
    kwh = t.bom_energy_kwh_per_day if t else 0.0
    co2 = t.bom_co2e_kg_per_day if t else 0.0
    watts = t.bom_facility_avg_w if t else 0.0
    return _dashboard(
        design,
        "sustainability",
        "power, energy and CO2e",
        [
            (
                "IT power: GPUs (DCGM) and switches (PSUs)",
                "timeseries",
                [
                    ("cluster:gpu_power_watts:sum", "GPUs"),
                    ("cluster:switch_power_watts:sum", "switches"),
                ],
                "watt",
            ),
            (
                "Facility power: measured and BOM estimate",
                "timeseries",
                [
                    ("cluster:facility_power_watts:sum", "measured x PUE"),
                    (f"vector({watts})", "BOM estimate"),
                ],
                "watt",
            ),
            (
                "Energy per day: measured and BOM estimate",
                "stat",
                [
                    ("cluster:energy_kwh_per_day", "measured"),
                    (f"vector({kwh})", "BOM estimate"),
                ],
                "kwatth",
            ),
            (
                "CO2e per day: measured and BOM estimate",
                "stat",
                [
                    ("cluster:co2e_kg_per_day", "measured"),
                    (f"vector({co2})", "BOM estimate"),
                ],
                "masskg",
            ),
        ],
    )


def dashboards(design: Design) -> dict[str, dict[str, Any]]:
    return {"fabric": fabric(design), "gpu": gpu(design), "sustainability": sustainability(design)}


def dashboard_files(design: Design) -> dict[str, str]:
    return {
        f"{DIR}/{name}.json": json.dumps(board, indent=1, sort_keys=True) + "\n"
        for name, board in dashboards(design).items()
    }


def queries(board: dict[str, Any]) -> list[str]:
    """Every PromQL expression of a dashboard (the tests check each with promtool)."""
    return [t["expr"] for panel in board["panels"] for t in panel["targets"]]

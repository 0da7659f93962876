"""The sizing results as readable tables, rendered from the JSON-ready dicts of
:mod:`aiinfra.sizing.report`.

A module of its own because it only formats: every number is already in the dict (the one
source for both formats, so the table and ``--format json`` can never disagree).
"""

from __future__ import annotations

from typing import Any

from aiinfra.sizing.rag_report import rag_table

Json = dict[str, Any]


def _num(x: Any) -> str:
    if x is None:
        return "-"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        if x != 0 and (abs(x) >= 1e7 or abs(x) < 0.01):
            return f"{x:.3g}"
        return f"{x:,.2f}".rstrip("0").rstrip(".") if abs(x) < 100 else f"{x:,.0f}"
    return str(x)


def _section(title: str, rows: list[tuple[str, Any]]) -> list[str]:
    width = max((len(label) for label, _ in rows), default=0)
    return [f"  {title}"] + [f"    {label.ljust(width)}  {_num(value)}" for label, value in rows]


def _power_rows(p: Json, period: str) -> list[tuple[str, Any]]:
    return [
        ("IT power, max / avg (kW)", f"{_num(p['it_max_kw'])} / {_num(p['it_avg_kw'])}"),
        (
            "  nodes / switches / optics (kW)",
            f"{_num(p['nodes_kw'])} / {_num(p['switches_kw'])} / {_num(p['optics_kw'])}",
        ),
        ("facility power, max / avg (kW)", f"{_num(p['facility_max_kw'])} / {_num(p['facility_avg_kw'])}"),
        (f"energy {period} (MWh)", p["energy_mwh"]),
        (f"CO2e {period} (t)", p["co2e_t"]),
        (f"GPU-hours {period}", p["gpu_hours"]),
        (f"cost {period}", p["cost"]),
        ("cost basis", p["cost_basis"]),
        ("scope", p["note"]),
    ]


def inference_table(d: Json) -> str:
    m, r, f, t = d["model"], d["replica"], d["fleet"], d["tokens"]
    lines = [f"inference workload {d['workload']}: {m['name']} on {d['hardware']['server']}"]
    if not d["feasible"]:
        lines.append(f"  CANNOT MEET THE TARGET: {d['shortfall']}")
    lines += _section(
        "model",
        [
            ("parameters total / active", f"{_num(m['params_total'])} / {_num(m['params_active'])}"),
            ("attention", m["attention"]),
            ("precision weights / KV", f"{m['weights_precision']} / {m['kv_precision']}"),
            ("weights (GB)", d["memory"]["weights_gb"]),
            ("KV per token (KiB)", d["memory"]["kv_kib_per_token"]),
            ("KV per mean sequence (GB)", d["memory"]["kv_mean_sequence_gb"]),
        ],
    )
    lines += _section(
        "tokens",
        [
            ("prompt mean / p95", f"{_num(t['prompt_mean'])} / {_num(t['prompt_p95'])}"),
            ("output mean / p95", f"{_num(t['output_mean'])} / {_num(t['output_p95'])}"),
            ("source", t["source"]),
        ],
    )
    rows: list[tuple[str, Any]] = [
        ("minimal TP to fit", r["minimal_tensor_parallel"]),
        ("chosen TP x PP", f"{r['tensor_parallel']} x {r['pipeline_parallel']} = {r['gpus']} GPUs"),
        ("weights per GPU (GB)", r["weights_per_gpu_gb"]),
        ("KV pool per GPU (GB)", r["kv_pool_per_gpu_gb"]),
        ("KV capacity (tokens)", r["kv_capacity_tokens"]),
        ("max concurrent sequences", r["max_sequences"]),
    ]
    if r["single_request"]:
        s = r["single_request"]
        rows.append(("single request TTFT / ITL (ms)", f"{_num(s['ttft_ms'])} / {_num(s['itl_ms'])}"))
    if r["at_slo"]:
        a = r["at_slo"]
        rows += [
            ("at the SLO: concurrency", a["concurrency"]),
            ("  TTFT / ITL (ms)", f"{_num(a['ttft_ms'])} / {_num(a['itl_ms'])}"),
            ("  p99 TTFT / ITL (ms)", f"{_num(a['ttft_p99_ms'])} / {_num(a['itl_p99_ms'])}"),
            ("  tokens/s per user", a["tokens_per_s_per_user"]),
            ("  output tokens/s per replica", a["output_tokens_per_s"]),
        ]
    lines += _section("replica", rows)
    lines += _section(
        "fleet",
        [
            ("load (average)", f["load"]),
            ("peak-to-average", f["peak_to_average"]),
            ("target", f["slo"]),
            (
                "peak in flight" if f["peak_concurrency"] is not None else "peak requests/s",
                f["peak_concurrency"] if f["peak_concurrency"] is not None else f["peak_requests_per_s"],
            ),
            ("replicas", f["replicas"]),
            ("GPUs", f["gpus"]),
            ("nodes", f["nodes"]),
            ("racks", f["racks"]),
        ],
    )
    alts = [
        (
            f"TP{a['tensor_parallel']} x PP{a['pipeline_parallel']}",
            f"{_num(a['gpus'])} GPUs, {_num(a['nodes'])} nodes" if a["meets_slo"] else "misses the target",
        )
        for a in d["alternatives"]
    ]
    lines += _section("replica shapes tried", alts)
    if d["power_per_month"]:
        lines += _section("power and cost per month", _power_rows(d["power_per_month"], "per month"))
    lines += _section("assumptions", list(d["assumptions"].items()))
    return "\n".join(lines)


def training_table(d: Json) -> str:
    m, c, r, p, mem, n, rel = (
        d["model"],
        d["compute"],
        d["result"],
        d["parallelism"],
        d["memory_per_gpu"],
        d["network"],
        d["reliability"],
    )
    lines = [f"training workload {d['workload']}: {m['name']} on {d['hardware']['server']}"]
    lines += [f"  WARNING: {w}" for w in d["warnings"]]
    lines += _section(
        "compute",
        [
            ("parameters total / active", f"{_num(m['params_total'])} / {_num(m['params_active'])}"),
            ("tokens", c["tokens"]),
            ("6 x N_active x D (FLOP)", c["total_flops"]),
            ("peak per GPU (TFLOP/s)", f"{_num(c['peak_tflops_per_gpu'])} {c['precision']}"),
            ("MFU / goodput", f"{c['mfu']} / {c['goodput']}"),
        ],
    )
    lines += _section(
        "result",
        [("GPUs", r["gpus"]), ("nodes", r["nodes"]), ("days", r["days"]), ("GPU-hours", r["gpu_hours"])],
    )
    lines += _section(
        "parallelism and memory per GPU",
        [
            ("TP x PP x CP x DP", f"{p['tensor']} x {p['pipeline']} x {p['context']} x {_num(p['data'])}"),
            ("expert parallel (within DP)", p["expert"]),
            ("ZeRO stage", p["zero_stage"]),
            ("layout chosen by", p["chosen_by"]),
            ("states / activations (GB)", f"{_num(mem['states_gb'])} / {_num(mem['activations_gb'])}"),
            ("total / GPU memory (GB)", f"{_num(mem['total_gb'])} / {_num(mem['gpu_gb'])}"),
        ],
    )
    lines += _section(
        "back-end network",
        [
            ("step time (s)", n["step_s"]),
            ("gradient traffic per GPU per step (GB)", n["grad_traffic_gb_per_gpu_per_step"]),
            ("expert all-to-all per GPU per step (GB)", n["expert_all_to_all_gb_per_gpu_per_step"]),
            ("needed per GPU (Gb/s)", n["backend_gbps_per_gpu"]),
            ("needed in total (Gb/s)", n["backend_gbps_total"]),
        ],
    )
    lines += _section(
        "reliability",
        [
            ("expected interruptions", rel["expected_interruptions"]),
            ("hours between interruptions", rel["hours_between_interruptions"]),
            ("rate per GPU-hour (Llama 3)", rel["rate_per_gpu_hour"]),
        ],
    )
    if d["power_over_run"]:
        lines += _section("power and cost over the run", _power_rows(d["power_over_run"], "over the run"))
    return "\n".join(lines)


def cluster_table(d: Json) -> str:
    rows: list[tuple[str, Any]] = [
        ("nodes x GPUs", f"{_num(d['nodes'])} x {d['gpus_per_node']} = {_num(d['gpus'])} GPUs of {d['gpu']}"),
        ("inference GPUs needed", d["inference_gpus"]),
        ("largest training run (GPUs)", d["training_gpus"]),
    ]
    lines = [f"cluster {d['name']}", *_section("capacity", rows)]
    lines += [f"  PROBLEM: {p}" for p in d["problems"]]
    if d.get("rag"):
        lines.append(rag_table(d["rag"]))
    if d["power_per_month"]:
        lines += _section("power and cost per month", _power_rows(d["power_per_month"], "per month"))
    return "\n".join(lines)

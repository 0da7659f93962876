"""``aiinfra size``: size a spec's workloads, or answer a quick what-if without a spec.

    aiinfra size cluster.yaml [--format table|json]
    aiinfra size --model llama-3.1-70b --gpu h100 --users 500 --ttft 1s

Exit codes: 0 sized (a workload that cannot meet its target is reported, not an
error), 2 invalid input (every problem is printed, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from aiinfra.catalog import Catalog
from aiinfra.errors import SpecError, dotted
from aiinfra.sizing.cluster import ClusterSizing, Outcome, size_cluster, size_workloads
from aiinfra.sizing.errors import SizingError
from aiinfra.sizing.hardware import Hardware, calibrated, hardware_for_gpu, hardware_for_server, load_calibration
from aiinfra.sizing.inference import InferenceSizing
from aiinfra.sizing.power import estimate_bom, power_from_bom
from aiinfra.sizing.rag_report import rag_json
from aiinfra.sizing.report import inference_json, power_json, training_json
from aiinfra.sizing.tables import cluster_table, inference_table, training_table
from aiinfra.sizing.training import TrainingSizing
from aiinfra.spec.errors import translate_validation_error
from aiinfra.spec.workloads import Workloads

EXIT_OK, EXIT_INVALID = 0, 2

_WHAT_IF = (
    "model",
    "gpu",
    "server",
    "users",
    "rate",
    "think_time",
    "ttft",
    "itl",
    "tokens_per_s",
    "profile",
    "prompt_tokens",
    "output_tokens",
    "precision",
    "kv_precision",
    "pattern",
    "peak_to_average",
    "prefix_cache_hit",
    "tp",
    "efficiency",
    "engine",
    "max_batch",
    "concurrency",
    "p99",
    "train_tokens",
    "gpus",
    "days",
    "mfu",
    "pue",
    "grid_gco2",
    "energy_price",
    "price_per_gpu_hour",
)


def add_parser(subparsers: Any) -> None:
    """Register ``size`` on the main CLI's subparsers."""
    p = subparsers.add_parser(
        "size",
        help="size GPUs, nodes, power and cost from declared workloads, or a quick what-if",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("spec", nargs="?", type=Path, help="cluster.yaml with a workloads: section")
    p.add_argument("--format", choices=["table", "json"], default="table")
    w = p.add_argument_group("what-if (no spec)")
    w.add_argument("--model", help="catalog model, e.g. llama-3.1-70b")
    w.add_argument("--gpu", help="catalog GPU, e.g. h100 (uses the first server carrying it)")
    w.add_argument("--server", help="catalog server, e.g. dgx-h200")
    w.add_argument("--users", type=int, help="concurrent users")
    w.add_argument("--rate", type=float, help="requests per second")
    w.add_argument("--think-time", help="pause between a user's requests, e.g. 20s")
    w.add_argument("--ttft", help="time-to-first-token target, e.g. 1s or 500ms")
    w.add_argument("--itl", help="inter-token latency target, e.g. 50ms (default 200ms)")
    w.add_argument("--tokens-per-s", type=float, help="per-user output speed target instead of --itl")
    w.add_argument("--profile", help="token profile: chat, rag, summarization, generation, agentic-coding")
    w.add_argument("--prompt-tokens", help="prompt length MEAN or MEAN/P95")
    w.add_argument("--output-tokens", help="output length MEAN or MEAN/P95")
    w.add_argument("--precision", help="weight precision: bf16 fp16 fp8 int8 int4 fp4 (training: bf16 fp8)")
    w.add_argument("--kv-precision", help="KV cache precision: bf16 fp16 fp8")
    w.add_argument("--pattern", choices=["chatbot", "agentic"], help="load pattern (default chatbot)")
    w.add_argument("--peak-to-average", type=float, help="peak / average load")
    w.add_argument("--prefix-cache-hit", type=float, help="agentic: share of prompt tokens served from cache")
    w.add_argument("--tp", type=int, help="pin the tensor-parallel degree")
    w.add_argument("--engine", choices=["vllm", "trt-llm", "sglang", "nim"], help="serving-engine preset")
    w.add_argument("--max-batch", type=int, help="engine cap on running sequences (max_num_seqs)")
    w.add_argument("--concurrency", type=int, help="run each replica at this many requests instead of the SLO edge")
    w.add_argument("--p99", action="store_true", default=None, help="targets bound p99 TTFT/ITL, not the mean")
    w.add_argument(
        "--efficiency",
        action="append",
        metavar="FIELD=VALUE",
        help="override an engine factor, e.g. decode_bandwidth_efficiency=0.7 (repeatable)",
    )
    p.add_argument(
        "--calibration",
        type=Path,
        help="calibration file from 'aiinfra probe' (overrides workloads.calibration in a spec)",
    )
    t = p.add_argument_group("what-if training (no spec)")
    t.add_argument("--train-tokens", help="training tokens, e.g. 15T")
    t.add_argument("--gpus", type=int, help="GPU budget")
    t.add_argument("--days", type=float, help="target duration")
    t.add_argument("--mfu", type=float, help="model FLOPs utilisation")
    c = p.add_argument_group("power and cost")
    c.add_argument("--pue", type=float)
    c.add_argument("--grid-gco2", type=float, help="grid intensity, gCO2e/kWh")
    c.add_argument("--energy-price", type=float, help="per kWh")
    c.add_argument("--price-per-gpu-hour", type=float)


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)\s*$")
_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}


def parse_duration_s(text: str, flag: str) -> float:
    """``1s``, ``500ms``, ``2m`` -> seconds. A bare number is refused: its unit would be a guess."""
    m = _DURATION.match(text)
    if not m:
        raise SizingError(f"{flag} {text!r}: write a duration with its unit, e.g. 1s, 500ms or 2m")
    return float(m.group(1)) * _SECONDS[m.group(2)]


def _length(text: str, flag: str) -> dict[str, int]:
    m = re.fullmatch(r"\s*(\d+)\s*(?:/\s*(\d+)\s*)?", text)
    if not m:
        raise SizingError(f"{flag} {text!r}: write MEAN or MEAN/P95, e.g. 1000 or 1000/4000")
    out = {"mean": int(m.group(1))}
    if m.group(2):
        out["p95"] = int(m.group(2))
    return out


def _what_if_workloads(a: argparse.Namespace) -> Workloads:
    """Build a ``workloads:`` section from flags, so what-if input meets the same validation as a spec."""
    power: dict[str, Any] = {}
    for flag, key in (("pue", "pue"), ("grid_gco2", "grid_gco2_per_kwh"), ("energy_price", "energy_price_per_kwh")):
        if getattr(a, flag) is not None:
            power[key] = getattr(a, flag)
    data: dict[str, Any] = {"power": power}
    if a.price_per_gpu_hour is not None:
        data["cost"] = {"price_per_gpu_hour": a.price_per_gpu_hour}
    if a.train_tokens is not None:
        training: dict[str, Any] = {"name": "what-if", "model": a.model, "tokens": a.train_tokens}
        for flag in ("gpus", "mfu"):
            if getattr(a, flag) is not None:
                training[flag] = getattr(a, flag)
        if a.days is not None:
            training["target_days"] = a.days
        if a.precision is not None:
            training["precision"] = a.precision
        data["training"] = [training]
        return Workloads.model_validate(data)
    if a.users is None and a.rate is None:
        raise SizingError("give --users or --rate (or --train-tokens for a training run)")
    load: dict[str, Any] = {"concurrent_users": a.users} if a.users is not None else {"requests_per_s": a.rate}
    if a.think_time is not None:
        load["think_time_s"] = parse_duration_s(a.think_time, "--think-time")
    slo: dict[str, Any] = {}
    if a.ttft is not None:
        slo["ttft_ms"] = parse_duration_s(a.ttft, "--ttft") * 1000
    if a.itl is not None:
        slo["itl_ms"] = parse_duration_s(a.itl, "--itl") * 1000
    if a.tokens_per_s is not None:
        slo["tokens_per_s_per_user"] = a.tokens_per_s
    if a.prompt_tokens is not None or a.output_tokens is not None:
        if a.profile is not None:
            raise SizingError("give --profile or --prompt-tokens/--output-tokens, not both")
        if a.prompt_tokens is None or a.output_tokens is None:
            raise SizingError("give both --prompt-tokens and --output-tokens")
        tokens: dict[str, Any] = {
            "prompt": _length(a.prompt_tokens, "--prompt-tokens"),
            "output": _length(a.output_tokens, "--output-tokens"),
        }
    else:
        tokens = {"profile": a.profile or "chat"}
    pattern: dict[str, Any] = {"kind": a.pattern or ("agentic" if a.prefix_cache_hit is not None else "chatbot")}
    if a.peak_to_average is not None:
        pattern["peak_to_average"] = a.peak_to_average
    if a.prefix_cache_hit is not None:
        pattern["prefix_cache_hit_ratio"] = a.prefix_cache_hit
    precision: dict[str, str] = {}
    if a.precision is not None:
        precision["weights"] = a.precision
    if a.kv_precision is not None:
        precision["kv_cache"] = a.kv_precision
    inference: dict[str, Any] = {
        "name": "what-if",
        "model": a.model,
        "tokens": tokens,
        "load": load,
        "slo": slo,
        "pattern": pattern,
        "precision": precision,
    }
    if a.tp is not None:
        inference["tensor_parallel"] = a.tp
    if a.concurrency is not None:
        inference["concurrency_per_replica"] = a.concurrency
    if a.p99:
        slo["percentile"] = "p99"
    engine: dict[str, Any] = {}
    if a.engine is not None:
        engine["preset"] = a.engine
    if a.max_batch is not None:
        engine["max_batch_size"] = a.max_batch
    for item in a.efficiency or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise SizingError(f"--efficiency {item!r}: write FIELD=VALUE, e.g. decode_bandwidth_efficiency=0.7")
        engine[key.strip()] = value.strip()
    if engine:
        inference["engine"] = engine
    data["inference"] = [inference]
    return Workloads.model_validate(data)


def _what_if_hardware(a: argparse.Namespace, catalog: Catalog) -> Hardware:
    if a.server is not None and a.gpu is not None:
        raise SizingError("give --gpu or --server, not both")
    if a.server is not None:
        return hardware_for_server(catalog, a.server)
    if a.gpu is None:
        raise SizingError("give --gpu (e.g. h100) or --server (e.g. dgx-h100)")
    return hardware_for_gpu(catalog, a.gpu)


def _results_json(
    outcomes: tuple[Outcome, ...], workloads: Workloads, hw: Hardware, catalog: Catalog, switch: str | None
) -> list[dict[str, Any]]:
    out = []
    for o in outcomes:
        r = o.result
        if isinstance(r, InferenceSizing):
            power = None
            if r.feasible:
                bom = estimate_bom(hw, r.nodes, catalog, switch)
                power = power_from_bom(bom, catalog, workloads.power, workloads.cost)
            out.append(inference_json(r, power))
        elif isinstance(r, TrainingSizing):
            bom = estimate_bom(hw, r.nodes, catalog, switch)
            power = power_from_bom(bom, catalog, workloads.power, workloads.cost, hours=r.days * 24)
            out.append(training_json(r, power))
    return out


def _emit(results: list[dict[str, Any]], cluster: dict[str, Any] | None, fmt: str) -> None:
    if fmt == "json":
        doc: dict[str, Any] = {"workloads": results}
        if cluster is not None:
            doc["cluster"] = cluster
        print(json.dumps(doc, indent=2, sort_keys=True))
        return
    blocks = [inference_table(r) if r["kind"] == "inference" else training_table(r) for r in results]
    if cluster is not None:
        blocks.append(cluster_table(cluster))
    print("\n\n".join(blocks))


def _cluster_json(c: ClusterSizing) -> dict[str, Any]:
    problems = []
    if c.inference_gpus > c.gpus:
        problems.append(f"the inference workloads need {c.inference_gpus:,} GPUs; the cluster has {c.gpus:,}")
    if c.training_gpus + c.inference_gpus > c.gpus and c.training_gpus:
        problems.append(
            f"the largest training run needs {c.training_gpus:,} GPUs beside {c.inference_gpus:,} for "
            f"inference; the cluster has {c.gpus:,}"
        )
    problems += [
        f"{o.name}: {o.result.shortfall}"
        for o in c.inference
        if isinstance(o.result, InferenceSizing) and not o.result.feasible
    ]
    return {
        "name": c.name,
        "server": c.hw.server_key,
        "gpu": c.hw.gpu_key,
        "nodes": c.nodes,
        "gpus_per_node": c.hw.gpus_per_node,
        "gpus": c.gpus,
        "inference_gpus": c.inference_gpus,
        "training_gpus": c.training_gpus,
        "problems": problems,
        "power_per_month": power_json(c.power),
        "rag": rag_json(c.rag) if c.rag is not None else None,
    }


def _run_spec(a: argparse.Namespace) -> int:
    from aiinfra.pipeline import design_from_file
    from aiinfra.sizing.power import bom_from_design

    try:
        # Design without the workload check: `size` reports a shortfall, it does not refuse.
        result = design_from_file(a.spec, check_workloads=False)
    except SpecError as exc:
        for d in exc.diagnostics:
            print(d, file=sys.stderr)
        return EXIT_INVALID
    loaded, catalog = result.loaded, result.catalog
    spec = loaded.spec
    path, from_spec = a.calibration, False
    if path is None and spec.workloads is not None and spec.workloads.calibration is not None:
        path, from_spec = a.spec.parent / spec.workloads.calibration, True
    try:
        calibration = load_calibration(catalog, path) if path is not None else None
        sized = size_cluster(spec, catalog, bom_from_design(result.design), calibration=calibration)
    except SizingError as exc:
        if not from_spec:
            raise
        print(loaded.diagnostic(("workloads", "calibration"), str(exc)), file=sys.stderr)
        return EXIT_INVALID
    errors = [
        loaded.diagnostic(("workloads", kind, o.index), o.error)
        for kind, outcomes in (("inference", sized.inference), ("training", sized.training))
        for o in outcomes
        if o.error is not None
    ]
    for d in errors:
        print(d, file=sys.stderr)
    switch = spec.fabrics.backend.switches.leaf.model
    results = _results_json(sized.inference, sized.workloads, sized.hw, catalog, switch)
    results += _results_json(sized.training, sized.workloads, sized.hw, catalog, switch)
    _emit(results, _cluster_json(sized), a.format)
    if spec.workloads is None and a.format == "table":
        print("\n(no workloads: section in the spec; add one to size inference or training)")
    return EXIT_INVALID if errors else EXIT_OK


def _run_what_if(a: argparse.Namespace) -> int:
    if a.model is None:
        raise SizingError("give a spec file, or --model with --gpu/--server for a what-if")
    catalog = Catalog.with_additions(None)
    hw = _what_if_hardware(a, catalog)
    if a.calibration is not None:
        hw = calibrated(hw, load_calibration(catalog, a.calibration))
    try:
        workloads = _what_if_workloads(a)
    except ValidationError as exc:
        for path, message in translate_validation_error(exc, Workloads):
            print(f"aiinfra size: {dotted(path)}: {message}", file=sys.stderr)
        return EXIT_INVALID
    inference, training = size_workloads(workloads, hw)
    errors = [o.error for o in (*inference, *training) if o.error is not None]
    for e in errors:
        print(f"aiinfra size: {e}", file=sys.stderr)
    if errors:
        return EXIT_INVALID
    results = _results_json(inference, workloads, hw, catalog, None)
    results += _results_json(training, workloads, hw, catalog, None)
    _emit(results, None, a.format)
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Run ``aiinfra size``; returns the exit code."""
    try:
        if args.spec is not None:
            given = [f"--{f.replace('_', '-')}" for f in _WHAT_IF if getattr(args, f, None) is not None]
            if given:
                raise SizingError(f"{', '.join(given)} apply to a what-if without a spec; drop them or the spec")
            return _run_spec(args)
        return _run_what_if(args)
    except SizingError as exc:
        print(f"aiinfra size: {exc}", file=sys.stderr)
        return EXIT_INVALID

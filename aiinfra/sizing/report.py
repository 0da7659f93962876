"""Turn sizing results into JSON-ready dicts and readable tables.

The dict is the single source: the table (:mod:`aiinfra.sizing.tables`) is rendered from
it, so the two formats can never disagree. Keys carry units (``_gb``, ``_ms``, ``_gbps``).
"""

from __future__ import annotations

from typing import Any

from aiinfra.sizing.inference import InferenceSizing, ReplicaChoice, kv_kib_per_token
from aiinfra.sizing.memory import GB, kv_bytes_for_context
from aiinfra.sizing.power import PowerReport
from aiinfra.sizing.training import INTERRUPTIONS_PER_GPU_HOUR, TrainingSizing
from aiinfra.spec.workloads import EngineEfficiency

Json = dict[str, Any]


def _r(x: float, digits: int = 1) -> float:
    return round(float(x), digits)


def _model(arch: Any, weights: str, kv: str | None) -> Json:
    out: Json = {
        "name": arch.name,
        "params_total": arch.params_total,
        "params_active": arch.active,
        "weights_precision": weights,
        "source": arch.source,
    }
    if kv is not None:
        out["kv_precision"] = kv
    if arch.mla is not None:
        out["attention"] = "MLA (latent KV)"
    elif arch.n_kv_heads < arch.n_heads:
        out["attention"] = f"GQA ({arch.n_heads} query / {arch.n_kv_heads} KV heads)"
    else:
        out["attention"] = "multi-head"
    if arch.moe is not None:
        out["moe"] = f"{arch.moe.active_experts} of {arch.moe.experts} experts per token"
    return out


def power_json(p: PowerReport) -> Json:
    out: Json = {
        "gpus": p.gpus,
        "nodes": p.nodes,
        "it_max_kw": _r(p.it_max_w / 1000),
        "it_avg_kw": _r(p.it_avg_w / 1000),
        "facility_max_kw": _r(p.facility_max_w / 1000),
        "facility_avg_kw": _r(p.facility_avg_w / 1000),
        "nodes_kw": _r(p.nodes_w / 1000),
        "switches_kw": _r(p.switches_w / 1000),
        "optics_kw": _r(p.optics_w / 1000),
        "hours": _r(p.hours),
        "energy_mwh": _r(p.energy_kwh / 1000),
        "co2e_t": _r(p.co2e_t),
        "gpu_hours": round(p.gpu_hours),
        "cost": round(p.cost) if p.cost is not None else None,
        "cost_basis": p.cost_basis,
        "note": p.note,
    }
    return out


# Engine factors reported as assumptions (the preset is reported on its own line).
_ENGINE_FIELDS = tuple(f for f in EngineEfficiency.model_fields if f != "preset")


def _point(point: Any) -> Json:
    return {
        "concurrency": point.concurrency,
        "ttft_ms": _r(point.ttft_s * 1000),
        "itl_ms": _r(point.itl_s * 1000, 2),
        **{f"{k}_{q}_ms": _r(getattr(point, f"{k}_{q}_s") * 1000, 2) for k in ("ttft", "itl") for q in ("p50", "p99")},
        "tokens_per_s_per_user": _r(point.tokens_per_s_per_user),
        "output_tokens_per_s": _r(point.output_tokens_per_s),
        "requests_per_s": _r(point.requests_per_s, 3),
        "prefill_share": _r(point.prefill_share, 3),
    }


def _choice(c: ReplicaChoice) -> Json:
    return {
        "tensor_parallel": c.plan.tensor_parallel,
        "pipeline_parallel": c.plan.pipeline_parallel,
        "meets_slo": c.at_slo is not None,
        "concurrency_per_replica": c.at_slo.concurrency if c.at_slo else None,
        "replicas": c.replicas,
        "gpus": c.gpus,
        "nodes": c.nodes,
    }


def inference_json(s: InferenceSizing, power: PowerReport | None) -> Json:
    setup = s.setup
    e = setup.engine
    chosen = s.chosen
    plan = chosen.plan if chosen else s.minimal
    out: Json = {
        "workload": s.name,
        "kind": "inference",
        "feasible": s.feasible,
        "shortfall": s.shortfall,
        "model": _model(setup.arch, setup.weights_precision, setup.kv_precision),
        "hardware": {
            "server": setup.hw.server_key,
            "gpu": setup.hw.gpu_key,
            "gpus_per_node": setup.hw.gpus_per_node,
            "scale_up_domain": setup.hw.scale_up_domain,
        },
        "tokens": {
            "prompt_mean": setup.prompt.mean,
            "prompt_p95": setup.prompt.tail,
            "output_mean": setup.output.mean,
            "output_p95": setup.output.tail,
            "source": s.token_source,
        },
        "memory": {
            "weights_gb": _r(setup.weights_bytes / GB),
            "kv_kib_per_token": _r(kv_kib_per_token(setup), 2),
            "kv_mean_sequence_gb": _r(
                kv_bytes_for_context(setup.arch, setup.kv_precision, setup.mean_context_tokens) / GB, 3
            ),
        },
        "replica": {
            "minimal_tensor_parallel": s.minimal.tensor_parallel,
            "tensor_parallel": plan.tensor_parallel,
            "pipeline_parallel": plan.pipeline_parallel,
            "gpus": plan.gpus,
            "weights_per_gpu_gb": _r(plan.weights_per_gpu_bytes / GB, 2),
            "kv_pool_per_gpu_gb": _r(plan.kv_pool_per_gpu_bytes / GB, 2),
            "kv_capacity_tokens": plan.kv_capacity_tokens,
            "max_sequences": plan.max_sequences,
            "single_request": _point(chosen.single) if chosen else None,
            "at_slo": _point(chosen.at_slo) if chosen and chosen.at_slo else None,
        },
        "alternatives": [_choice(c) for c in s.candidates],
        "fleet": {
            "load": s.load_text,
            "peak_to_average": s.peak_to_average,
            "slo": s.slo_text + (" (ITL by default)" if s.itl_is_default else ""),
            "peak_concurrency": _r(s.peak_concurrency) if s.peak_concurrency is not None else None,
            "peak_requests_per_s": _r(s.peak_requests_per_s, 3) if s.peak_requests_per_s is not None else None,
            "replicas": chosen.replicas if chosen else None,
            "gpus": s.gpus if s.feasible else None,
            "nodes": s.nodes if s.feasible else None,
            "racks": s.racks,
            "resident_prefix_gb": _r(s.resident_prefix_gb),
        },
        "power_per_month": power_json(power) if power else None,
        "assumptions": {
            "prefix_cache_hit_ratio": setup.prefix_cache_hit_ratio,
            **{k: getattr(e, k) for k in _ENGINE_FIELDS},
            "scale_up_gbyte_per_s": setup.hw.scale_up_bytes_per_s / 1e9,
            "engine_preset": e.preset,
            "calibration": setup.hw.calibration.describe() if setup.hw.calibration else None,
            "latency_targets_compare": s.slo_percentile,
        },
    }
    return out


def training_json(t: TrainingSizing, power: PowerReport | None) -> Json:
    return {
        "workload": t.name,
        "kind": "training",
        "model": _model(t.arch, t.precision, None),
        "hardware": {"server": t.hw.server_key, "gpu": t.hw.gpu_key, "gpus_per_node": t.hw.gpus_per_node},
        "compute": {
            "tokens": t.tokens,
            "total_flops": float(f"{t.total_flops:.4g}"),
            "precision": t.precision,
            "peak_tflops_per_gpu": _r(t.peak_flops_per_gpu / 1e12),
            "mfu": t.mfu,
            "goodput": t.goodput,
        },
        "result": {
            "gpus": t.gpus,
            "nodes": t.nodes,
            "days": _r(t.days),
            "gpu_hours": round(t.gpu_hours),
        },
        "parallelism": {
            "tensor": t.tensor,
            "pipeline": t.pipeline,
            "context": t.context,
            "data": t.data_parallel,
            "expert": t.expert,
            "zero_stage": t.zero_stage,
            "chosen_by": "aiinfra (smallest layout that fits)" if t.parallelism_chosen else "the workload",
        },
        "memory_per_gpu": {
            "states_gb": _r(t.state_bytes_per_gpu / GB),
            "activations_gb": _r(t.activation_bytes_per_gpu / GB),
            "total_gb": _r(t.memory_bytes_per_gpu / GB),
            "gpu_gb": t.hw.gpu.memory_gb,
            "fits": t.fits_memory,
        },
        "network": {
            "step_s": _r(t.step_s, 3),
            "grad_traffic_gb_per_gpu_per_step": _r(t.grad_traffic_bytes_per_gpu / GB, 2),
            "expert_all_to_all_gb_per_gpu_per_step": _r(t.expert_traffic_bytes_per_gpu / GB, 2),
            "backend_gbps_per_gpu": _r(t.backend_gbps_per_gpu),
            "backend_gbps_total": _r(t.backend_gbps_total),
        },
        "reliability": {
            "expected_interruptions": _r(t.interruptions),
            "hours_between_interruptions": _r(t.hours_between_interruptions, 2),
            "rate_per_gpu_hour": float(f"{INTERRUPTIONS_PER_GPU_HOUR:.3g}"),
        },
        "power_over_run": power_json(power) if power else None,
        "warnings": list(t.warnings),
    }


# The tables moved to aiinfra.sizing.tables (this module passed 400 lines); importers of the old names keep working.
from aiinfra.sizing.tables import cluster_table, inference_table, training_table  # noqa: E402

__all__ = ["cluster_table", "inference_json", "inference_table", "power_json", "training_json", "training_table"]

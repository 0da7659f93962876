"""Fleet sizing for one inference workload: replicas, GPUs, nodes and racks for an SLO at a load."""

from __future__ import annotations

import math
from dataclasses import dataclass

from aiinfra.sizing.batching import OperatingPoint, best_concurrency, operating_point
from aiinfra.sizing.engines import resolve_engine
from aiinfra.sizing.errors import SizingError
from aiinfra.sizing.hardware import Hardware
from aiinfra.sizing.memory import GB, blocks_tokens, kv_bytes_per_token
from aiinfra.sizing.models import resolve_model, resolve_profile
from aiinfra.sizing.replica import ReplicaPlan, ServingSetup, candidate_plans, minimal_plan_reason
from aiinfra.spec.workloads import AgenticPattern, InferenceWorkload, TokenLength


@dataclass(frozen=True)
class ReplicaChoice:
    """One replica shape evaluated against the SLO."""

    plan: ReplicaPlan
    single: OperatingPoint
    at_slo: OperatingPoint | None
    replicas: int | None
    gpus: int | None
    nodes: int | None


@dataclass(frozen=True)
class InferenceSizing:
    """Everything ``aiinfra size`` reports for one inference workload."""

    name: str
    setup: ServingSetup
    token_source: str
    peak_to_average: float
    load_text: str
    slo_text: str
    slo_percentile: str
    ttft_limit_s: float | None
    itl_limit_s: float | None
    itl_is_default: bool
    minimal: ReplicaPlan
    chosen: ReplicaChoice | None
    candidates: tuple[ReplicaChoice, ...]
    peak_concurrency: float | None
    peak_requests_per_s: float | None
    racks: int | None
    shortfall: str | None
    resident_prefix_gb: float = 0.0

    @property
    def feasible(self) -> bool:
        return self.chosen is not None and self.chosen.gpus is not None

    @property
    def gpus(self) -> int:
        return self.chosen.gpus if self.chosen and self.chosen.gpus else 0

    @property
    def nodes(self) -> int:
        return self.chosen.nodes if self.chosen and self.chosen.nodes else 0


def _tokens(w: InferenceWorkload) -> tuple[TokenLength, TokenLength, str]:
    if w.tokens.profile is not None:
        return resolve_profile(w.tokens.profile)
    assert w.tokens.prompt is not None and w.tokens.output is not None
    return w.tokens.prompt, w.tokens.output, "declared in the workload"


def serving_setup(w: InferenceWorkload, hw: Hardware) -> tuple[ServingSetup, str]:
    prompt, output, source = _tokens(w)
    arch = resolve_model(w.model)
    if prompt.tail + output.tail > arch.max_context:
        raise SizingError(
            f"p95 prompt + output is {prompt.tail + output.tail:,} tokens, beyond {arch.name}'s "
            f"{arch.max_context:,}-token context"
        )
    hit = w.pattern.prefix_cache_hit_ratio if isinstance(w.pattern, AgenticPattern) else 0.0
    engine = resolve_engine(w.engine, hw, arch, w.precision.weights).engine
    setup = ServingSetup(arch, hw, w.precision.weights, w.precision.kv_cache, engine, prompt, output, hit)
    return setup, source


def _nodes_for(plan: ReplicaPlan, replicas: int, hw: Hardware) -> int:
    """Replicas smaller than a node pack several to a node; larger ones take whole nodes."""
    if plan.gpus >= hw.gpus_per_node:
        return replicas * plan.nodes
    per_node = hw.gpus_per_node // plan.gpus
    return math.ceil(replicas / per_node)


def _resident_prefix_tokens(w: InferenceWorkload, setup: ServingSetup, in_flight: float) -> float:
    """Tokens of cached agent prefixes held between steps by the sessions not in flight."""
    pattern = w.pattern
    if not isinstance(pattern, AgenticPattern) or not pattern.resident_prefixes or w.load.concurrent_users is None:
        return 0.0
    idle = max(w.load.concurrent_users * pattern.peak_factor - in_flight, 0.0)
    return idle * blocks_tokens(setup.prompt.mean * pattern.prefix_cache_hit_ratio, setup.engine.block_tokens)


def _fleet_with_memory(
    w: InferenceWorkload, point: OperatingPoint, setup: ServingSetup, plan: ReplicaPlan
) -> tuple[int, float | None, float | None, float]:
    """Replicas for speed, raised until the resident agent prefixes fit the replicas' KV too;
    also returns the resident prefix tokens."""
    replicas, in_flight, rate = _fleet(w, point)
    resident = _resident_prefix_tokens(w, setup, in_flight or 0.0)
    if resident:
        running = (in_flight or 0.0) * blocks_tokens(setup.mean_context_tokens, setup.engine.block_tokens)
        replicas = max(replicas, math.ceil((running + resident) / plan.kv_capacity_tokens - 1e-9))
    return replicas, in_flight, rate, resident


def _fleet(w: InferenceWorkload, point: OperatingPoint) -> tuple[int, float | None, float | None]:
    """Replicas for the peak load, sized at the replica's SLO-limited operating point.

    Concurrent users are a closed loop: a user is in flight for the request's end-to-end
    time and thinks between requests, so ``in flight = users x e2e / (e2e + think)``.
    A request rate is an open loop: ``replicas = peak rate / rate one replica sustains``.
    """
    p2a = w.pattern.peak_factor
    if w.load.concurrent_users is not None:
        e2e = point.e2e_s
        in_flight = w.load.concurrent_users * p2a * e2e / (e2e + w.load.think_time_s)
        return max(1, math.ceil(in_flight / point.concurrency - 1e-9)), in_flight, None
    assert w.load.requests_per_s is not None
    rate = w.load.requests_per_s * p2a
    return max(1, math.ceil(rate / point.requests_per_s - 1e-9)), None, rate


def _load_text(w: InferenceWorkload) -> str:
    if w.load.concurrent_users is not None:
        think = f", {w.load.think_time_s:g} s think time" if w.load.think_time_s else ""
        return f"{w.load.concurrent_users:,} users{think}"
    return f"{w.load.requests_per_s:g} requests/s"


def _slo_text(ttft_s: float | None, itl_s: float | None, percentile: str = "mean") -> str:
    parts = []
    tag = "" if percentile == "mean" else f" ({percentile})"
    if ttft_s is not None:
        parts.append(f"TTFT<={_duration(ttft_s)}{tag}")
    if itl_s is not None:
        parts.append(f"ITL<={_duration(itl_s)}{tag}")
    return " and ".join(parts) if parts else "no latency target (maximum throughput)"


def _duration(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.3g}s"
    return f"{seconds * 1000:.3g}ms"


def size_inference(w: InferenceWorkload, hw: Hardware, rack_power_kw: float = 40.0) -> InferenceSizing:
    """Size one workload: try every replica shape, keep the one needing fewest nodes, then GPUs."""
    setup, source = serving_setup(w, hw)
    ttft = w.slo.ttft_ms / 1000 if w.slo.ttft_ms is not None else None
    itl = w.slo.itl_limit_ms / 1000
    plans = candidate_plans(setup, w.tensor_parallel)
    if not plans:
        if w.tensor_parallel is not None and candidate_plans(setup):
            raise SizingError(
                f"tensor_parallel {w.tensor_parallel} cannot hold {setup.arch.name} "
                f"({setup.weights_bytes / GB:,.0f} GB of weights) with room for KV on {hw.gpu.model}"
            )
        raise SizingError(minimal_plan_reason(setup))
    choices = []
    for plan in plans:
        single = operating_point(setup, plan, 1)
        if w.concurrency_per_replica is not None:
            point: OperatingPoint | None = operating_point(setup, plan, w.concurrency_per_replica)
        else:
            point = best_concurrency(setup, plan, ttft, itl, w.slo.percentile)
        if point is None:
            choices.append(ReplicaChoice(plan, single, None, None, None, None))
            continue
        replicas, _, _, _ = _fleet_with_memory(w, point, setup, plan)
        choices.append(
            ReplicaChoice(plan, single, point, replicas, replicas * plan.gpus, _nodes_for(plan, replicas, hw))
        )
    feasible = [c for c in choices if c.gpus is not None]
    chosen = min(feasible, key=lambda c: (c.nodes, c.gpus, c.plan.tensor_parallel)) if feasible else None
    shortfall = None
    concurrency = rate = None
    racks = None
    resident = 0.0
    if chosen is not None and chosen.at_slo is not None:
        _, concurrency, rate, resident = _fleet_with_memory(w, chosen.at_slo, setup, chosen.plan)
        racks = math.ceil((chosen.nodes or 0) / nodes_per_rack(hw, rack_power_kw))
    else:
        best = min(choices, key=lambda c: c.single.ttft_s)
        shortfall = (
            f"no replica shape meets {_slo_text(ttft, itl)}: the fastest, TP{best.plan.tensor_parallel}"
            + (f" x PP{best.plan.pipeline_parallel}" if best.plan.pipeline_parallel > 1 else "")
            + f", gives TTFT {_duration(best.single.ttft_s)} and ITL {_duration(best.single.itl_s)} "
            "for a single request"
        )
    return InferenceSizing(
        name=w.name,
        setup=setup,
        token_source=source,
        peak_to_average=w.pattern.peak_factor,
        load_text=_load_text(w),
        slo_text=_slo_text(ttft, itl, w.slo.percentile),
        slo_percentile=w.slo.percentile,
        itl_is_default=w.slo.itl_is_default,
        ttft_limit_s=ttft,
        itl_limit_s=itl,
        minimal=plans[0],
        chosen=chosen,
        candidates=tuple(choices),
        peak_concurrency=concurrency,
        peak_requests_per_s=rate,
        racks=racks,
        shortfall=shortfall,
        resident_prefix_gb=resident * kv_bytes_per_token(setup.arch, setup.kv_precision) / GB,
    )


def nodes_per_rack(hw: Hardware, rack_power_kw: float) -> int:
    """Nodes that fit a rack's power budget at their maximum draw (at least one)."""
    return max(1, int(rack_power_kw * 1000 // hw.server.power_w)) if hw.server.power_w else 1


def kv_kib_per_token(setup: ServingSetup) -> float:
    return kv_bytes_per_token(setup.arch, setup.kv_precision) / 1024

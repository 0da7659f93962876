"""``workloads``: the AI work the cluster is bought for, and how to price its power.

The section is optional. When present, ``aiinfra size`` turns it into GPU, node,
power and cost figures, and ``aiinfra validate`` checks that the declared
cluster can carry it. Field names carry their units (``ttft_ms``,
``grid_gco2_per_kwh``) because a sizing input without a unit is a guess.

Defaults that come from measurements are documented in ``docs/sizing.md`` with
their evidence; the ones that are plain assumptions say so in their description.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from aiinfra.spec.base import Strict
from aiinfra.spec.counts import Count, parse_count
from aiinfra.spec.rag import Rag
from aiinfra.spec.serving import Serving
from aiinfra.spec.text import FreeText

Precision = Literal["bf16", "fp16", "fp8", "int8", "int4", "fp4"]
KvPrecision = Literal["bf16", "fp16", "fp8"]


# --------------------------------------------------------------------------- models


class MoeSpec(Strict):
    """Mixture of experts: memory follows total parameters, FLOPs follow active ones."""

    experts: int = Field(ge=2, description="Routed experts per MoE layer.")
    active_experts: int = Field(ge=1, description="Routed experts each token uses (top-k).")
    layers: int | None = Field(default=None, ge=1, description="Layers with experts. Default: every layer.")

    @model_validator(mode="after")
    def _k_lt_e(self) -> MoeSpec:
        if self.active_experts >= self.experts:
            raise ValueError(f"active_experts {self.active_experts} must be below experts {self.experts}")
        return self


class MlaSpec(Strict):
    """Multi-head latent attention (DeepSeek-V2/V3): the KV cache stores one compressed
    latent plus a shared RoPE key per token and layer, not per-head K and V."""

    kv_lora_rank: int = Field(ge=1)
    qk_rope_head_dim: int = Field(ge=0)


class SlidingWindowSpec(Strict):
    """Layers with sliding-window attention keep only the last ``tokens`` tokens of KV."""

    tokens: int = Field(ge=1)
    layers: int = Field(ge=1, description="How many of the model's layers use the window.")


class ModelArchitecture(Strict):
    """What sizing needs to know about an LLM. Catalog entries and inline models share it."""

    name: FreeText = Field(min_length=1, description="Display name, e.g. Llama-3.1-70B.")
    params_total: Count = Field(description="All parameters (memory). Accepts 70.6B style.")
    params_active: Count | None = Field(
        default=None, description="Parameters used per token (FLOPs); MoE only. Default: params_total."
    )
    layers: int = Field(ge=1, le=1000)
    d_model: int = Field(ge=1)
    ffn_dim: int = Field(ge=1, description="FFN width (per expert for MoE).")
    n_heads: int = Field(ge=1)
    n_kv_heads: int = Field(ge=1, description="KV heads; equals n_heads without GQA.")
    head_dim: int = Field(ge=1)
    vocab_size: int = Field(ge=1)
    max_context: int = Field(default=131_072, ge=1)
    moe: MoeSpec | None = None
    mla: MlaSpec | None = None
    sliding_window: SlidingWindowSpec | None = None
    source: FreeText = "inline model in the spec"

    @model_validator(mode="after")
    def _consistent(self) -> ModelArchitecture:
        if self.n_heads % self.n_kv_heads:
            raise ValueError(f"n_heads {self.n_heads} is not a multiple of n_kv_heads {self.n_kv_heads}")
        if self.params_active is not None and self.params_active > self.params_total:
            raise ValueError("params_active is larger than params_total")
        if self.moe is not None and self.params_active is None:
            raise ValueError("an MoE model needs params_active (parameters used per token)")
        if self.moe is not None and (self.moe.layers or 0) > self.layers:
            raise ValueError(f"moe.layers {self.moe.layers} exceeds layers {self.layers}")
        if self.sliding_window is not None and self.sliding_window.layers > self.layers:
            raise ValueError(f"sliding_window.layers {self.sliding_window.layers} exceeds layers {self.layers}")
        return self

    @property
    def active(self) -> int:
        """Parameters whose FLOPs every token pays for."""
        return self.params_active or self.params_total


def check_model_name(value: object) -> object:
    """Reject an unknown catalog model name here, so the error points at the field."""
    if isinstance(value, str):
        # Imported late: the sizing catalog validates its data with the classes above.
        from aiinfra.sizing.models import model_names

        if value not in model_names():
            raise ValueError(f"unknown model {value!r}; known: {', '.join(model_names())}, or define it inline")
    return value


# --------------------------------------------------------------------------- inference


class TokenLength(Strict):
    """A token count: the mean drives throughput, p95 drives memory headroom."""

    mean: int = Field(ge=1, le=10_000_000)
    p95: int | None = Field(default=None, ge=1, le=10_000_000, description="Default: the mean.")

    @model_validator(mode="before")
    @classmethod
    def _scalar(cls, data: object) -> object:
        if isinstance(data, int) and not isinstance(data, bool):
            return {"mean": data}
        return data

    @model_validator(mode="after")
    def _ordered(self) -> TokenLength:
        if self.p95 is not None and self.p95 < self.mean:
            raise ValueError(f"p95 {self.p95} is below the mean {self.mean}")
        return self

    @property
    def tail(self) -> int:
        return self.p95 or self.mean


class Tokens(Strict):
    """Prompt and output lengths, or a named profile from ``aiinfra/sizing/data/profiles.yaml``."""

    profile: str | None = None
    prompt: TokenLength | None = None
    output: TokenLength | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Tokens:
        explicit = self.prompt is not None or self.output is not None
        if self.profile is not None and explicit:
            raise ValueError("give either 'profile' or 'prompt' and 'output', not both")
        if self.profile is None and (self.prompt is None or self.output is None):
            raise ValueError("give 'profile', or both 'prompt' and 'output'")
        if self.profile is not None:
            from aiinfra.sizing.models import profile_names

            if self.profile not in profile_names():
                raise ValueError(f"unknown profile {self.profile!r}; known: {', '.join(profile_names())}")
        return self


class Load(Strict):
    """Average offered load: concurrent users (closed loop) or a request rate (open loop).

    ``concurrent_users`` counts users with a session open. Each sends a request,
    reads the answer for ``think_time_s`` and sends the next; with the default 0
    every user always has a request in flight, the way benchmark tools count
    concurrency.
    """

    concurrent_users: int | None = Field(default=None, ge=1, le=100_000_000)
    think_time_s: float = Field(default=0.0, ge=0, le=86_400)
    requests_per_s: float | None = Field(default=None, gt=0, le=10_000_000)

    @model_validator(mode="after")
    def _one(self) -> Load:
        if (self.concurrent_users is None) == (self.requests_per_s is None):
            raise ValueError("give exactly one of 'concurrent_users' or 'requests_per_s'")
        if self.requests_per_s is not None and self.think_time_s:
            raise ValueError("think_time_s applies to concurrent_users only")
        return self


DEFAULT_ITL_MS = 200.0


class Slo(Strict):
    """Latency targets, compared with the modelled mean under load (or its p50/p99: ``percentile``).

    Without an ITL or tokens/s target, ITL defaults to 200 ms (the MLPerf Llama-2-70B
    server limit): sizing on TTFT alone would pack a replica until answers crawl.
    """

    ttft_ms: float | None = Field(default=None, gt=0, le=3_600_000, description="Time to first token.")
    itl_ms: float | None = Field(default=None, gt=0, le=60_000, description="Inter-token latency.")
    tokens_per_s_per_user: float | None = Field(
        default=None, gt=0, le=100_000, description="Alternative to itl_ms: 1000 / itl_ms."
    )
    percentile: Literal["mean", "p50", "p99"] = Field(
        default="mean", description="Which statistic of TTFT and ITL the targets bound (MLPerf and most SLAs: p99)."
    )

    @model_validator(mode="after")
    def _one_speed(self) -> Slo:
        if self.itl_ms is not None and self.tokens_per_s_per_user is not None:
            raise ValueError("give itl_ms or tokens_per_s_per_user, not both")
        return self

    @property
    def itl_limit_ms(self) -> float:
        if self.itl_ms is not None:
            return self.itl_ms
        if self.tokens_per_s_per_user is not None:
            return 1000.0 / self.tokens_per_s_per_user
        return DEFAULT_ITL_MS

    @property
    def itl_is_default(self) -> bool:
        return self.itl_ms is None and self.tokens_per_s_per_user is None


Z_P99 = 2.326  # standard normal 99th percentile


class ChatbotPattern(Strict):
    """Human chat: bursty arrivals. Capacity is sized for the peak: average load x peak_to_average,
    where the peak comes from a daily load curve and/or the arrival variance when given.

    * ``daily_load``: the load in each hour of a day (any unit, 24 values); the peak hour over
      the daily mean is the hourly peak-to-average.
    * ``arrival_cv``: coefficient of variation of the request count per minute inside the peak
      hour; the fleet must carry the 99th-percentile minute, ``1 + 2.326 x cv`` times the hour's
      mean (normal approximation). Poisson arrivals of ``N`` requests a minute have ``cv = 1/sqrt(N)``.
    """

    kind: Literal["chatbot"] = "chatbot"
    peak_to_average: float | None = Field(
        default=None,
        ge=1,
        le=100,
        description="Default 2.0 (assumption: no public trace in the reference), or from daily_load/arrival_cv.",
    )
    daily_load: list[float] | None = Field(default=None, min_length=24, max_length=24)
    arrival_cv: float | None = Field(default=None, ge=0, le=10)

    @field_validator("daily_load")
    @classmethod
    def _curve(cls, v: list[float] | None) -> list[float] | None:
        if v is not None and (min(v) < 0 or max(v) <= 0):
            raise ValueError("daily_load needs 24 values >= 0, not all zero")
        return v

    @model_validator(mode="after")
    def _one_peak(self) -> ChatbotPattern:
        if self.peak_to_average is not None and (self.daily_load is not None or self.arrival_cv is not None):
            raise ValueError("give peak_to_average, or daily_load and/or arrival_cv to derive it, not both")
        return self

    @property
    def peak_factor(self) -> float:
        if self.peak_to_average is not None:
            return self.peak_to_average
        if self.daily_load is None and self.arrival_cv is None:
            return 2.0
        hourly = max(self.daily_load) / (sum(self.daily_load) / 24) if self.daily_load else 1.0
        return hourly * (1 + Z_P99 * (self.arrival_cv or 0.0))


class AgenticPattern(Strict):
    """Agents: near-constant load, long prompts that mostly repeat a cached prefix."""

    kind: Literal["agentic"] = "agentic"
    peak_to_average: float = Field(default=1.0, ge=1, le=100)
    prefix_cache_hit_ratio: float = Field(
        default=0.9, ge=0, lt=1, description="Share of prompt tokens served from the prefix cache."
    )
    resident_prefixes: bool = Field(
        default=True,
        description="Keep each agent's cached prefix in KV between its steps (what makes the hit ratio "
        "possible): with concurrent_users, every session's prefix needs memory, not only those in flight.",
    )

    @property
    def peak_factor(self) -> float:
        return self.peak_to_average


Pattern = Annotated[ChatbotPattern | AgenticPattern, Field(discriminator="kind")]


EngineName = Literal["vllm", "trt-llm", "sglang", "nim"]


class EngineEfficiency(Strict):
    """How close the serving engine gets to the hardware. Defaults are calibrated on
    H100 measurements; docs/sizing.md gives the evidence for each. ``preset`` sets an
    engine's documented scheduler defaults (aiinfra/sizing/data/engines.yaml); any field
    set here explicitly wins over the preset and over a calibration file."""

    preset: EngineName | None = Field(default=None, description="Serving engine whose defaults to start from.")
    scheduler_lag_steps: int = Field(
        default=1,
        ge=0,
        le=4,
        description="Steps a new request waits beyond the one in flight: 1 with an overlap scheduler that "
        "plans step n+1 while n runs (TensorRT-LLM, SGLang default), 0 without (vLLM default).",
    )
    max_num_tokens: int = Field(
        default=8192,
        ge=16,
        le=10_000_000,
        description="Token budget of one engine step (vLLM max_num_batched_tokens, TensorRT-LLM max_num_tokens).",
    )

    gpu_memory_utilization: float = Field(
        default=0.90, gt=0, le=1, description="Memory share the engine may use (vLLM default 0.9)."
    )
    kv_budget: Literal["total", "free"] = Field(
        default="total",
        description="'total': util x GPU memory - weights - reserves (vLLM); "
        "'free': util x (memory left after weights and reserves) (TensorRT-LLM).",
    )
    activation_reserve_gb: float = Field(default=2.0, ge=0, le=1000, description="Per GPU.")
    cuda_context_gb: float = Field(default=1.0, ge=0, le=100, description="Per GPU.")
    decode_bandwidth_efficiency: float = Field(
        default=0.80, gt=0, le=1, description="Achieved / peak HBM bandwidth in decode."
    )
    decode_compute_efficiency: float = Field(
        default=0.35, gt=0, le=1, description="Achieved / peak FLOP/s of the batched decode GEMMs."
    )
    prefill_compute_efficiency: float = Field(
        default=0.50, gt=0, le=1, description="Achieved / peak FLOP/s in prefill (MFU)."
    )
    ttft_overhead_ms: float | None = Field(
        default=None,
        ge=0,
        le=60_000,
        description="Fixed cost per request. Default: 5 ms + 0.15 ms per layer (scheduling, kernel launches).",
    )
    step_overhead_ms: float | None = Field(
        default=None,
        ge=0,
        le=1_000,
        description="Fixed cost per engine step. Default: 0.5 ms + 0.02 ms per layer (launches, sampling).",
    )
    collective_latency_us: float = Field(
        default=10.0, ge=0, le=10_000, description="Fixed cost of one tensor-parallel all-reduce."
    )
    collective_bandwidth_efficiency: float = Field(
        default=0.70, gt=0, le=1, description="All-reduce bus bandwidth / one-way NVLink peak."
    )
    max_batch_size: int = Field(
        default=1024, ge=1, le=1_000_000, description="Engine cap on running sequences (max_num_seqs)."
    )
    block_tokens: int = Field(default=16, ge=1, le=4096, description="KV allocation granularity.")


class Precisions(Strict):
    weights: Precision = "bf16"
    kv_cache: KvPrecision = "bf16"


class InferenceWorkload(Strict):
    """A model served to users under latency targets."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    model: str | ModelArchitecture = Field(description="Catalog name or an inline architecture.")
    precision: Precisions = Precisions()
    tokens: Tokens
    load: Load
    slo: Slo = Slo()
    pattern: Pattern = ChatbotPattern()
    engine: EngineEfficiency = EngineEfficiency()
    tensor_parallel: int | None = Field(
        default=None, ge=1, le=1024, description="Pin the TP degree; default: cheapest that meets the SLO."
    )
    concurrency_per_replica: int | None = Field(
        default=None,
        ge=1,
        le=1_000_000,
        description="Run each replica at this many requests in flight (benchmark style) instead of the SLO edge.",
    )
    serving: Serving | None = Field(default=None, description="How the workload is deployed (docs/apps.md).")

    _model_name = field_validator("model", mode="before")(check_model_name)

    @field_validator("tensor_parallel")
    @classmethod
    def _power_of_two(cls, v: int | None) -> int | None:
        if v is not None and v & (v - 1):
            raise ValueError(f"tensor_parallel must be a power of two, got {v}")
        return v


# --------------------------------------------------------------------------- training


class Parallelism(Strict):
    """Hints for the training layout. Data parallelism takes the GPUs left over."""

    tensor: int = Field(default=1, ge=1, le=1024)
    pipeline: int = Field(default=1, ge=1, le=1024)
    context: int = Field(default=1, ge=1, le=1024)
    expert: int = Field(default=1, ge=1, le=4096, description="MoE expert parallelism, carved out of data parallelism.")
    zero_stage: Literal[0, 1, 2, 3] = Field(
        default=1, description="Optimizer sharding over data-parallel ranks (ZeRO/FSDP stage)."
    )


class TrainingWorkload(Strict):
    """A pre-training or fine-tuning run: 6 x active params x tokens of work."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    model: str | ModelArchitecture = Field(description="Catalog name or an inline architecture.")
    tokens: Count = Field(description="Training tokens, e.g. 15T.")
    precision: Literal["bf16", "fp8"] = "bf16"
    target_days: float | None = Field(default=None, gt=0, le=3650)
    gpus: int | None = Field(default=None, ge=1, le=10_000_000, description="GPU budget.")
    mfu: float | None = Field(
        default=None,
        gt=0,
        le=1,
        description="Model FLOPs utilisation of the precision's peak. Default 0.40 for bf16, 0.36 for fp8.",
    )
    goodput: float = Field(default=0.90, gt=0, le=1, description="Share of wall time that trains.")
    sequence_length: int = Field(default=8192, ge=1, le=10_000_000)
    global_batch_tokens: Count = Field(default=4_194_304, description="Tokens per optimizer step.")
    activation_recompute: Literal["none", "selective", "full"] = "selective"
    parallelism: Parallelism | None = Field(
        default=None, description="Layout hints. Default: the smallest TP (inside a node), then PP, that fits memory."
    )

    _model_name = field_validator("model", mode="before")(check_model_name)

    @model_validator(mode="after")
    def _one_target(self) -> TrainingWorkload:
        if (self.target_days is None) == (self.gpus is None):
            raise ValueError("give exactly one of 'target_days' or 'gpus'")
        return self

    @property
    def mfu_or_default(self) -> float:
        if self.mfu is not None:
            return self.mfu
        return 0.40 if self.precision == "bf16" else 0.36


# --------------------------------------------------------------------------- power and cost


class PowerSettings(Strict):
    """Facility and grid figures for power, energy and CO2e."""

    pue: float = Field(default=1.3, ge=1, le=5, description="1.3 new build; industry average 1.58.")
    grid_gco2_per_kwh: float = Field(default=436, ge=0, le=2000, description="Default: 2022 world average (Ember).")
    energy_price_per_kwh: float | None = Field(default=None, ge=0, le=100)
    rack_power_kw: float = Field(
        default=40, gt=0, le=1000, description="Power budget per rack; sets nodes per rack. Assumption."
    )
    it_load_factor: float = Field(
        default=0.75, gt=0, le=1, description="Average draw / nameplate maximum of nodes and switches."
    )


class CostSettings(Strict):
    """Either a rental-style price per GPU-hour, or capex amortised over its life plus energy."""

    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    price_per_gpu_hour: float | None = Field(default=None, gt=0, le=10_000)
    capex_per_node: float | None = Field(default=None, gt=0, le=1e9)
    amortisation_years: float | None = Field(default=None, gt=0, le=30)

    @model_validator(mode="after")
    def _one_model(self) -> CostSettings:
        capex = self.capex_per_node is not None or self.amortisation_years is not None
        if (self.price_per_gpu_hour is not None) == capex:
            raise ValueError("give either price_per_gpu_hour, or capex_per_node with amortisation_years")
        if capex and (self.capex_per_node is None or self.amortisation_years is None):
            raise ValueError("capex_per_node and amortisation_years go together")
        return self


class Workloads(Strict):
    """Inference and training workloads, plus power and cost settings."""

    inference: list[InferenceWorkload] = Field(default_factory=list)
    training: list[TrainingWorkload] = Field(default_factory=list)
    power: PowerSettings = PowerSettings()
    cost: CostSettings | None = None
    calibration: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_./-]{1,255}$",
        description="Calibration file written by 'aiinfra probe' (path relative to the spec); its fitted "
        "factors replace the derated catalog peaks for the node's GPU.",
    )
    rag: Rag | None = Field(default=None, description="A RAG pipeline in front of one inference workload.")

    @model_validator(mode="after")
    def _unique_names(self) -> Workloads:
        seen: set[str] = set()
        for name in [w.name for w in self.inference] + [w.name for w in self.training]:
            if name in seen:
                raise ValueError(f"workload name {name!r} is used twice")
            seen.add(name)
        return self


__all__ = [
    "AgenticPattern",
    "ChatbotPattern",
    "CostSettings",
    "Count",
    "EngineEfficiency",
    "EngineName",
    "InferenceWorkload",
    "Load",
    "MlaSpec",
    "ModelArchitecture",
    "MoeSpec",
    "Parallelism",
    "PowerSettings",
    "Precision",
    "Precisions",
    "SlidingWindowSpec",
    "Slo",
    "TokenLength",
    "Tokens",
    "TrainingWorkload",
    "Workloads",
    "parse_count",
]

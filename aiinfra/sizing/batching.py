"""Continuous batching under load: TTFT and ITL (mean, p50, p99) at an operating point.

The engine runs one step after another. A step carries one token for each of the ``n``
running sequences plus prefill chunks that fill the rest of its token budget
(``max_num_tokens``): chunked prefill interleaved with decode (vLLM V1, TensorRT-LLM
in-flight batching, SGLang). From that scheduler, at request rate ``lambda``:

* the prefill share of replica time is ``rho = lambda x busy x (n-1)/n``, so the mean step,
  which is the mean inter-token latency, is ``t_decode(n) / (1 - rho)``;
* a step that carries a full chunk lasts ``t_decode + chunk x tau`` (``tau`` = prefill time per
  token): that is the ITL tail (p99) whenever more than 1 % of steps carry prefill;
* a new request first waits for the step in flight (residual: half a mean step on average, a
  whole one at the tail), plus ``scheduler_lag_steps`` more where an overlap scheduler plans
  step n+1 while step n runs (TensorRT-LLM, SGLang), then queues behind the prefill tokens ahead of it -- an M/D/1 queue
  whose server is the prefill stream, ``C / (t_decode + C x tau)`` tokens/s with ``C`` the chunk
  room per step -- and then rides ``ceil(P / C)`` steps of its own;
* tails: M/D/1 waiting time has ``P(W > 0) = rho_p`` and an exponential-like tail, so
  ``W_q = (W_mean / rho_p) x ln(rho_p / (1 - q))``; the p99 prompt is the workload's p95 length
  (the only tail the spec gives). These are approximations, checked against the reference's
  server rows within +-25 % (tests/sizing/test_calibration.py); docs/sizing.md says where not.

A closed loop (concurrency ``n``) is solved for ``lambda`` by Little's law; an open loop (a
request rate) is solved for ``n``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from aiinfra.sizing.replica import ReplicaPlan, ServingSetup, decode_step_s, prefill_times_s, ttft_overhead_s


@dataclass(frozen=True)
class OperatingPoint:
    """A replica serving ``concurrency`` requests in steady state (seconds)."""

    concurrency: int
    requests_per_s: float
    ttft_s: float
    itl_s: float
    prefill_share: float
    tokens_per_request: float
    ttft_p50_s: float = 0.0
    ttft_p99_s: float = 0.0
    itl_p50_s: float = 0.0
    itl_p99_s: float = 0.0

    @property
    def output_tokens_per_s(self) -> float:
        return self.tokens_per_request * self.requests_per_s

    @property
    def tokens_per_s_per_user(self) -> float:
        return 1.0 / self.itl_s

    @property
    def e2e_s(self) -> float:
        return self.ttft_s + max(self.tokens_per_request - 1, 0) * self.itl_s

    def ttft(self, percentile: str) -> float:
        return {"mean": self.ttft_s, "p50": self.ttft_p50_s, "p99": self.ttft_p99_s}[percentile]

    def itl(self, percentile: str) -> float:
        return {"mean": self.itl_s, "p50": self.itl_p50_s, "p99": self.itl_p99_s}[percentile]


def _tail_wait(mean_wait: float, rho: float, q: float) -> float:
    """q-quantile of the M/D/1 waiting time from its mean and the probability of waiting."""
    if rho <= 1 - q or mean_wait <= 0:
        return 0.0
    return mean_wait / rho * math.log(rho / (1 - q))


def operating_point(setup: ServingSetup, plan: ReplicaPlan, concurrency: int) -> OperatingPoint:
    """Steady state with ``concurrency`` requests in flight (closed loop).

    Requests beyond the KV capacity wait outside the engine: throughput stays at
    saturation, TTFT absorbs the wait.
    """
    if 0 < plan.max_sequences < concurrency:
        sat = operating_point(setup, plan, plan.max_sequences)
        wait = concurrency / sat.requests_per_s - sat.e2e_s
        return OperatingPoint(
            concurrency,
            sat.requests_per_s,
            sat.ttft_s + wait,
            sat.itl_s,
            sat.prefill_share,
            sat.tokens_per_request,
            sat.ttft_p50_s + wait,
            sat.ttft_p99_s + wait,
            sat.itl_p50_s,
            sat.itl_p99_s,
        )
    latency, busy = prefill_times_s(setup, plan)
    step = decode_step_s(setup, plan, concurrency)
    tokens = setup.output.mean
    others = (concurrency - 1) / concurrency
    overhead = ttft_overhead_s(setup)
    new_mean = max(setup.prompt.mean * (1 - setup.prefix_cache_hit_ratio), 1.0)
    new_tail = max(setup.prompt.tail * (1 - setup.prefix_cache_hit_ratio), 1.0)
    tau = busy / new_mean
    chunk = max(setup.engine.max_num_tokens - concurrency, 1)
    mu = chunk / (step + chunk * tau)  # prefill tokens/s the scheduler can push while n decode
    idle_prefill = latency - overhead  # weights-read floor included
    lag = setup.engine.scheduler_lag_steps

    def service(tokens_in: float) -> float:
        return max(math.ceil(tokens_in / chunk) * step + tokens_in * tau, idle_prefill * tokens_in / new_mean)

    if others == 0:
        rate = 1.0 / (latency + max(tokens - 1, 0) * step)
        return OperatingPoint(concurrency, rate, latency, step, 0.0, tokens, latency, latency, step, step)

    def at(rate: float) -> tuple[float, float, float, float]:
        rho = rate * busy * others
        rho_p = min(rate * new_mean * others / mu, 0.999999)
        itl = step / (1 - rho)
        s = service(new_mean)
        wait = rho_p * s / (2 * (1 - rho_p))
        ttft = overhead + itl / 2 + lag * itl + wait + s
        return rho, rho_p, ttft, itl

    lo, hi = 0.0, min(1.0 / (busy * others), mu / (new_mean * others))
    for _ in range(100):
        mid = (lo + hi) / 2
        _, _, ttft, itl = at(mid)
        if mid * (ttft + max(tokens - 1, 0) * itl) > concurrency:
            hi = mid
        else:
            lo = mid
    rate = lo
    rho, rho_p, ttft, itl = at(rate)
    s_mean, s_tail = service(new_mean), service(new_tail)
    wait = rho_p * s_mean / (2 * (1 - rho_p))
    full_step = max(step + min(chunk, new_mean * (1 + rho_p / (1 - rho_p))) * tau, itl)
    ttft_p50 = overhead + itl / 2 + lag * itl + _tail_wait(wait, rho_p, 0.5) + s_mean
    ttft_p99 = overhead + full_step + lag * itl + _tail_wait(wait, rho_p, 0.99) + s_tail
    # Share of steps that carry prefill: prefill time share over the prefill time of such a step.
    carrying = min(1.0, rho * itl / max(full_step - step, 1e-12))
    itl_p99 = full_step if carrying > 0.01 else step
    itl_p50 = min(full_step if carrying > 0.5 else step, itl)
    return OperatingPoint(concurrency, rate, ttft, itl, rho, tokens, ttft_p50, ttft_p99, itl_p50, itl_p99)


def operating_point_at_rate(setup: ServingSetup, plan: ReplicaPlan, rate: float) -> OperatingPoint | None:
    """Open loop: the state at ``rate`` requests/s (Poisson arrivals), None past saturation."""
    top = max(plan.max_sequences, 1)
    if operating_point(setup, plan, top).requests_per_s < rate:
        return None
    lo, hi = 1, top
    while lo < hi:
        mid = (lo + hi) // 2
        if operating_point(setup, plan, mid).requests_per_s >= rate:
            hi = mid
        else:
            lo = mid + 1
    return operating_point(setup, plan, lo)


def best_concurrency(
    setup: ServingSetup,
    plan: ReplicaPlan,
    ttft_limit_s: float | None,
    itl_limit_s: float | None,
    percentile: str = "mean",
) -> OperatingPoint | None:
    """The busiest operating point whose TTFT and ITL (at ``percentile``) meet the limits; None
    if even one request misses. Both grow with concurrency, so a binary search finds the edge."""

    def ok(point: OperatingPoint) -> bool:
        return (ttft_limit_s is None or point.ttft(percentile) <= ttft_limit_s) and (
            itl_limit_s is None or point.itl(percentile) <= itl_limit_s
        )

    first = operating_point(setup, plan, 1)
    if not ok(first):
        return None
    lo, hi = 1, plan.max_sequences
    best = first
    while lo < hi:
        mid = (lo + hi + 1) // 2
        point = operating_point(setup, plan, mid)
        if ok(point):
            lo, best = mid, point
        else:
            hi = mid - 1
    return best

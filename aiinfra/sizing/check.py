"""``aiinfra validate``'s workload check: can the declared cluster carry the declared workloads?

The design layer knows the fabric; it passes what sizing needs as a
:class:`BackendCapacity`. Problems come back as ``(field path, message)`` pairs,
the same shape as every other semantic check, so they print with file:line:col.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiinfra.catalog import Catalog
from aiinfra.errors import Path
from aiinfra.sizing.cluster import size_workloads
from aiinfra.sizing.errors import SizingError
from aiinfra.sizing.hardware import hardware_for_server
from aiinfra.sizing.inference import InferenceSizing
from aiinfra.sizing.training import TrainingSizing
from aiinfra.spec.model import ClusterSpec


@dataclass(frozen=True)
class BackendCapacity:
    """What the designed cluster offers the workloads.

    ``gpu_nic_gbps``: back-end bandwidth per GPU (NIC line rate x NICs per GPU).
    ``bisection_gbps``: back-end bisection bandwidth, after oversubscription.
    """

    gpus: int
    nodes: int
    gpu_nic_gbps: float
    bisection_gbps: float


def _inference_problem(s: InferenceSizing, cap: BackendCapacity, load: str) -> str | None:
    if not s.feasible:
        return s.shortfall
    if s.gpus > cap.gpus:
        return f"needs {s.gpus:,} GPUs for {load} at {s.slo_text}; the cluster has {cap.gpus:,}"
    if s.nodes > cap.nodes:
        return (
            f"needs {s.nodes:,} nodes ({s.gpus:,} GPUs in replicas of {s.chosen.plan.gpus if s.chosen else 0}) "
            f"for {load} at {s.slo_text}; the cluster has {cap.nodes:,}"
        )
    return None


def _training_problems(t: TrainingSizing, cap: BackendCapacity, days: float | None) -> list[str]:
    out = []  # a NIC shortfall implies the bisection one (uniform traffic): report the first only
    if t.gpus > cap.gpus:
        why = f"to train in {days:g} days" if days is not None else "as its GPU budget"
        out.append(f"needs {t.gpus:,} GPUs {why}; the cluster has {cap.gpus:,}")
    if t.backend_gbps_per_gpu > cap.gpu_nic_gbps:
        out.append(
            f"needs {t.backend_gbps_per_gpu:,.0f} Gb/s of back-end bandwidth per GPU for its gradient "
            f"all-reduce ({t.grad_traffic_bytes_per_gpu / 1e9:,.1f} GB per GPU in a {t.step_s:.2f} s step); "
            f"the fabric gives {cap.gpu_nic_gbps:,.0f} Gb/s per GPU"
        )
    crossing = t.backend_gbps_total / 2
    if t.backend_gbps_per_gpu <= cap.gpu_nic_gbps and crossing > cap.bisection_gbps:
        out.append(
            f"needs {crossing:,.0f} Gb/s across the back-end bisection (half of {t.gpus:,} GPUs x "
            f"{t.backend_gbps_per_gpu:,.0f} Gb/s); the fabric's bisection is {cap.bisection_gbps:,.0f} Gb/s"
        )
    return out


def check_workloads(
    spec: ClusterSpec, catalog: Catalog, backend_capacity: BackendCapacity
) -> list[tuple[tuple[str | int, ...], str]]:
    """Every way the cluster falls short of its declared workloads; empty when it fits.

    Inference workloads are always on, so they add up; a training run gets the GPUs
    the inference fleet leaves free.
    """
    workloads = spec.workloads
    if workloads is None:
        return []
    cap = backend_capacity
    try:
        hw = hardware_for_server(catalog, spec.compute.node_model)
    except SizingError as exc:
        return [(("compute", "node_model"), str(exc))]
    inference, training = size_workloads(workloads, hw)
    problems: list[tuple[Path, str]] = []
    serving = 0
    for o in inference:
        path: Path = ("workloads", "inference", o.index)
        if o.error is not None or not isinstance(o.result, InferenceSizing):
            problems.append((path, o.error or "could not be sized"))
            continue
        problem = _inference_problem(o.result, cap, o.result.load_text)
        if problem:
            problems.append((path, problem))
        elif o.result.feasible:
            serving += o.result.gpus
    if serving > cap.gpus:
        problems.append(
            (
                ("workloads", "inference"),
                f"together the inference workloads need {serving:,} GPUs; the cluster has {cap.gpus:,}",
            )
        )
    for o in training:
        path = ("workloads", "training", o.index)
        if o.error is not None or not isinstance(o.result, TrainingSizing):
            problems.append((path, o.error or "could not be sized"))
            continue
        days = workloads.training[o.index].target_days
        found = _training_problems(o.result, cap, days)
        problems += [(path, m) for m in found]
        if not found and serving and o.result.gpus + serving > cap.gpus:
            problems.append(
                (path, f"needs {o.result.gpus:,} GPUs while inference holds {serving:,}; the cluster has {cap.gpus:,}")
            )
    return problems

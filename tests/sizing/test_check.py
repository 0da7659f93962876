"""``aiinfra validate``'s workload check rejects an undersized cluster with the shortfall."""

from __future__ import annotations

import re
from pathlib import Path

from aiinfra.catalog import Catalog
from aiinfra.sizing.check import BackendCapacity, check_workloads
from aiinfra.spec.load import load_spec
from tests.sizing.specs import CHAT_2000, lab_with

# 8 x DGX H100 with one 400G NIC per GPU on a non-blocking fabric
CAP_64 = BackendCapacity(gpus=64, nodes=8, gpu_nic_gbps=400, bisection_gbps=64 * 400 / 2)


def _check(tmp_path: Path, workloads: str, cap: BackendCapacity = CAP_64) -> list[tuple[tuple[str | int, ...], str]]:
    spec = load_spec(lab_with(tmp_path, workloads)).spec
    return check_workloads(spec, Catalog.with_additions(spec.catalog), cap)


def test_undersized_cluster_is_rejected_with_the_shortfall(tmp_path: Path) -> None:
    problems = _check(tmp_path, CHAT_2000)
    assert len(problems) == 1
    path, message = problems[0]
    assert path == ("workloads", "inference", 0)
    m = re.fullmatch(r"needs ([\d,]+) GPUs for 2,000 users at TTFT<=1s and ITL<=50ms; the cluster has 64", message)
    assert m, message
    assert int(m.group(1).replace(",", "")) > 64


def test_a_cluster_that_fits_has_no_problems(tmp_path: Path) -> None:
    big = BackendCapacity(gpus=256, nodes=32, gpu_nic_gbps=400, bisection_gbps=256 * 400 / 2)
    assert _check(tmp_path, CHAT_2000, big) == []


def test_no_workloads_no_problems(tmp_path: Path) -> None:
    assert _check(tmp_path, "") == []


SMALL_BATCH_TRAINING = """
workloads:
  training:
    - name: pretrain
      model: llama-3.1-8b
      tokens: 2T
      gpus: 64
      sequence_length: 4096
      global_batch_tokens: 262144
      parallelism: {tensor: 1}
"""


def test_training_that_outruns_the_nics_is_rejected(tmp_path: Path) -> None:
    problems = _check(tmp_path, SMALL_BATCH_TRAINING)
    assert [p for p, _ in problems] == [("workloads", "training", 0)]
    message = problems[0][1]
    assert re.match(
        r"needs [\d,]+ Gb/s of back-end bandwidth per GPU for its gradient all-reduce "
        r"\([\d.,]+ GB per GPU in a [\d.]+ s step\); the fabric gives 400 Gb/s per GPU",
        message,
    ), message


def test_training_that_outruns_the_bisection_is_rejected(tmp_path: Path) -> None:
    thin = BackendCapacity(gpus=64, nodes=8, gpu_nic_gbps=800, bisection_gbps=1000)
    problems = _check(tmp_path, SMALL_BATCH_TRAINING, thin)
    assert any("across the back-end bisection" in m and "bisection is 1,000 Gb/s" in m for _, m in problems)


def test_training_deadline_beyond_the_cluster(tmp_path: Path) -> None:
    workloads = """
workloads:
  training:
    - {name: big, model: llama-3.1-70b, tokens: 15T, target_days: 30}
"""
    problems = _check(tmp_path, workloads)
    assert problems and problems[0][0] == ("workloads", "training", 0)
    assert re.match(r"needs [\d,]+ GPUs to train in 30 days; the cluster has 64", problems[0][1])


def test_inference_and_training_share_the_cluster(tmp_path: Path) -> None:
    workloads = """
workloads:
  inference:
    - name: small
      model: llama-3.1-8b
      tokens: {profile: chat}
      load: {concurrent_users: 200}
      slo: {ttft_ms: 1000}
  training:
    - {name: tune, model: llama-3.1-8b, tokens: 100B, gpus: 64}
"""
    problems = _check(tmp_path, workloads)
    assert [p for p, _ in problems] == [("workloads", "training", 0)]
    assert "while inference holds" in problems[0][1]

"""Sizing v2: catalog facts, engine presets, percentiles, what-if flags, and calibration files
(the probe's single-GPU format and the collectives format), all CPU-only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from aiinfra.catalog import Catalog
from aiinfra.cli import main
from aiinfra.probe.collectives import sizes
from aiinfra.sizing.batching import best_concurrency, operating_point
from aiinfra.sizing.calibration import CalibrationFile, read_calibration_file, write_calibration_file
from aiinfra.sizing.collectives import fit_collectives, row
from aiinfra.sizing.engines import resolve_engine
from aiinfra.sizing.errors import SizingError
from aiinfra.sizing.hardware import Hardware, calibrated, hardware_for_server, load_calibration
from aiinfra.sizing.inference import size_inference
from aiinfra.sizing.memory import kv_bytes_per_token
from aiinfra.sizing.models import resolve_model
from aiinfra.sizing.replica import ServingSetup, decode_step_s, plan_replica
from aiinfra.spec.workloads import ChatbotPattern, EngineEfficiency, InferenceWorkload, TokenLength
from tests.conftest import lab_data, put, write_spec

PROBE = Path(__file__).parents[2] / "docs" / "probe" / "h200-llama-3.1-8b.json"


def _setup(hw: Hardware, model: str = "llama-3.1-70b", engine: EngineEfficiency | None = None) -> ServingSetup:
    e = resolve_engine(engine or EngineEfficiency(), hw, resolve_model(model), "fp8").engine
    return ServingSetup(resolve_model(model), hw, "fp8", "fp8", e, TokenLength(mean=2000), TokenLength(mean=500))


# --------------------------------------------------------------------------- catalog


def test_catalog_gpu_without_scale_up_bandwidth_is_refused_with_its_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = lab_data()
    gpu = {
        "vendor": "x",
        "model": "y",
        "memory_gb": 100,
        "memory_bandwidth_tbps": 4,
        "bf16_tflops": 900,
        "fp8_tflops": 1800,
        "tdp_w": 700,
        "source": "me",
    }
    put("catalog", {"gpus": {"x1": gpu}})(data)
    spec = write_spec(tmp_path, data)
    assert main(["validate", str(spec)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert re.search(rf"^{re.escape(str(spec))}:\d+:\d+: catalog\.gpus\.x1\.scale_up_gbyte_per_s: .*missing", err, re.M)


def test_fp4_runs_at_the_fp4_rate_only_where_the_gpu_has_one(catalog: Catalog) -> None:
    b200, h200 = hardware_for_server(catalog, "dgx-b200"), hardware_for_server(catalog, "dgx-h200")
    assert b200.peak_flops("fp4") == 9000e12 and b200.peak_flops("fp8") == 4500e12
    assert h200.peak_flops("fp4") == h200.peak_flops("fp8") == 1979e12


def test_power_cap_scales_compute_peaks_not_bandwidth(catalog: Catalog) -> None:
    hw = hardware_for_server(catalog, "dgx-h200")
    capped = Hardware(hw.server_key, hw.server, hw.gpu_key, hw.gpu.model_copy(update={"power_limit_w": 560}))
    assert capped.peak_flops("bf16") == pytest.approx(989e12 * 0.8)
    assert capped.hbm_bytes_per_s == hw.hbm_bytes_per_s


def test_new_gpus_carry_their_domain_and_scale_up(catalog: Catalog) -> None:
    gb200 = hardware_for_server(catalog, "gb200-nvl72-tray")
    assert (gb200.scale_up_domain, gb200.gpus_per_node, gb200.scale_up_bytes_per_s) == (72, 4, 900e9)
    for key in ("gb300", "b300", "h200-1kw", "h200-nvl", "mi325x", "mi355x", "l40s"):
        assert catalog.gpus[key].source


def test_mi300x_derate_is_applied(catalog: Catalog) -> None:
    mi = hardware_for_server(catalog, "mi300x-8")
    e = resolve_engine(EngineEfficiency(), mi, resolve_model("llama-3.1-70b"))
    assert e.engine.prefill_compute_efficiency == pytest.approx(0.50 * 0.64)
    assert e.origin["prefill_compute_efficiency"] == "family"
    explicit = resolve_engine(EngineEfficiency(prefill_compute_efficiency=0.4), mi, resolve_model("llama-3.1-70b"))
    assert explicit.engine.prefill_compute_efficiency == 0.4  # the user's figure wins


# --------------------------------------------------------------------------- engine and batching


def test_engine_presets_set_scheduler_defaults_and_explicit_fields_win(h200: Hardware) -> None:
    arch = resolve_model("llama-3.1-8b")
    vllm = resolve_engine(EngineEfficiency(preset="vllm"), h200, arch).engine
    trt = resolve_engine(EngineEfficiency(preset="trt-llm"), h200, arch).engine
    assert (vllm.scheduler_lag_steps, vllm.max_batch_size, vllm.kv_budget) == (0, 1024, "total")
    assert (trt.scheduler_lag_steps, trt.max_batch_size, trt.kv_budget) == (1, 2048, "free")
    mine = resolve_engine(EngineEfficiency(preset="vllm", max_batch_size=64), h200, arch).engine
    assert mine.max_batch_size == 64


def test_overheads_scale_with_layers(h200: Hardware) -> None:
    small = resolve_engine(EngineEfficiency(), h200, resolve_model("llama-3.1-8b")).engine
    big = resolve_engine(EngineEfficiency(), h200, resolve_model("llama-3.1-405b")).engine
    assert small.step_overhead_ms is not None and big.step_overhead_ms is not None
    assert big.step_overhead_ms > 2 * small.step_overhead_ms


def test_tails_are_above_means_under_load_and_p99_targets_pack_less(h200: Hardware) -> None:
    setup = _setup(h200)
    plan = plan_replica(setup, 2)
    p = operating_point(setup, plan, 64)
    assert p.ttft_p99_s > p.ttft_s > 0 and p.itl_p99_s >= p.itl_s >= p.itl_p50_s
    mean = best_concurrency(setup, plan, 1.0, 0.1, "mean")
    p99 = best_concurrency(setup, plan, 1.0, 0.1, "p99")
    assert mean is not None and p99 is not None and p99.concurrency < mean.concurrency


def _size_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["size", "--format", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)["workloads"][0]


def test_what_if_flags(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--model", "llama-3.1-8b", "--gpu", "h200", "--users", "100", "--ttft", "2s"]
    r = _size_json(
        capsys,
        *base,
        "--engine",
        "vllm",
        "--max-batch",
        "64",
        "--concurrency",
        "16",
        "--p99",
        "--efficiency",
        "decode_bandwidth_efficiency=0.6",
    )
    a = r["assumptions"]
    assert (a["engine_preset"], a["max_batch_size"], a["decode_bandwidth_efficiency"]) == ("vllm", 64, 0.6)
    assert a["latency_targets_compare"] == "p99"
    assert r["replica"]["at_slo"]["concurrency"] == 16
    assert main(["size", *base, "--efficiency", "nonsense"]) == 2


# --------------------------------------------------------------------------- calibration files


def test_recorded_probe_file_loads_and_fits(catalog: Catalog) -> None:
    cal = load_calibration(catalog, PROBE)
    assert cal.gpu == "h200"
    for k in ("decode_bandwidth_efficiency", "decode_compute_efficiency", "prefill_compute_efficiency"):
        assert 0 < cal.factors[k] <= 1
    assert cal.hbm_copy_efficiency is not None and 0.5 < cal.hbm_copy_efficiency < 1
    assert set(cal.gemm_efficiency) == {"bf16", "fp8"}


def test_fp8_workloads_take_the_measured_fp8_gemm_ratio(catalog: Catalog, h200: Hardware) -> None:
    cal = load_calibration(catalog, PROBE)
    ratio = cal.gemm_efficiency["fp8"] / cal.gemm_efficiency["bf16"]  # 0.73 / 0.80 measured
    hw = calibrated(h200, cal)
    arch = resolve_model("llama-3.1-8b")
    bf16 = resolve_engine(EngineEfficiency(), hw, arch, "bf16").engine
    fp8 = resolve_engine(EngineEfficiency(), hw, arch, "fp8").engine
    assert fp8.prefill_compute_efficiency == pytest.approx(bf16.prefill_compute_efficiency * ratio)
    assert fp8.decode_bandwidth_efficiency == bf16.decode_bandwidth_efficiency  # HBM is not precision-bound


def test_calibration_round_trips_and_bad_files_are_refused(tmp_path: Path, catalog: Catalog) -> None:
    data = read_calibration_file(PROBE)
    out = tmp_path / "c.json"
    write_calibration_file(out, data)
    assert read_calibration_file(out) == data
    out.write_text(json.dumps({"format": "aiinfra-calibration/1", "gpu": "h200", "hbm_copy_bytes_per_s": -1}))
    with pytest.raises(SizingError, match="hbm_copy_bytes_per_s"):
        read_calibration_file(out)
    out.write_text(json.dumps({"gpu": "h900"}))
    with pytest.raises(SizingError, match="not in the catalog"):
        load_calibration(catalog, out)


def test_calibration_replaces_the_derated_factors_and_must_match_the_gpu(catalog: Catalog, h200: Hardware) -> None:
    cal = load_calibration(catalog, PROBE)
    with pytest.raises(SizingError, match="calibrates GPU 'h200'"):
        calibrated(hardware_for_server(catalog, "dgx-h100"), cal)
    plain, measured = _setup(h200, "llama-3.1-8b"), _setup(calibrated(h200, cal), "llama-3.1-8b")
    assert measured.engine.decode_bandwidth_efficiency == cal.factors["decode_bandwidth_efficiency"]
    plan = plan_replica(plain, 1)
    assert decode_step_s(measured, plan, 128) != pytest.approx(decode_step_s(plain, plan, 128), rel=0.05)


def test_size_cli_and_spec_take_the_calibration(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--model", "llama-3.1-8b", "--gpu", "h200", "--users", "10"]
    r = _size_json(capsys, *base, "--calibration", str(PROBE))
    assert r["assumptions"]["calibration"].startswith(str(PROBE))
    assert main(["size", *base, "--calibration", str(tmp_path / "missing.json")]) == 2


# --------------------------------------------------------------------------- collectives (issue 19)


def _collectives_file(tmp_path: Path, latency_s: float, busbw: float) -> Path:
    """A file in the recorded format, from a known line per regime (no invented measurement is
    presented as one: this checks that the fit recovers what it was given)."""
    rows = [
        row(op, n, s, latency_s + s * (2 * (n - 1) / n if op == "all_reduce" else (n - 1) / n) / busbw)
        for op in ("all_reduce", "all_gather")
        for n in (2, 4, 8)
        for s in sizes(hi=64 * 1024**2)
    ]
    path = tmp_path / "coll.json"
    write_calibration_file(path, CalibrationFile(gpu="h200", collectives=rows))
    return path


def test_collective_fit_recovers_latency_and_bus_bandwidth(tmp_path: Path) -> None:
    path = _collectives_file(tmp_path, 20e-6, 300e9)
    fit = fit_collectives(read_calibration_file(path).collectives, 450e9)
    for regime in fit.fits[("all_reduce", 8)]:
        assert regime.latency_s == pytest.approx(20e-6, rel=1e-6)
        assert regime.busbw_bytes_per_s == pytest.approx(300e9, rel=1e-6)
        assert regime.efficiency == pytest.approx(300 / 450)
    assert {name for name, _ in [(f.regime, 0) for f in fit.fits[("all_reduce", 8)]]} == {"small", "medium", "large"}
    measured_row = read_calibration_file(path).collectives[0]
    assert measured_row.busbw_gbyte_per_s == pytest.approx(measured_row.algbw_gbyte_per_s * 2 * 1 / 2)


def test_collectives_calibration_changes_tp8_itl(tmp_path: Path, catalog: Catalog, h200: Hardware) -> None:
    cal = load_calibration(catalog, _collectives_file(tmp_path, 40e-6, 150e9))
    assert cal.collectives is not None
    plain = _setup(h200, "llama-3.1-405b")
    slow = _setup(calibrated(h200, cal), "llama-3.1-405b")
    plan = plan_replica(plain, 8)
    before, after = decode_step_s(plain, plan, 32), decode_step_s(slow, plan, 32)
    # 126 layers x 2 all-reduces: 30 us more latency each and half the bandwidth
    assert after - before > 126 * 2 * 25e-6


# --------------------------------------------------------------------------- memory and load shape


def _agents(resident: bool) -> InferenceWorkload:
    return InferenceWorkload.model_validate(
        {
            "name": "agents",
            "model": "llama-3.1-70b",
            "precision": {"weights": "fp8", "kv_cache": "fp8"},
            "tokens": {"prompt": 127_000, "output": 250},
            "load": {"concurrent_users": 100, "think_time_s": 60},
            "pattern": {"kind": "agentic", "prefix_cache_hit_ratio": 0.99, "resident_prefixes": resident},
        }
    )


def test_resident_agent_prefixes_cost_memory(h200: Hardware) -> None:
    """100 agents with 127k-token contexts: their prefixes alone are ~1.7 TB of FP8 KV, so the
    fleet must hold them, not only the ~17 requests in flight."""
    held, ignored = size_inference(_agents(True), h200), size_inference(_agents(False), h200)
    assert held.resident_prefix_gb == pytest.approx(100 * 127_000 * 0.99 * 160 * 1024 / 1e9, rel=0.2)
    assert held.gpus > ignored.gpus
    assert held.chosen is not None and held.chosen.replicas is not None
    capacity = held.chosen.replicas * held.chosen.plan.kv_capacity_tokens
    assert capacity * kv_bytes_per_token(resolve_model("llama-3.1-70b"), "fp8") / 1e9 >= held.resident_prefix_gb


def test_chatbot_peak_from_daily_curve_and_arrival_variance() -> None:
    curve = [1.0] * 12 + [3.0] * 12  # busy half day: peak hour 3 / mean 2
    assert ChatbotPattern(daily_load=curve).peak_factor == pytest.approx(1.5)
    assert ChatbotPattern(daily_load=curve, arrival_cv=0.1).peak_factor == pytest.approx(1.5 * 1.2326)
    assert ChatbotPattern().peak_factor == 2.0
    with pytest.raises(ValueError, match="not both"):
        ChatbotPattern(peak_to_average=2, arrival_cv=0.1)


@pytest.mark.parametrize("bad", [{"bf16": 0, "fp8": 1e15}, {"bf16": "Infinity"}, {"fp8": "NaN"}])
def test_calibration_gemm_figures_must_be_positive_and_finite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: dict
) -> None:
    """A zero BF16 GEMM figure divided the FP8 ratio by zero (an internal error in aiinfra size);
    Infinity and NaN, which Python's JSON reader accepts, silently switched the ratio off."""
    doc = json.loads(PROBE.read_text())
    doc["gemm_flops"] = {k: float(v) for k, v in bad.items()}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(SizingError, match="gemm_flops"):
        read_calibration_file(path)
    args = ["size", "--model", "llama-3.1-8b", "--gpu", "h200", "--users", "10", "--precision", "fp8"]
    assert main([*args, "--calibration", str(path)]) == 2
    assert "gemm_flops" in capsys.readouterr().err

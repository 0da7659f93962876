"""``aiinfra size``: what-if mode, spec mode, JSON, and clear errors instead of tracebacks."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiinfra.sizing import cli
from tests.sizing.specs import CHAT_2000, EXAMPLES, ROOT, lab_with


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="aiinfra")
    cli.add_parser(parser.add_subparsers(dest="command"))
    rc = cli.run(parser.parse_args(["size", *argv]))
    out, err = capsys.readouterr()
    return rc, out, err


WHAT_IF = ["--model", "llama-3.1-70b", "--gpu", "h100", "--users", "500", "--ttft", "1s"]


def test_issue_what_if_command(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = _run(WHAT_IF, capsys)
    assert rc == 0, err
    assert "inference workload what-if: Llama-3.1-70B on dgx-h100" in out
    for label in (
        "minimal TP to fit",
        "single request TTFT / ITL (ms)",
        "GPUs",
        "nodes",
        "racks",
        "facility power",
        "assumptions",
        "decode_bandwidth_efficiency",
    ):
        assert label in out


def test_what_if_json_is_machine_readable(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = _run([*WHAT_IF, "--format", "json", "--price-per-gpu-hour", "2.5"], capsys)
    assert rc == 0
    doc = json.loads(out)
    w = doc["workloads"][0]
    assert w["kind"] == "inference" and w["feasible"]
    assert w["fleet"]["gpus"] == w["fleet"]["replicas"] * w["replica"]["gpus"]
    assert w["replica"]["at_slo"]["ttft_ms"] <= 1000
    assert w["power_per_month"]["cost"] == round(w["power_per_month"]["gpu_hours"] * 2.5)


def test_what_if_training(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = _run(
        [
            "--model",
            "llama-3.1-405b",
            "--gpu",
            "h100",
            "--train-tokens",
            "15.6T",
            "--gpus",
            "16384",
            "--format",
            "json",
        ],
        capsys,
    )
    assert rc == 0, err
    t = json.loads(out)["workloads"][0]
    assert t["kind"] == "training"
    assert t["compute"]["total_flops"] == pytest.approx(3.8e25, rel=0.01)
    assert t["reliability"]["expected_interruptions"] > 100


def test_what_if_explicit_tokens_and_agentic(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = _run(
        [
            "--model",
            "llama-3.1-8b",
            "--server",
            "dgx-h200",
            "--rate",
            "20",
            "--prompt-tokens",
            "30000/60000",
            "--output-tokens",
            "300",
            "--prefix-cache-hit",
            "0.95",
            "--ttft",
            "2s",
            "--itl",
            "40ms",
            "--format",
            "json",
        ],
        capsys,
    )
    assert rc == 0, err
    w = json.loads(out)["workloads"][0]
    assert w["tokens"]["prompt_p95"] == 60000
    assert w["assumptions"]["prefix_cache_hit_ratio"] == 0.95
    assert w["hardware"]["server"] == "dgx-h200"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--model", "nope", "--gpu", "h100", "--users", "5"], "unknown model 'nope'; known: deepseek-v3"),
        (["--model", "llama-3.1-8b", "--gpu", "x100", "--users", "5"], "unknown GPU 'x100'; known: b200"),
        (["--model", "llama-3.1-8b", "--gpu", "h100", "--users", "5", "--ttft", "1"], "write a duration with its unit"),
        (["--model", "llama-3.1-8b", "--gpu", "h100", "--users", "0"], "concurrent_users: Input should be greater"),
        (["--model", "llama-3.1-8b", "--gpu", "h100"], "give --users or --rate"),
        (["--model", "llama-3.1-8b", "--users", "5"], "give --gpu"),
        ([], "give a spec file, or --model"),
        (["--model", "llama-3.1-8b", "--gpu", "h100", "--users", "5", "--profile", "nope"], "unknown profile 'nope'"),
        (
            [
                "--model",
                "llama-3.1-8b",
                "--gpu",
                "h100",
                "--users",
                "5",
                "--prompt-tokens",
                "x",
                "--output-tokens",
                "1",
            ],
            "write MEAN or MEAN/P95",
        ),
        (["--model", "llama-3.1-8b", "--gpu", "h100", "--train-tokens", "lots", "--gpus", "8"], "is not a count"),
        (
            ["--model", "llama-3.1-8b", "--gpu", "h100", "--train-tokens", "1T"],
            "exactly one of 'target_days' or 'gpus'",
        ),
        (
            [
                "--model",
                "llama-2-7b",
                "--gpu",
                "h100",
                "--users",
                "5",
                "--prompt-tokens",
                "4000",
                "--output-tokens",
                "500",
            ],
            "beyond Llama-2-7B's 4,096-token context",
        ),
        (["--model", "llama-3.1-70b", "--gpu", "h100", "--users", "5", "--tp", "3"], "power of two"),
    ],
)
def test_bad_what_if_input_is_a_clear_error(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    rc, out, err = _run(argv, capsys)
    assert rc == 2
    assert message in err
    assert "Traceback" not in err and out == ""


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ttft=st.text(max_size=8),
    prompt=st.text(max_size=10),
    users=st.integers(min_value=-5, max_value=10**9),
    model=st.sampled_from(["llama-3.1-8b", "mixtral-8x7b", "deepseek-v3", "bad"]),
)
def test_what_if_never_crashes(
    capsys: pytest.CaptureFixture[str], ttft: str, prompt: str, users: int, model: str
) -> None:
    argv = [
        "--model",
        model,
        "--gpu",
        "h100",
        "--users",
        str(users),
        f"--ttft={ttft or '1s'}",
        f"--prompt-tokens={prompt or '100'}",
        "--output-tokens",
        "100",
    ]
    rc, _, err = _run(argv, capsys)
    assert rc in (0, 2)
    if rc == 2:
        assert err.startswith("aiinfra size: ")


def test_spec_mode_sizes_each_workload_and_the_cluster(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = _run([str(lab_with(tmp_path, CHAT_2000)), "--format", "json"], capsys)
    assert rc == 0, err
    doc = json.loads(out)
    chat = doc["workloads"][0]
    assert chat["workload"] == "chat" and chat["fleet"]["gpus"] > 64
    cluster = doc["cluster"]
    assert cluster["gpus"] == 32 and cluster["server"] == "dgx-h100"
    assert any("need" in p and "the cluster has 32" in p for p in cluster["problems"])
    assert "capex" in chat["power_per_month"]["cost_basis"]


def test_spec_with_flags_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = _run([str(lab_with(tmp_path, CHAT_2000)), "--users", "3"], capsys)
    assert rc == 2 and "--users apply to a what-if without a spec" in err


def test_spec_errors_in_workloads_are_positioned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = CHAT_2000.replace("model: llama-3.1-70b", "model: llama-9")
    spec = lab_with(tmp_path, bad)
    rc, _, err = _run([str(spec)], capsys)
    assert rc == 2
    line = spec.read_text().splitlines().index("      model: llama-9") + 1
    assert f"{spec}:{line}:" in err
    assert "workloads.inference[0].model: unknown model 'llama-9'" in err


def test_missing_spec_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, _, err = _run([str(tmp_path / "none.yaml")], capsys)
    assert rc == 2 and "cannot read file" in err


def _main_cli_available() -> bool:
    try:
        from aiinfra import cli as main_cli  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _main_cli_available(), reason="the main CLI (aiinfra/cli.py) is not there yet")
@pytest.mark.parametrize("spec", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_every_example_spec(spec: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "aiinfra", "size", str(spec), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["cluster"]["gpus"] > 0
    assert doc["cluster"]["power_per_month"]["it_max_kw"] > 0


@pytest.mark.skipif(not _main_cli_available(), reason="the main CLI (aiinfra/cli.py) is not there yet")
def test_python_m_aiinfra_size_what_if() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "aiinfra", "size", *WHAT_IF],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "replica shapes tried" in proc.stdout

"""`aiinfra validate` refuses a cluster too small for its declared workloads (end to end)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiinfra.cli import main
from tests.conftest import lab_data, write_spec


def _with_workloads(tmp_path: Path, workloads: dict) -> Path:
    data = lab_data()
    data["workloads"] = workloads
    return write_spec(tmp_path, data)


def test_undersized_cluster_fails_with_the_shortfall(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _with_workloads(
        tmp_path,
        {
            "inference": [
                {
                    "name": "chat",
                    "model": "llama-3.1-70b",
                    "tokens": {"profile": "chat"},
                    "load": {"concurrent_users": 20000},
                    "slo": {"ttft_ms": 1000, "itl_ms": 50},
                }
            ]
        },
    )
    assert main(["validate", str(spec)]) == 2
    err = capsys.readouterr().err
    assert "workloads.inference[0]: needs" in err and "the cluster has 32" in err
    # `size` reports the same shortfall but still prints the sizing
    assert main(["size", str(spec)]) == 0
    assert "GPUs" in capsys.readouterr().out


def test_fitting_workload_validates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _with_workloads(
        tmp_path,
        {
            "inference": [
                {
                    "name": "chat",
                    "model": "llama-3.1-8b",
                    "tokens": {"profile": "chat"},
                    "load": {"concurrent_users": 50},
                    "slo": {"ttft_ms": 2000},
                }
            ]
        },
    )
    assert main(["validate", str(spec)]) == 0

"""The ``workloads:`` section of cluster.yaml: strict, unit-explicit, and positioned errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from aiinfra.errors import SpecError
from aiinfra.spec.load import load_spec
from aiinfra.spec.workloads import InferenceWorkload, TrainingWorkload, Workloads, parse_count
from tests.sizing.specs import CHAT_2000, lab_with


def test_workloads_load_into_the_cluster_spec(tmp_path: Path) -> None:
    spec = load_spec(lab_with(tmp_path, CHAT_2000)).spec
    assert spec.workloads is not None
    w = spec.workloads.inference[0]
    assert w.model == "llama-3.1-70b" and w.slo.ttft_ms == 1000
    assert spec.workloads.power.pue == 1.25


def _errors(tmp_path: Path, workloads: str) -> list[str]:
    with pytest.raises(SpecError) as exc:
        load_spec(lab_with(tmp_path, workloads))
    return [str(d) for d in exc.value.diagnostics]


def test_misspelt_key_is_an_error_listing_valid_keys(tmp_path: Path) -> None:
    errors = _errors(tmp_path, CHAT_2000.replace("slo: {ttft_ms", "slo: {ttft"))
    assert any("workloads.inference[0].slo.ttft: unknown key 'ttft'" in e and "ttft_ms" in e for e in errors)


def test_profile_and_explicit_lengths_are_exclusive(tmp_path: Path) -> None:
    errors = _errors(tmp_path, CHAT_2000.replace("tokens: {profile: chat}", "tokens: {profile: chat, prompt: 100}"))
    assert any("give either 'profile' or 'prompt' and 'output'" in e for e in errors)


def test_unknown_profile_lists_the_known_ones(tmp_path: Path) -> None:
    errors = _errors(tmp_path, CHAT_2000.replace("profile: chat", "profile: chitchat"))
    assert any("unknown profile 'chitchat'; known: agentic-coding, chat" in e for e in errors)


def test_inline_model(tmp_path: Path) -> None:
    inline = CHAT_2000.replace(
        "model: llama-3.1-70b",
        "model: {name: Tiny, params_total: 1.2B, layers: 16, d_model: 2048, ffn_dim: 8192, n_heads: 32, "
        "n_kv_heads: 8, head_dim: 64, vocab_size: 128256}",
    )
    spec = load_spec(lab_with(tmp_path, inline)).spec
    assert spec.workloads is not None
    model = spec.workloads.inference[0].model
    assert not isinstance(model, str) and model.params_total == 1_200_000_000


def test_load_needs_exactly_one_form() -> None:
    base = {"name": "w", "model": "llama-3.1-8b", "tokens": {"profile": "chat"}}
    with pytest.raises(ValidationError, match="exactly one of 'concurrent_users' or 'requests_per_s'"):
        InferenceWorkload.model_validate({**base, "load": {"concurrent_users": 5, "requests_per_s": 1}})
    with pytest.raises(ValidationError, match="exactly one of 'concurrent_users' or 'requests_per_s'"):
        InferenceWorkload.model_validate({**base, "load": {}})


def test_itl_and_tokens_per_second_are_exclusive_and_itl_defaults_to_200ms() -> None:
    base = {"name": "w", "model": "llama-3.1-8b", "tokens": {"profile": "chat"}, "load": {"requests_per_s": 1}}
    with pytest.raises(ValidationError, match="itl_ms or tokens_per_s_per_user"):
        InferenceWorkload.model_validate({**base, "slo": {"itl_ms": 50, "tokens_per_s_per_user": 20}})
    w = InferenceWorkload.model_validate({**base, "slo": {"tokens_per_s_per_user": 20}})
    assert w.slo.itl_limit_ms == 50
    assert InferenceWorkload.model_validate(base).slo.itl_limit_ms == 200


def test_p95_below_the_mean_is_refused() -> None:
    with pytest.raises(ValidationError, match="p95 10 is below the mean 100"):
        InferenceWorkload.model_validate(
            {
                "name": "w",
                "model": "llama-3.1-8b",
                "load": {"requests_per_s": 1},
                "tokens": {"prompt": {"mean": 100, "p95": 10}, "output": 5},
            }
        )


def test_workload_names_are_unique() -> None:
    w = {"name": "a", "model": "llama-3.1-8b", "tokens": {"profile": "chat"}, "load": {"requests_per_s": 1}}
    t = {"name": "a", "model": "llama-3.1-8b", "tokens": "1T", "gpus": 8}
    with pytest.raises(ValidationError, match="workload name 'a' is used twice"):
        Workloads.model_validate({"inference": [w], "training": [t]})


def test_cost_needs_one_model() -> None:
    with pytest.raises(ValidationError, match="either price_per_gpu_hour, or capex_per_node"):
        Workloads.model_validate({"cost": {"price_per_gpu_hour": 2, "capex_per_node": 1, "amortisation_years": 3}})
    with pytest.raises(ValidationError, match="go together"):
        Workloads.model_validate({"cost": {"capex_per_node": 1}})


def test_training_defaults() -> None:
    t = TrainingWorkload.model_validate({"name": "t", "model": "llama-3.1-8b", "tokens": "15T", "target_days": 10})
    assert t.tokens == 15_000_000_000_000
    assert t.mfu_or_default == 0.40 and t.goodput == 0.90
    assert (
        TrainingWorkload.model_validate(
            {"name": "t", "model": "llama-3.1-8b", "tokens": "1T", "gpus": 8, "precision": "fp8"}
        ).mfu_or_default
        == 0.36
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("15T", 15 * 10**12),
        ("70.6B", 70_600_000_000),
        ("4M", 4_000_000),
        ("1.5e13", 15 * 10**12),
        ("8_030_261_248", 8_030_261_248),
        ("2k", 2000),
    ],
)
def test_counts_accept_suffixes(text: str, value: int) -> None:
    assert parse_count(text) == value


@given(st.one_of(st.text(max_size=12), st.from_regex(r"\A\d{1,4}(\.\d{1,3})?(e\d{1,3})?[kmbtKMBT]?\Z")))
def test_count_parsing_either_parses_or_says_why(text: str) -> None:
    try:
        value = parse_count(text)
    except ValueError as exc:
        assert "is not a count" in str(exc) or "too large" in str(exc)
    else:
        assert isinstance(value, int) and value >= 0


def test_json_schema_accepts_counts_with_suffixes(tmp_path: Path) -> None:
    """Editors validate with the JSON Schema: ``tokens: 15T`` must not be flagged there."""
    import jsonschema
    import yaml

    from aiinfra.spec.schema import json_schema

    workloads = CHAT_2000 + "  training:\n    - {name: t, model: llama-3.1-8b, tokens: 15T, gpus: 64}\n"
    doc = yaml.safe_load(lab_with(tmp_path, workloads).read_text())
    jsonschema.validate(doc, json_schema())
    doc["workloads"]["training"][0]["tokens"] = "lots"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, json_schema())

"""The built-in LLM architecture catalog and token-length profiles (data in ``data/``).

Architectures are data, not code, so a new model is a YAML entry with its source.
They are validated with the same pydantic class as inline models in a spec, so
the two can never drift apart.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from aiinfra.sizing.errors import SizingError
from aiinfra.spec.workloads import ModelArchitecture, TokenLength

DATA = Path(__file__).parent / "data"


def _load(name: str) -> dict[str, Any]:
    doc = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    if not isinstance(doc, dict):
        raise RuntimeError(f"{name} is not a mapping")
    return doc


@cache
def builtin_models() -> dict[str, ModelArchitecture]:
    """Every catalog architecture by its lower-case key (``llama-3.1-70b``)."""
    return {k: ModelArchitecture.model_validate(v) for k, v in _load("models.yaml")["models"].items()}


@cache
def model_names() -> tuple[str, ...]:
    return tuple(sorted(builtin_models()))


def resolve_model(ref: str | ModelArchitecture) -> ModelArchitecture:
    """A catalog name or an inline architecture -> the architecture."""
    if isinstance(ref, ModelArchitecture):
        return ref
    try:
        return builtin_models()[ref.lower()]
    except KeyError:
        raise SizingError(f"unknown model {ref!r}; known: {', '.join(model_names())}") from None


@cache
def _profiles() -> dict[str, tuple[TokenLength, TokenLength, str]]:
    out = {}
    for name, p in _load("profiles.yaml")["profiles"].items():
        out[name] = (TokenLength.model_validate(p["prompt"]), TokenLength.model_validate(p["output"]), p["source"])
    return out


@cache
def profile_names() -> tuple[str, ...]:
    return tuple(sorted(_profiles()))


def resolve_profile(name: str) -> tuple[TokenLength, TokenLength, str]:
    """(prompt, output, source) of a named profile."""
    try:
        return _profiles()[name]
    except KeyError:
        raise SizingError(f"unknown token profile {name!r}; known: {', '.join(profile_names())}") from None

"""Shared fixtures: example specs, a mutable base spec, and cached designs."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from aiinfra.pipeline import DesignResult, design_from_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "inventories"
EXAMPLE_NAMES = sorted(p.parent.name for p in EXAMPLES.glob("*/cluster.yaml"))


@cache
def example(name: str) -> DesignResult:
    return design_from_file(EXAMPLES / name / "cluster.yaml")


@cache
def _lab_data() -> dict[str, Any]:
    return yaml.safe_load((EXAMPLES / "lab" / "cluster.yaml").read_text())


def lab_data() -> dict[str, Any]:
    """A deep copy of the lab spec as plain data, for tests to mutate."""
    return copy.deepcopy(_lab_data())


def write_spec(directory: Path, data: dict[str, Any], name: str = "cluster.yaml") -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.fixture
def lab() -> DesignResult:
    return example("lab")

"""Shared fixtures: example specs, a mutable base spec, and cached designs."""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from aiinfra.pipeline import DesignResult, design_from_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "inventories"
EXAMPLE_NAMES = sorted(p.parent.name for p in EXAMPLES.glob("*/cluster.yaml"))
SMALL_EXAMPLES = [n for n in EXAMPLE_NAMES if n != "ai-factory-32k"]  # the 32k design alone is 338 MB of JSON


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


Mutation = Callable[[dict[str, Any]], None]
"""An edit of a spec held as plain data (what ``yaml.safe_load`` of ``cluster.yaml`` gives)."""


def put(path: str, value: Any) -> Mutation:
    """Set a dotted path; numeric parts index lists, and an index one past the end appends."""

    def apply(d: Any) -> None:
        keys = [int(k) if k.isdigit() else k for k in path.split(".")]
        for k in keys[:-1]:
            d = d[k] if isinstance(k, int) else d.setdefault(k, {})
        last = keys[-1]
        if isinstance(last, int) and last == len(d):
            d.append(value)
        else:
            d[last] = value

    return apply


def both(*mutations: Mutation) -> Mutation:
    """All of ``mutations``, in order."""

    def apply(d: dict[str, Any]) -> None:
        for m in mutations:
            m(d)

    return apply


# A valid ``platform:`` block of each kind for the lab spec, for suites that switch platform.
PLATFORMS: dict[str, dict[str, Any]] = {
    "vmware": {
        "type": "vmware",
        "vcenter": "vcenter.lab.example",
        "datacenter": "dc1",
        "cluster": "gpu",
        "password": {"vault": "vault_vcenter_password"},
        "gpu_mode": "vgpu",
        "vgpu_profile": "nvidia_h100xm-80c",
    },
    "nutanix": {
        "type": "nutanix",
        "prism_central": "pc.lab.example",
        "cluster": "ahv-gpu",
        "password": {"env": "NUTANIX_PASSWORD"},
        "gpu_device_id": 0x2330,
        "vm_management_subnet": "ahv-mgmt",
    },
    "openshift": {
        "type": "openshift",
        "base_domain": "example.net",
        "api_vip": "10.2.3.250",
        "ingress_vip": "10.2.3.251",
        "pull_secret": {"vault": "vault_pull_secret"},
        "ssh_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGrudQijcwYzEP+TdWXHs+yI7kuX/8IAsdi/ngj1hbWl core@test",
    },
}


def platform_block(kind: str, **changes: Any) -> dict[str, Any]:
    """A fresh copy of ``PLATFORMS[kind]`` with ``changes`` applied."""
    return {**copy.deepcopy(PLATFORMS[kind]), **changes}

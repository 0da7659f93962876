"""The ``observability`` spec section: defaults, and positioned refusals of what no switch would admit."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiinfra.errors import SpecError
from aiinfra.pipeline import design_from_file
from tests.conftest import lab_data, write_spec


def _error(tmp_path: Path, observability: object) -> str:
    data = lab_data()
    data["observability"] = observability
    with pytest.raises(SpecError) as info:
        design_from_file(write_spec(tmp_path, data))
    return str(info.value)


def test_a_spec_without_the_section_gets_restricted_authenticated_telemetry(tmp_path: Path) -> None:
    data = lab_data()
    del data["observability"]
    design = design_from_file(write_spec(tmp_path, data)).design
    t = design.telemetry
    assert t is not None
    assert t.gnmi_port == 9339 and t.collectors == ()
    assert t.allowed_cidrs == design.management.allowed_cidrs
    assert t.tls.key == "{{ vault_telemetry_tls_key }}"


def test_a_collector_outside_the_management_acl_is_refused_at_its_line(tmp_path: Path) -> None:
    message = _error(tmp_path, {"collectors": ["192.168.0.6", "172.31.9.9"]})
    assert "cluster.yaml:" in message and "observability.collectors[1]" in message
    assert "172.31.9.9 is outside site.management.allowed_cidrs" in message


def test_a_repeated_collector_is_refused(tmp_path: Path) -> None:
    message = _error(tmp_path, {"collectors": ["192.168.0.6", {"address": "192.168.0.6"}]})
    assert "observability.collectors[1]" in message and "192.168.0.6" in message


def test_an_empty_optics_window_is_refused(tmp_path: Path) -> None:
    message = _error(tmp_path, {"alerts": {"optic_rx_min_dbm": 5, "optic_rx_max_dbm": 4}})
    assert "optic_rx_min_dbm must be below optic_rx_max_dbm" in message


def test_a_plaintext_tls_key_is_refused(tmp_path: Path) -> None:
    assert "observability.tls.key: plaintext secret" in _error(tmp_path, {"tls": {"key": "-----BEGIN KEY-----"}})


def test_collectors_with_different_ports_are_refused(tmp_path: Path) -> None:
    message = _error(tmp_path, {"collectors": ["192.168.0.6", {"address": "192.168.0.7", "gnmic_port": 9900}]})
    assert "observability.collectors[1].gnmic_port" in message and "every collector uses one gnmic_port" in message

"""Streaming telemetry on every OS driver: on, restricted, authenticated.

Each switch's rendered config is read back with its driver's parser (tests/parsers) and must
serve gNMI on the Design's port, admit exactly the management ACL's prefixes, use TLS with a
CA for client certificates, and carry no key material other than Ansible expressions. The OS
list is the registry's, so a new driver joins by existing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aiinfra import nos
from aiinfra.nos import driver
from aiinfra.pipeline import design_from_file
from tests.conftest import lab_data, write_spec
from tests.parsers.dispatch import parse_rendered
from tests.switches.test_cross_target import MODELS

# SR Linux keeps the client CA (trust-anchor, authenticate-client) inside the TLS server profile,
# which is installed with the certificate and carried by the deploy, not in the rendered file.
CA_IN_INSTALLED_PROFILE = {"srlinux"}


@pytest.mark.slow
@pytest.mark.parametrize("os", nos.names())
def test_gnmi_is_on_restricted_and_authenticated(tmp_path: Path, os: str) -> None:
    data = lab_data()
    data["fabrics"]["backend"]["switches"] = {"model": MODELS[os], "os": os}
    data["observability"] = {"gnmi_port": 50123, "collectors": ["192.168.0.6"]}
    design = design_from_file(write_spec(tmp_path, data, f"{os}.yaml")).design
    telemetry = design.telemetry
    assert telemetry is not None
    for leaf in design.devices_by(fabric="backend", role="leaf"):
        files = driver(os).render(leaf, design)
        parsed = parse_rendered(os, leaf.name, files)
        assert parsed.gnmi_port == 50123, (os, leaf.name)
        assert parsed.gnmi_sources == set(telemetry.allowed_cidrs), (os, parsed.gnmi_sources)
        assert parsed.gnmi_tls == telemetry.tls.profile, os
        if os not in CA_IN_INSTALLED_PROFILE:
            assert parsed.gnmi_client_ca == telemetry.tls.ca_name, os
        assert "BEGIN" not in parsed.text  # no PEM inline; only references

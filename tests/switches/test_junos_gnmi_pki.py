"""Junos: the gRPC server's certificate is a Junos PKI local certificate (``use-pki``).

The deploy loads the server certificate with ``request security pki local-certificate load``
(aiinfra/nos/junos/tasks/telemetry-tls.yml). Without ``use-pki`` the ``ssl local-certificate``
name means an ``[edit security certificates local]`` entry, which the rendered config does not
have, so the parse-back reports no TLS certificate: the rendered file must carry the statement.
"""

from __future__ import annotations

from aiinfra.nos.junos.parser import parse_switch
from aiinfra.nos.junos.render import render
from tests.conftest import example


def _front_end_leaf() -> str:
    design = example("lab").design
    leaf = next(d for d in design.devices.values() if d.os == "junos")
    (text,) = render(leaf, design).values()
    return text


def test_the_server_certificate_is_a_pki_local_certificate() -> None:
    text = _front_end_leaf()
    telemetry = example("lab").design.telemetry
    assert telemetry is not None
    assert parse_switch(text).gnmi_tls == telemetry.tls.profile


def test_without_use_pki_the_certificate_name_resolves_to_nothing() -> None:
    text = _front_end_leaf()
    assert text.count("use-pki;") == 1
    assert parse_switch(text.replace("use-pki;", "")).gnmi_tls is None

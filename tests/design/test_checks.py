"""Design prechecks report each problem once, and only for switches the design builds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from netaddr import IPNetwork

from aiinfra.design.addressing import Pool
from aiinfra.design.problems import Problems
from aiinfra.errors import Diagnostic, SpecError
from tests.conftest import lab_data
from tests.spec.test_semantics import Mutation, both, problem_lines, put, validate

JUNOS_QFX = {"model": "qfx5240-64od", "os": "junos"}


def _lines(tmp_path: Path, capsys: pytest.CaptureFixture[str], mutate: Mutation) -> tuple[int, list[tuple[str, str]]]:
    data: dict[str, Any] = lab_data()
    mutate(data)
    rc, err, spec = validate(tmp_path, capsys, data)
    assert "internal error" not in err and "Traceback" not in err
    return rc, problem_lines(err, spec)


def test_a_shared_switch_choice_is_reported_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Spines and super-spines use the leaf entry; its unknown model is one problem, at the leaf."""
    rc, lines = _lines(tmp_path, capsys, put("fabrics.backend.switches", {"leaf": {"model": "sn9999", "os": "sonic"}}))
    assert rc == 2
    assert [f for f, _ in lines] == ["fabrics.backend.switches.leaf.model"]


def test_an_os_capability_is_reported_once_naming_its_tiers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, lines = _lines(
        tmp_path,
        capsys,
        both(
            put("fabrics.backend.switches", {"leaf": {"model": "z9864f-on", "os": "sonic"}}),
            put("fabrics.backend.load_balancing", "flowlet"),
        ),
    )
    assert rc == 2
    assert lines == [
        (
            "fabrics.backend.load_balancing",
            "SONiC (community) 202411 on the leaves and spines cannot do flowlet load balancing; it supports: ecmp",
        )
    ]


def test_a_super_spine_the_design_does_not_build_is_not_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The lab is two tiers; an EOS super-spine entry cannot make flowlet or a zone name invalid."""
    rc, lines = _lines(
        tmp_path,
        capsys,
        both(
            put(
                "fabrics.backend.switches",
                {"leaf": JUNOS_QFX, "spine": JUNOS_QFX, "super_spine": {"model": "n9364e-sg2", "os": "nxos"}},
            ),
            put("fabrics.backend.load_balancing", "flowlet"),
            put("fabrics.frontend.switches", JUNOS_QFX),
            put("site.timezone", "Europe/Amsterdam"),
        ),
    )
    assert rc == 0, lines


def test_frontend_mtu_is_one_problem_with_the_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, lines = _lines(tmp_path, capsys, put("fabrics.frontend.mtu", 9200))
    assert rc == 2
    assert lines == [
        (
            "fabrics.frontend.mtu",
            "host MTU 9200 + 22 B L2 overhead exceeds the Arista EOS switch MTU 9214, Juniper Junos EVO switch "
            "MTU 9216; use 9192 or less",
        )
    ]


def test_problems_keep_one_of_each() -> None:
    p = Problems()
    p.add(("a", "b"), "same")
    p.add(["a", "b"], "same")  # type: ignore[arg-type]
    p.add(("a", "b"), "other")
    assert [(x.path, x.message) for x in p.items] == [(("a", "b"), "same"), (("a", "b"), "other")]


def test_spec_error_prints_a_diagnostic_once() -> None:
    d = Diagnostic("m", "site.ntp[0]", "c.yaml", 3, 5)
    assert str(SpecError([d, Diagnostic("n"), d])) == "c.yaml:3:5: site.ntp[0]: m\n<spec>: n"


@pytest.mark.parametrize(
    ("network", "block", "count", "offset", "hint"),
    [
        ("10.0.0.0/28", 1, 32, 0, "use a /27 or larger"),
        ("10.0.0.0/24", 2, 250, 10, "use a /23 or larger"),
        ("10.0.0.0/24", 1, 1, 1 << 40, "that is more than all of IPv4 holds"),
        ("10.0.0.0/8", 2, (1 << 31) + 1, 0, "that is more than all of IPv4 holds"),
    ],
)
def test_pool_size_hints_name_a_real_prefix(network: str, block: int, count: int, offset: int, hint: str) -> None:
    """The hint once said 'use a /-8 or larger' when the need passed 2**32 addresses."""
    message = Pool("p", IPNetwork(network), block, offset=offset).need(count)
    assert message is not None and message.endswith(hint), message
    assert "/-" not in message


SK_KEY = "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIGrudQijcwYzEP+TdWXHs+yI7ku x@lab"
ED_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGrudQijcwYzEP+TdWXHs+yI7kuX/8IAsdi/ngj1hbWl x@lab"


@pytest.mark.parametrize(
    ("keys", "path", "message"),
    [
        (
            [SK_KEY],
            "security.users[0].ssh_keys[0]",
            "sk-ssh-ed25519@openssh.com keys are not accepted by NVIDIA Cumulus Linux (NVUE), Arista EOS, Juniper "
            "Junos EVO, Cisco NX-OS, SONiC (community); every OS in this spec accepts: ecdsa, ssh-ed25519, ssh-rsa",
        ),
        (
            [ED_KEY, ED_KEY + "2", ED_KEY + "3"],
            "security.users[0].ssh_keys",
            "Arista EOS holds 2 SSH keys per user; 3 given: keep at most 2",
        ),
    ],
)
def test_ssh_key_hints_say_what_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], keys: list[str], path: str, message: str
) -> None:
    rc, lines = _lines(tmp_path, capsys, put("security.users.0.ssh_keys", keys))
    assert rc == 2
    assert (path, message) in lines, lines

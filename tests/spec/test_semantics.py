"""Semantic validation: specs that parse but would render a broken network.

Each case goes through ``aiinfra validate`` and must exit 2 with one positioned
``file:line:col: field: message`` line at the field to change, a hint that names
valid values, no traceback and no 'internal error'.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from aiinfra.cli import main
from aiinfra.spec.fabrics import Roce
from aiinfra.spec.site import iana_timezones, timezone_problem
from tests.conftest import Mutation, both, lab_data, put, write_spec

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGrudQijcwYzEP+TdWXHs+yI7kuX/8IAsdi/ngj1hbWl second@lab"


def validate(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: dict[str, Any]) -> tuple[int, str, Path]:
    spec = write_spec(tmp_path, data)
    rc = main(["validate", str(spec)])
    return rc, capsys.readouterr().err, spec


def problem_lines(err: str, spec: Path) -> list[tuple[str, str]]:
    """``(field, message)`` of every positioned line; each must have a real line number."""
    pattern = re.compile(rf"^{re.escape(str(spec))}:(\d+):(\d+): ([^:]+): (.*)$", re.M)
    found = pattern.findall(err)
    assert all(int(line) > 0 for line, _, _, _ in found), err
    return [(field, message) for _, _, field, message in found]


def assert_refused_at(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mutate: Mutation, path: str, message: str
) -> None:
    """The lab spec with ``mutate`` applied fails validate (exit 2) with ``path: ...message...``."""
    data = lab_data()
    mutate(data)
    rc, err, spec = validate(tmp_path, capsys, data)
    assert rc == 2, err
    assert "internal error" not in err and "Traceback" not in err
    lines = problem_lines(err, spec)
    assert any(f == path and message in m for f, m in lines), f"expected '{path}: ...{message}...' in:\n{err}"


CASES: list[tuple[str, Mutation, str, str]] = [
    # --- RoCE classes: priority = traffic class = queue; best effort is class 0 ---
    (
        "roce-priority-best-effort",
        put("fabrics.backend.roce.priority", 0),
        "fabrics.backend.roce.priority",
        "priority 0 is the best-effort traffic class, which carries every unmarked packet; the lossless RoCE "
        "class needs a class of its own: use 1, 2, 3, 4, 5 or 7",
    ),
    (
        "cnp-priority-best-effort",
        put("fabrics.backend.roce.cnp_priority", 0),
        "fabrics.backend.roce.cnp_priority",
        "cnp_priority 0 is the best-effort traffic class, which carries every unmarked packet; the CNP class "
        "needs a class of its own: use 1, 2, 4, 5, 6 or 7",
    ),
    (
        "roce-priority-equals-default-cnp",
        both(put("fabrics.backend.roce", {"priority": 6})),
        "fabrics.backend.roce.priority",
        "priority 6 equals cnp_priority; CNPs must bypass the congested lossless queue, so the two classes need "
        "different priorities: use 1, 2, 3, 4, 5 or 7",
    ),
    (
        "roce-dscp-zero",
        put("fabrics.backend.roce.dscp", 0),
        "fabrics.backend.roce.dscp",
        "DSCP 0 is unmarked, best-effort traffic; RoCE data needs a mark of its own: use one of 1-23, 25-47, 49-63",
    ),
    (
        "extra-dscp-zero",
        put("fabrics.backend.roce.also_classify_dscp", [24, 0]),
        "fabrics.backend.roce.also_classify_dscp[1]",
        "DSCP 0 is unmarked, best-effort traffic; classifying it as RoCE would make all of it lossless",
    ),
    (
        "extra-dscp-repeats-dscp",
        put("fabrics.backend.roce.also_classify_dscp", [24, 26]),
        "fabrics.backend.roce.also_classify_dscp[1]",
        "DSCP 26 is already given at dscp; list each DSCP once",
    ),
    (
        "default-extra-dscp-repeats-dscp",
        put("fabrics.backend.roce", {"dscp": 24}),
        "fabrics.backend.roce.dscp",
        "also_classify_dscp defaults to [24], which repeats dscp 24; set also_classify_dscp to [] or to other DSCPs",
    ),
    (
        "extra-dscp-out-of-range",
        put("fabrics.backend.roce.also_classify_dscp", [24, 64]),
        "fabrics.backend.roce.also_classify_dscp[1]",
        "less than or equal to 63",
    ),
    (
        "cnp-dscp-zero",
        put("fabrics.backend.roce.cnp_dscp", 0),
        "fabrics.backend.roce.cnp_dscp",
        "DSCP 0 is unmarked, best-effort traffic; CNPs need a mark of their own: use one of 1-23, 25, 27-63",
    ),
    (
        "cnp-dscp-is-extra-dscp",
        put("fabrics.backend.roce.cnp_dscp", 24),
        "fabrics.backend.roce.cnp_dscp",
        "cnp_dscp 24 is also the RoCE data DSCP at also_classify_dscp[0]",
    ),
    (
        "ecn-min-above-max",
        put("fabrics.backend.roce.ecn", {"min_kbytes": 900, "max_kbytes": 100, "max_probability": 50}),
        "fabrics.backend.roce.ecn.min_kbytes",
        "min_kbytes 900 is above max_kbytes 100; marking must start below where it peaks: use 100 or less",
    ),
    (
        "watchdog-not-whole-polls",
        put("fabrics.backend.roce.pfc_watchdog", {"detection_ms": 250}),
        "fabrics.backend.roce.pfc_watchdog.detection_ms",
        "detection_ms 250 is not a whole number of 100 ms polls; switches count the watchdog timers in polls: "
        "use 200 or 300",
    ),
    # --- oversubscription ratios that parse_ratio refuses: never an internal error ---
    (
        "ratio-zero-denominator",
        put("fabrics.backend.oversubscription", "1:0"),
        "fabrics.backend.oversubscription",
        "'1:0' is not a ratio; write it like '1:1' or '3:1'",
    ),
    (
        "ratio-below-one",
        put("fabrics.frontend.oversubscription", "0.5:1"),
        "fabrics.frontend.oversubscription",
        "'0.5:1': oversubscription below 1:1 wastes uplinks; use '1:1' or more",
    ),
    # --- site ---
    (
        "timezone-unknown",
        put("site.timezone", "Mars/Olympus"),
        "site.timezone",
        "'Mars/Olympus' is not a time zone in the IANA database; write an IANA name such as Europe/Amsterdam, or UTC",
    ),
    (
        "timezone-misspelt",
        put("site.timezone", "Europe/Amsterdm"),
        "site.timezone",
        "'Europe/Amsterdm' is not a time zone in the IANA database; did you mean Europe/Amsterdam",
    ),
    (
        "timezone-case",
        put("site.timezone", "europe/amsterdam"),
        "site.timezone",
        "did you mean Europe/Amsterdam",
    ),
    (
        "gateway-network-address",
        put("site.management.gateway", "192.168.0.0"),
        "site.management.gateway",
        "gateway 192.168.0.0 is the network address of 192.168.0.0/24; use a host address, 192.168.0.1 to "
        "192.168.0.254",
    ),
    (
        "gateway-broadcast-address",
        put("site.management.gateway", "192.168.0.255"),
        "site.management.gateway",
        "gateway 192.168.0.255 is the broadcast address of 192.168.0.0/24",
    ),
    (
        "offset-beyond-network",
        put("site.management.first_host_offset", 1 << 40),
        "site.management.first_host_offset",
        "offset 1099511627776 is beyond the 256 addresses of 192.168.0.0/24; use 1 to 254",
    ),
    (
        "acl-allows-any",
        put("site.management.allowed_cidrs", ["192.168.0.0/24", "0.0.0.0/0"]),
        "site.management.allowed_cidrs[1]",
        "allowed_cidrs admits every IPv4 address, so the management ACL protects nothing; list the management and "
        "operator prefixes, or set allow_any: true beside it to mean it",
    ),
    (
        "acl-allows-any-in-halves",
        put("site.management.allowed_cidrs", ["0.0.0.0/1", "128.0.0.0/1"]),
        "site.management.allowed_cidrs",
        "allowed_cidrs admits every IPv4 address",
    ),
    (
        "acl-repeated",
        put("site.management.allowed_cidrs", ["192.168.0.0/24", "192.168.0.0/24"]),
        "site.management.allowed_cidrs[1]",
        "prefix 192.168.0.0/24 is already allowed_cidrs[0]; list each prefix once",
    ),
    ("dns-multicast", put("site.dns", ["224.0.0.251"]), "site.dns[0]", "224.0.0.251 is a multicast address"),
    ("dns-loopback", put("site.dns", ["127.0.0.53"]), "site.dns[0]", "127.0.0.53 is a loopback address"),
    ("ntp-unspecified", put("site.ntp", ["0.0.0.0"]), "site.ntp[0]", "0.0.0.0 is the unspecified address"),
    (
        "syslog-broadcast",
        put("site.syslog", ["255.255.255.255"]),
        "site.syslog[0]",
        "255.255.255.255 is the limited broadcast address",
    ),
    (
        "ntp-mgmt-broadcast",
        put("site.ntp", ["192.168.0.3", "192.168.0.255"]),
        "site.ntp[1]",
        "192.168.0.255 is the broadcast address of the management network 192.168.0.0/24",
    ),
    ("syslog-class-e", put("site.syslog", ["240.0.0.1"]), "site.syslog[0]", "reserved 240.0.0.0/4 block"),
    (
        "ntp-repeated",
        put("site.ntp", ["192.168.0.3", "192.168.0.4", "192.168.0.3"]),
        "site.ntp[2]",
        "server 192.168.0.3 is already ntp[0]; list each server once",
    ),
    (
        "dns-repeated",
        put("site.dns", ["192.168.0.2", "192.168.0.2"]),
        "site.dns[1]",
        "server 192.168.0.2 is already dns[0]",
    ),
    # --- security ---
    (
        "aaa-loopback",
        put("security.aaa.servers.0.address", "127.0.0.1"),
        "security.aaa.servers[0].address",
        "127.0.0.1 is a loopback address",
    ),
    (
        "aaa-repeated",
        put("security.aaa.servers.1", {"address": "192.168.0.6", "key": {"vault": "vault_tacacs_key"}}),
        "security.aaa.servers[1].address",
        "server 192.168.0.6 is already servers[0].address; list each server once",
    ),
    (
        "local-user-repeated",
        put("security.users.1", {"name": "netadmin", "ssh_keys": [KEY]}),
        "security.users[1].name",
        "user 'netadmin' is already users[0].name; list each user once",
    ),
    (
        "snmp-user-repeated",
        put(
            "security.snmp.users.1",
            {"name": "monitor", "auth_key": {"vault": "a"}, "priv_key": {"vault": "b"}},
        ),
        "security.snmp.users[1].name",
        "SNMP user 'monitor' is already users[0].name; list each SNMP user once",
    ),
    # --- hints name only the keys of the model that was checked ---
    (
        "unknown-key-in-platform-branch",
        put("platform.api_vip", "10.2.3.200"),
        "platform.api_vip",
        "unknown key 'api_vip'; valid keys here: distribution, qos_tool, type",
    ),
]


@pytest.mark.parametrize(("mutate", "path", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_semantic_problem_is_positioned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mutate: Mutation, path: str, message: str
) -> None:
    assert_refused_at(tmp_path, capsys, mutate, path, message)


def test_problems_in_several_lists_are_reported_together(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Repeats in site and security lists are field checks, so one bad list does not hide another."""
    data = lab_data()
    for name in ("ntp-repeated", "aaa-repeated", "local-user-repeated", "snmp-user-repeated", "timezone-unknown"):
        next(c[1] for c in CASES if c[0] == name)(data)
    rc, err, spec = validate(tmp_path, capsys, data)
    assert rc == 2
    fields = [f for f, _ in problem_lines(err, spec)]
    assert fields == [
        "site.ntp[2]",
        "site.timezone",
        "security.aaa.servers[1].address",
        "security.users[1].name",
        "security.snmp.users[1].name",
    ], err


def test_allow_any_accepts_an_open_acl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = lab_data()
    put("site.management.allowed_cidrs", ["0.0.0.0/0"])(data)
    put("site.management.allow_any", True)(data)
    rc, err, _ = validate(tmp_path, capsys, data)
    assert rc == 0, err


def test_a_union_mismatch_does_not_hide_behind_the_other_branch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A thresholds mapping with a typo gets the typo, not "Input should be 'auto'"."""
    data = lab_data()
    put("fabrics.backend.roce.ecn", {"min_kbytes": 100, "max_kbytes": 900, "max_probabilty": 50})(data)
    rc, err, spec = validate(tmp_path, capsys, data)
    assert rc == 2
    lines = problem_lines(err, spec)
    assert ("fabrics.backend.roce.ecn", "Input should be 'auto'") not in lines
    assert any(f == "fabrics.backend.roce.ecn.max_probabilty" for f, _ in lines), err


@pytest.mark.parametrize("zone", ["UTC", "Etc/UTC", "Europe/Amsterdam", "America/Argentina/Buenos_Aires", "EST5EDT"])
def test_iana_zones_are_accepted(zone: str) -> None:
    assert timezone_problem(zone) is None


def test_zoneinfo_entries_that_are_not_zones_are_refused() -> None:
    assert "localtime" not in iana_timezones() and "Factory" not in iana_timezones()
    assert timezone_problem("Factory") is not None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"priority": 6}, "priority"),
        ({"cnp_priority": 3}, "cnp_priority"),
        ({"priority": 4, "cnp_priority": 4}, "cnp_priority"),
    ],
)
def test_priority_collision_points_at_the_field_written(kwargs: dict[str, int], field: str) -> None:
    """The hint lists values that work, never the value that is already taken."""
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as exc:
        Roce(**kwargs)
    (err,) = exc.value.errors()
    assert err["loc"] == (field,)
    taken = kwargs.get("priority", 3) if field == "cnp_priority" else kwargs.get("cnp_priority", 6)
    hint = err["msg"].split("use ", 1)[1]
    assert str(taken) not in hint and "0" not in hint


def test_without_a_zone_database_only_utc_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    """No system zoneinfo and no tzdata package: say so instead of accepting an unchecked name."""
    import zoneinfo

    monkeypatch.setattr(zoneinfo, "available_timezones", set)
    iana_timezones.cache_clear()
    try:
        assert timezone_problem("UTC") is None
        problem = timezone_problem("Europe/Amsterdam")
        assert problem is not None and "no IANA time zone database" in problem and "tzdata" in problem
    finally:
        iana_timezones.cache_clear()

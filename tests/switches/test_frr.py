"""The frr driver's template: SONiC's frr.conf and the lab's rendering of every other OS.

SONiC renders ``frr.conf.j2`` as the frr driver's template child (routing only); the frr
driver renders it for every switch with zebra addressing (what the lab deploys). Every
file is parsed back (aiinfra/nos/frr/parser.py) and checked against the Design,
and FRR's own grammar checks it too: ``vtysh -C -f`` reads a config in dry-run
mode without daemons (FRR 8.4 here), failing on any line FRR would reject.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import pytest

from aiinfra.design.model import Device
from aiinfra.nos import driver
from aiinfra.nos.common import config_files
from aiinfra.nos.frr.parser import frr_switch, parse_frr
from tests.switches.cumulus_sonic_checks import LAB_SPEC, SPEC_DIR, check_bgp, spec

SPECS = {
    "lab": LAB_SPEC,
    "cumulus-per-packet": SPEC_DIR / "cumulus-per-packet.yaml",
    "sonic-all-roles": SPEC_DIR / "sonic-all-roles.yaml",
    "sonic-3tier": SPEC_DIR / "sonic-3tier.yaml",
}
VTYSH = shutil.which("vtysh")


def render_one(d: Device, name: str, with_interfaces: bool) -> str:
    """The frr driver's file (zebra owns the addresses) or SONiC's frr.conf (routing only)."""
    design = spec(SPECS[name]).design
    if with_interfaces:
        (text,) = driver("frr").render(d, design).values()
        return text
    return driver("sonic").render(d, design)[config_files(d)[1]]


@cache
def rendered(name: str, with_interfaces: bool) -> dict[str, str]:
    """Every switch through the frr driver; only the SONiC switches without interfaces."""
    devices = spec(SPECS[name]).design.devices.values()
    return {d.name: render_one(d, name, with_interfaces) for d in devices if with_interfaces or d.os == "sonic"}


def device(name: str, hostname: str) -> Device:
    return spec(SPECS[name]).design.devices[hostname]


def cases() -> list[tuple[str, str, bool]]:
    return [(name, host, w) for w in (False, True) for name in SPECS for host in rendered(name, w)]


def test_both_renderings_are_covered() -> None:
    assert {w for _, _, w in cases()} == {False, True}
    assert all(device(n, h).os == "sonic" for n, h, w in cases() if not w)


@pytest.mark.parametrize(("name", "host", "with_interfaces"), cases())
def test_routing_matches_design(name: str, host: str, with_interfaces: bool) -> None:
    dev = device(name, host)
    design = spec(SPECS[name]).design
    conf = parse_frr(rendered(name, with_interfaces)[host])
    assert conf.hostname == host
    check_bgp(dev, design, frr_switch(conf))
    assert conf.static_routes == [(r.prefix, r.next_hop) for r in dev.static_routes]
    if dev.bgp:
        assert conf.router_id == dev.bgp.router_id
        assert conf.networks == dev.bgp.networks
        assert conf.multipath_relax is dev.bgp.multipath_relax
        assert not conf.ebgp_requires_policy, "eBGP without policy must still exchange routes"
    expected_ifaces = {}
    if with_interfaces:
        expected_ifaces = {i.name: i.address for i in dev.interfaces if i.address and i.enabled}
        if dev.loopback:
            expected_ifaces["lo"] = dev.loopback
    assert conf.interfaces == expected_ifaces


@pytest.mark.parametrize("name", list(SPECS))
def test_lab_loopbacks_unique_across_oses(name: str) -> None:
    loopbacks = [parse_frr(t).interfaces.get("lo") for t in rendered(name, True).values()]
    present = [lb for lb in loopbacks if lb]
    assert present and len(present) == len(set(present))


def test_header_says_who_runs_the_file() -> None:
    sonic, lab = rendered("lab", False), rendered("lab", True)
    assert "split-unified" in sonic["lab-be-leaf-su001-r1"].splitlines()[2]
    assert "emulated lab" not in sonic["lab-be-leaf-su001-r1"]
    assert "Cisco NX-OS 10.5(2)F" in lab["lab-be-spine-01"] and "emulated lab" in lab["lab-be-spine-01"]
    assert "router bgp" not in lab["lab-oob-01"]


def test_parser_rejects_unknown_statements() -> None:
    text = rendered("lab", False)["lab-be-leaf-su001-r1"].replace(" bgp router-id", " bgp router-idx")
    with pytest.raises(ValueError, match="cannot parse"):
        parse_frr(text)


def _vtysh_check(text: str) -> tuple[int, str]:
    assert VTYSH is not None
    with tempfile.NamedTemporaryFile("w", suffix=".conf") as f:
        f.write(text)
        f.flush()
        proc = subprocess.run([VTYSH, "-C", "-f", f.name], capture_output=True, text=True, timeout=60)
    return proc.returncode, (proc.stdout + proc.stderr).strip()


def _vtysh_corpus() -> dict[str, str]:
    """Both renderings of every switch of the small specs, and one switch per tier of the 3-tier one."""
    corpus = {}
    for name in ("lab", "cumulus-per-packet", "sonic-all-roles"):
        for with_interfaces in (False, True):
            for host, text in rendered(name, with_interfaces).items():
                corpus[f"{name}/{host}/{with_interfaces}"] = text
    tiers = {}
    for host, text in rendered("sonic-3tier", True).items():
        tiers.setdefault((device("sonic-3tier", host).fabric, device("sonic-3tier", host).role), (host, text))
    corpus.update({f"sonic-3tier/{host}/True": text for host, text in tiers.values()})
    return corpus


@pytest.mark.skipif(VTYSH is None, reason="FRR's vtysh is not installed; frr.conf grammar left unchecked")
def test_frr_accepts_every_rendering() -> None:
    corpus = _vtysh_corpus()
    probe_rc, probe_out = _vtysh_check("hostname probe\n")
    if probe_rc != 0:
        pytest.skip(f"vtysh -C cannot run here (needs FRR's config paths / permissions): {probe_out}")
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = dict(zip(corpus, pool.map(_vtysh_check, corpus.values()), strict=True))
    failures = {k: out for k, (rc, out) in results.items() if rc != 0}
    assert not failures, failures


@pytest.mark.skipif(VTYSH is None, reason="FRR's vtysh is not installed")
def test_vtysh_check_can_fail() -> None:
    """The grammar check above means something only if vtysh rejects a bad line."""
    bad = rendered("lab", False)["lab-be-leaf-su001-r1"].replace(" maximum-paths", " maximum-pathz")
    rc, out = _vtysh_check(bad)
    assert rc != 0 and "maximum-pathz" in out, out


def test_render_is_deterministic() -> None:
    s = spec(SPECS["lab"])
    dev = s.design.devices["lab-be-leaf-su001-r1"]
    assert render_one(dev, "lab", False) == rendered("lab", False)[dev.name]
    assert render_one(dev, "lab", True) == rendered("lab", True)[dev.name]


def test_sonic_takes_frr_conf_from_its_template_parent() -> None:
    """SONiC has no frr.conf.j2 of its own: the ChoiceLoader finds the frr driver's, and a
    user's SONiC template of that name takes precedence over it (SONiC's files only)."""
    sonic = driver("sonic")
    assert [d.name for d in sonic.lineage()] == ["sonic", "frr"]
    assert not (sonic.folder / "templates").exists()
    s = spec(SPECS["lab"])
    dev = s.design.devices["lab-be-leaf-su001-r1"]
    design = copy.copy(s.design)
    design.user_templates = {"sonic": {"frr.conf.j2": "hostname {{ device.name }}\n"}}
    assert driver("sonic").render(dev, design)[config_files(dev)[1]] == f"hostname {dev.name}\n"
    assert render_one(dev, "lab", False) != f"hostname {dev.name}\n"
    (lab,) = driver("frr").render(dev, design).values()
    assert lab == rendered("lab", True)[dev.name]

"""One spec, every OS driver: every back-end leaf config carries the same lossless contract,
each in its own units, read back from the rendered text. The OS list is the registry's, so a
new driver joins these tests by existing."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiinfra import nos
from aiinfra.catalog import builtin
from aiinfra.errors import SpecError
from aiinfra.nos import driver, units
from aiinfra.nos.parsed import ParsedSwitch
from aiinfra.pipeline import DesignResult, design_from_file
from tests.conftest import lab_data, write_spec
from tests.parsers.dispatch import parse_rendered


def _leaf_model(os: str) -> str:
    """An 800G fabric switch whose first (native) OS is ``os``."""
    models = builtin().switches
    return next(k for k, m in models.items() if m.os[0] == os and m.role == "fabric" and m.port_speed_gbps == 800)


MODELS = {os: _leaf_model(os) for os in nos.names()}
ECN_MODES = {"auto": "auto", "explicit": {"min_kbytes": 950, "max_kbytes": 3000, "max_probability": 7}}


def _design(tmp_path: Path, os: str, ecn: object) -> DesignResult:
    data = lab_data()
    be = data["fabrics"]["backend"]
    be["switches"] = {"model": MODELS[os], "os": os}
    be["roce"]["ecn"] = ecn
    return design_from_file(write_spec(tmp_path, data, f"{os}.yaml"))


def _leaf(tmp_path: Path, os: str, ecn: object) -> tuple[DesignResult, ParsedSwitch]:
    result = _design(tmp_path, os, ecn)
    leaf = result.design.devices_by(fabric="backend", role="leaf")[0]
    files = driver(os).render(leaf, result.design)
    return result, parse_rendered(os, leaf.name, files)


# OSes whose WRED takes queue fill levels render the vendor's profile, so they refuse explicit bytes.
FILL_LEVEL_OSES = {os for os, row in nos.profiles().items() if row.ecn_fill_pct is not None}
# OSes whose parser reads the timers back (tests/parsers); the others report None / nothing.
TIMER_OSES = ("nxos", "eos", "junos")


def oses_for(ecn_mode: str) -> list[str]:
    return [os for os in MODELS if ecn_mode == "auto" or os not in FILL_LEVEL_OSES]


def test_explicit_ecn_is_refused_where_the_os_takes_fill_levels(tmp_path: Path) -> None:
    for os in sorted(FILL_LEVEL_OSES):
        with pytest.raises(SpecError, match="queue fill levels"):
            _design(tmp_path, os, ECN_MODES["explicit"])


def test_watchdog_and_bfd_timers_are_the_designs_on_every_cli_os(tmp_path: Path) -> None:
    """Detection/restore/poll and BFD interval/multiplier, read back from each config, equal the Design's."""
    seen = {}
    for os in TIMER_OSES:
        result, parsed = _leaf(tmp_path, os, "auto")
        wd = result.design.qos["backend"].pfc_watchdog
        leaf = result.design.devices_by(fabric="backend", role="leaf")[0]
        assert leaf.bgp is not None and leaf.bgp.bfd
        seen[os] = (parsed.pfc_watchdog_ms, parsed.bfd_timers)
        expected = (
            (wd.detection_ms, wd.restoration_ms, wd.poll_ms),
            {(leaf.bgp.bfd_interval_ms, leaf.bgp.bfd_multiplier)},
        )
        assert seen[os] == expected, os
    assert len(set(map(repr, seen.values()))) == 1


@pytest.mark.parametrize("ecn_mode", sorted(ECN_MODES))
def test_every_os_carries_the_same_qos_numbers(tmp_path: Path, ecn_mode: str) -> None:
    contracts = {}
    for os in oses_for(ecn_mode):
        result, parsed = _leaf(tmp_path, os, ECN_MODES[ecn_mode])
        qos = result.design.qos["backend"]
        leaf = result.design.devices_by(fabric="backend", role="leaf")[0]
        roce_ports = [i.name for i in leaf.interfaces if i.lossless]
        # the normalised contract this OS's config actually states
        contract = {
            "roce_dscps_to_tc": {d: parsed.dscp_to_tc.get(d) for d in qos.roce_dscps},
            "cnp_dscp_to_tc": parsed.dscp_to_tc.get(qos.cnp_dscp),
            "nodrop": parsed.nodrop_priorities,
            "strict": parsed.strict_priority_tcs,
            "pfc_on_roce_ports": {frozenset(parsed.interfaces[p].pfc_priorities) for p in roce_ports},
            "ecn_on_roce_ports": all(parsed.interfaces[p].ecn_on_roce_queue for p in roce_ports),
            "mtu_on_roce_ports": {parsed.interfaces[p].mtu for p in roce_ports},
            "ecn_probability": parsed.ecn_max_probability,
            "watchdog": parsed.pfc_watchdog,
        }
        if os in FILL_LEVEL_OSES:  # WRED as queue fill levels: the vendor profile of the OS's catalog row
            contract["ecn"] = (parsed.ecn_min_fill_pct, parsed.ecn_max_fill_pct)
            expected_ecn = result.catalog.os[os].ecn_fill_pct
        else:
            contract["ecn"] = (parsed.ecn_min_bytes, parsed.ecn_max_bytes)
            expected_ecn = (qos.ecn.min_bytes, qos.ecn.max_bytes)
        assert contract["ecn"] == expected_ecn, os
        assert contract["mtu_on_roce_ports"] == {leaf.switch_mtu}, os
        del contract["ecn"], contract["mtu_on_roce_ports"]
        contracts[os] = contract
    expected = {
        "roce_dscps_to_tc": {24: 3, 26: 3},
        "cnp_dscp_to_tc": 6,
        "nodrop": {3},
        "strict": {6},
        "pfc_on_roce_ports": {frozenset({3})},
        "ecn_on_roce_ports": True,
        "ecn_probability": 100 if ecn_mode == "auto" else 7,
        "watchdog": True,
    }
    assert contracts == dict.fromkeys(oses_for(ecn_mode), expected)


def test_ecn_thresholds_round_up_to_whole_kbytes() -> None:
    """NX-OS and EOS state WRED thresholds in kbytes (aiinfra.nos.units): never below the Design's bytes."""
    assert [units.kbytes(b) for b in (150_000, 150_001, 999, 1)] == [150, 151, 1, 1]

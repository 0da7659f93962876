"""One evaluation path: vendor JSON -> neutral state -> catalog checks, one line per failure."""

from __future__ import annotations

import copy
from typing import Any

from aiinfra.verify import collect
from aiinfra.verify.catalog import catalogs
from aiinfra.verify.collectors import eos as eos_json
from aiinfra.verify.collectors import linux as linux_json
from aiinfra.verify.evaluate import evaluate
from tests.conftest import example
from tests.verify.eapi import healthy

SPINE = "lab-fe-spine-01"  # EOS, two downlinks to the Junos leaves
EOS_SECTIONS = ("lldp", "bgp", "interfaces", "speed", "counters", "optics")


def _run(raw: dict[str, dict[str, Any]]) -> list[str]:
    design = example("lab").design
    cats = {n: c for n, c in catalogs(design).items() if n in raw}
    states = {n: collect.state_of("eos", r) for n, r in raw.items()}
    return evaluate(cats, states, EOS_SECTIONS).lines()


def _healthy(*names: str) -> dict[str, dict[str, Any]]:
    return {n: healthy(example("lab").design, n) for n in names}


def test_healthy_eos_switch_passes() -> None:
    lines = _run(_healthy(SPINE, "lab-fe-spine-02"))
    assert lines[-1].startswith("verify: verified; checks run: lldp 4, bgp 4, interfaces 4")
    assert len(lines) == 1


def test_swapped_cables_are_named_as_a_pair() -> None:
    raw = _healthy(SPINE)
    lldp = raw[SPINE][eos_json.LLDP]["lldpNeighbors"]
    lldp["Ethernet1/1"], lldp["Ethernet1/5"] = lldp["Ethernet1/5"], lldp["Ethernet1/1"]
    lines = _run(raw)
    assert (
        f"FAIL {SPINE} Ethernet1/1 lldp neighbor: expected lab-fe-leaf-01a:et-0/0/42:0, "
        "found lab-fe-leaf-01b:et-0/0/42:0" in lines
    )
    swaps = [line for line in lines if line.startswith("SWAPPED")]
    assert swaps == [
        f"SWAPPED cables {SPINE}:Ethernet1/1 <-> lab-fe-leaf-01a:et-0/0/42:0 and "
        f"{SPINE}:Ethernet1/5 <-> lab-fe-leaf-01b:et-0/0/42:0: "
        f"{SPINE}:Ethernet1/1 sees lab-fe-leaf-01b:et-0/0/42:0, {SPINE}:Ethernet1/5 sees lab-fe-leaf-01a:et-0/0/42:0"
    ]


def test_swap_seen_from_both_ends_is_one_pair() -> None:
    """Two spines' cables to one leaf swapped at the leaf: both spines see the wrong port."""
    raw = _healthy(SPINE, "lab-fe-spine-02")
    a = raw[SPINE][eos_json.LLDP]["lldpNeighbors"]["Ethernet1/1"]
    b = raw["lab-fe-spine-02"][eos_json.LLDP]["lldpNeighbors"]["Ethernet1/1"]
    a["lldpNeighborInfo"], b["lldpNeighborInfo"] = b["lldpNeighborInfo"], a["lldpNeighborInfo"]
    assert a["lldpNeighborInfo"] == [
        {"systemName": "lab-fe-leaf-01a", "neighborInterfaceInfo": {"interfaceId_v2": "et-0/0/42:1"}}
    ]
    swaps = [line for line in _run(raw) if line.startswith("SWAPPED")]
    assert len(swaps) == 1 and "lab-fe-spine-01:Ethernet1/1" in swaps[0] and "lab-fe-spine-02:Ethernet1/1" in swaps[0]


def _broken(change: str) -> list[str]:
    raw = _healthy(SPINE)
    out = raw[SPINE]
    peers = out[eos_json.BGP]["vrfs"]["default"]["peers"]
    port = out[eos_json.INTERFACES]["interfaces"]["Ethernet1/5"]
    if change == "session":
        peers["10.2.1.1"]["peerState"] = "Active"
    elif change == "asn":
        peers["10.2.1.1"]["asn"] = "65000"
    elif change == "prefixes":
        peers["10.2.1.1"]["prefixReceived"] = 0
    elif change == "absent":
        del peers["10.2.1.5"]
    elif change == "down":
        port["lineProtocolStatus"] = "down"
    elif change == "speed":
        port["bandwidth"] = 200 * 10**9
    elif change == "mtu":
        port["mtu"] = 1500
    elif change == "fcs":
        out[eos_json.ERRORS]["interfaceErrorCounters"]["Ethernet1/5"]["fcsErrors"] = 12
    elif change == "fec":
        out[eos_json.PHY]["interfacePhyStatuses"]["Ethernet1/5"]["phyStatuses"][0]["fec"]["uncorrectedCodewords"][
            "value"
        ] = 3
    elif change == "rx":
        out[eos_json.DOM]["interfaces"]["Ethernet1/5"]["parameters"]["rxPower"]["channels"]["3"] = -9.0
    elif change == "temperature":
        out[eos_json.DOM]["interfaces"]["Ethernet1/5"]["parameters"]["temperature"]["channels"]["-"] = 71.5
    return [line for line in _run(copy.deepcopy(raw)) if line.startswith("FAIL")]


def test_each_fault_is_one_line_naming_device_port_expected_and_found() -> None:
    cases = {
        "session": f"FAIL {SPINE} 10.2.1.1 (lab-fe-leaf-01a) bgp session: expected Established, found Active",
        "asn": f"FAIL {SPINE} 10.2.1.1 (lab-fe-leaf-01a) bgp peer asn: expected 4201000000, found 65000",
        "prefixes": f"FAIL {SPINE} 10.2.1.1 (lab-fe-leaf-01a) bgp prefixes received: expected 5-7, found 0",
        "absent": f"FAIL {SPINE} 10.2.1.5 (lab-fe-leaf-01b) bgp session: expected Established, found absent",
        "down": f"FAIL {SPINE} Ethernet1/5 interface oper state: expected up, found down",
        "speed": f"FAIL {SPINE} Ethernet1/5 interface speed: expected 400G, found 200G",
        "mtu": f"FAIL {SPINE} Ethernet1/5 interface mtu: expected 9214, found 1500",
        "fcs": f"FAIL {SPINE} Ethernet1/5 fcs errors: expected <= 0, found 12",
        "fec": f"FAIL {SPINE} Ethernet1/5 fec_uncorrectable errors: expected <= 0, found 3",
        "rx": f"FAIL {SPINE} Ethernet1/5 rx power lane 3: expected >= -8.40 dBm, found -9.00 dBm",
        "temperature": f"FAIL {SPINE} Ethernet1/5 module temperature: expected <= 68.0 C, found 71.5 C",
    }
    for change, line in cases.items():
        assert _broken(change) == [line], change


def test_a_section_not_collected_fails_unless_left_out() -> None:
    design = example("lab").design
    cats = {SPINE: catalogs(design)[SPINE]}
    raw = healthy(design, SPINE)
    del raw[eos_json.DOM]
    state = {SPINE: collect.state_of("eos", raw)}
    assert [f.line() for f in evaluate(cats, state).failures] == [
        f"FAIL {SPINE} - optics: expected collected, found not collected"
    ]
    assert evaluate(cats, state, ("lldp", "bgp")).ok
    assert not evaluate(cats, {}, ("lldp",)).ok  # a device with no state at all fails


def test_linux_collector_reads_lldpd_json0_frr_and_iproute2() -> None:
    """lldpd 1.0.16 ``-f json0`` output (every level a list), FRR 8.4 ``show bgp summary json``, ``ip -j link``."""
    raw = {
        linux_json.LLDP: {
            "lldp": [
                {
                    "interface": [
                        {
                            "name": "vta",
                            "via": "LLDP",
                            "chassis": [
                                {"id": [{"type": "mac", "value": "42:33:3f:c7:a6:99"}], "name": [{"value": "sw2"}]}
                            ],
                            "port": [{"id": [{"type": "local", "value": "Ethernet4"}], "descr": [{"value": "vtb"}]}],
                        }
                    ]
                }
            ]
        },
        linux_json.BGP: {
            "ipv4Unicast": {"peers": {"10.0.0.1": {"remoteAs": 65001, "state": "Established", "pfxRcd": 7}}}
        },
        linux_json.LINKS: [{"ifname": "vta", "mtu": 9216, "operstate": "UP"}],
    }
    state = collect.state_of("sonic", raw, {"vta": "Ethernet0"})
    assert state == {
        "bgp": {"10.0.0.1": {"state": "Established", "asn": 65001, "prefixes": 7}},
        "lldp": {"Ethernet0": [{"device": "sw2", "port": "Ethernet4"}]},
        "interfaces": {"Ethernet0": {"up": True, "mtu": 9216, "speed_gbps": None}},
    }

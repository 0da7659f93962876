"""The EOS catalog as an ANTA test catalog (Arista Network Test Automation, anta 1.x).

ANTA runs its tests over eAPI itself, so an EOS switch can be accepted with Arista's own
tool as well as with ``playbooks/verify.yml``. The catalog is built from the same
per-device catalog (``catalog.device_catalog``), never from the Design a second time,
and is written as data (a dict dumped to YAML). Only tests whose inputs the catalog
fills are emitted: ANTA reads an absent port list as "every interface".

Mapping (ANTA test -> catalog section):
  VerifyLLDPNeighbors -> lldp; VerifyBGPPeerSession -> bgp (address, or the interface
  for an unnumbered session); VerifyInterfacesStatus -> interfaces (up);
  VerifyInterfacesSpeed -> interfaces (speed); VerifyL3MTU -> interfaces (MTU, routed
  ports); VerifyInterfaceErrors -> counters; VerifyInterfacesBER (uncorrected codewords)
  -> counters; VerifyInterfacesOpticsReceivePower / VerifyInterfacesOpticsTemperature
  -> optics. The peer ASN and prefix range have no ANTA test, and neither has the qos
  section: ANTA 1.10's ``VerifyInterfacesPFCCounters`` and ``VerifyInterfacesECNCounters``
  bound PFC frames and ECN-marked packets per port (counters that rise on a healthy loaded
  fabric), not which priority runs PFC, whether the watchdog is armed or which queue marks;
  the aiinfra evaluation covers them.
"""

from __future__ import annotations

from collections import Counter
from ipaddress import ip_address
from typing import Any

from aiinfra.render import yamlout


def _peer(row: dict[str, Any]) -> dict[str, Any]:
    try:
        ip_address(row["address"])
    except ValueError:
        return {"interface": row["interface"], "vrf": "default"}
    return {"peer_address": row["address"], "vrf": "default"}


def anta_catalog(cat: dict[str, Any]) -> dict[str, Any]:
    """ANTA's catalog layout: test module -> list of {test class: inputs}."""
    out: dict[str, Any] = {}
    if cat["lldp"]:
        neighbors = [
            {"port": r["port"], "neighbor_device": r["neighbor"], "neighbor_port": r["neighbor_port"]}
            for r in cat["lldp"]
        ]
        out["anta.tests.connectivity"] = [{"VerifyLLDPNeighbors": {"require_fqdn": False, "neighbors": neighbors}}]
    if cat["bgp"]:
        out["anta.tests.routing"] = {"bgp": [{"VerifyBGPPeerSession": {"bgp_peers": [_peer(r) for r in cat["bgp"]]}}]}
    tests: list[dict[str, Any]] = []
    rows = cat["interfaces"]
    if rows:
        tests.append({"VerifyInterfacesStatus": {"interfaces": [{"name": r["port"], "status": "up"} for r in rows]}})
        tests.append(
            {"VerifyInterfacesSpeed": {"interfaces": [{"name": r["port"], "speed": r["speed_gbps"]} for r in rows]}}
        )
        mtus = Counter(r["mtu"] for r in rows)
        common = mtus.most_common(1)[0][0]
        specific = [{r["port"]: r["mtu"]} for r in rows if r["mtu"] != common]
        tests.append({"VerifyL3MTU": {"mtu": common, "specific_mtu": specific}})
    ports = cat["counters"]["ports"]
    if ports:
        tests.append({"VerifyInterfaceErrors": {"interfaces": ports}})
        tests.append({"VerifyInterfacesBER": {"interfaces": ports, "fail_on_uncorrected_codewords": True}})
    optics = cat["optics"]
    if optics["ports"]:
        margin = round(optics["rx_margin_db"])
        tests.append({"VerifyInterfacesOpticsReceivePower": {"interfaces": optics["ports"], "failure_margin": margin}})
        tests.append(
            {
                "VerifyInterfacesOpticsTemperature": {
                    "interfaces": optics["ports"],
                    "max_transceiver_temperature": optics["max_temperature_c"],
                }
            }
        )
    if tests:
        out["anta.tests.interfaces"] = tests
    return out


def files(catalogs: dict[str, dict[str, Any]]) -> dict[str, str]:
    """``verify/anta/<device>.yml`` for every EOS switch."""
    return {
        f"verify/anta/{name}.yml": yamlout.dump(anta_catalog(cat))
        for name, cat in catalogs.items()
        if cat["os"] == "eos"
    }

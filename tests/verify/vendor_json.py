"""Healthy show output in each OS's documented JSON shape, built from the Design's objects."""

from __future__ import annotations

from typing import Any

from aiinfra.design.model import Design, Interface
from aiinfra.verify.collectors import junos as junos_json
from aiinfra.verify.collectors import nxos as nxos_json
from aiinfra.verify.collectors import srlinux as srl_json


def _cabled(design: Design, name: str) -> list[Interface]:
    return [i for i in design.devices[name].interfaces if i.enabled and i.peer_device]


def _sessions(design: Design, name: str) -> list[tuple[str, int, int]]:
    bgp = design.devices[name].bgp
    assert bgp is not None
    out = []
    for n in bgp.neighbors:
        peer = design.devices[n.peer_device].bgp
        assert peer is not None
        out.append((n.address, n.remote_asn, len(peer.networks)))
    return out


def nxos(design: Design, name: str) -> dict[str, Any]:
    ports = _cabled(design, name)
    return {
        nxos_json.LLDP: {
            "TABLE_nbor_detail": {
                "ROW_nbor_detail": [
                    {
                        "l_port_id": i.name.replace("Ethernet", "Eth"),
                        "sys_name": i.peer_device,
                        "port_id": i.peer_interface,
                    }
                    for i in ports
                ]
            }
        },
        nxos_json.BGP: {
            "TABLE_vrf": {
                "ROW_vrf": {
                    "TABLE_af": {
                        "ROW_af": {
                            "TABLE_saf": {
                                "ROW_saf": {
                                    "TABLE_neighbor": {
                                        "ROW_neighbor": [
                                            {
                                                "neighborid": a,
                                                "neighboras": str(asn),
                                                "state": "Established",
                                                "prefixreceived": str(n),
                                            }
                                            for a, asn, n in _sessions(design, name)
                                        ]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
        nxos_json.INTERFACES: {
            "TABLE_interface": {
                "ROW_interface": [
                    {"interface": i.name, "state": "up", "eth_mtu": str(i.mtu), "eth_bw": i.speed_gbps * 10**6}
                    for i in ports
                ]
            }
        },
    }


def _d(value: Any) -> list[dict[str, Any]]:
    return [{"data": str(value)}]


def junos(design: Design, name: str) -> dict[str, Any]:
    ports = _cabled(design, name)
    lldp = [
        {
            "lldp-local-port-id": _d(i.name),
            "lldp-remote-system-name": _d(i.peer_device),
            "lldp-remote-port-id": _d(i.peer_interface),
        }
        for i in ports
    ]
    peers = [
        {
            "peer-address": _d(f"{a}+179"),
            "peer-state": _d("Established"),
            "peer-as": _d(asn),
            "bgp-rib": [{"received-prefix-count": _d(n)}],
        }
        for a, asn, n in _sessions(design, name)
    ]
    phys = [
        {"name": _d(i.name), "oper-status": _d("up"), "mtu": _d(i.mtu), "speed": _d(f"{i.speed_gbps}Gbps")}
        for i in ports
    ]
    return {
        junos_json.LLDP: {"lldp-neighbors-information": [{"lldp-neighbor-information": lldp}]},
        junos_json.BGP: {"bgp-information": [{"bgp-peer": peers}]},
        junos_json.INTERFACES: {"interface-information": [{"physical-interface": phys}]},
    }


def srlinux(design: Design, name: str) -> dict[str, Any]:
    ports = _cabled(design, name)
    return {
        srl_json.LLDP: {
            "interface": [
                {"name": i.name, "neighbor": [{"system-name": i.peer_device, "port-id": i.peer_interface}]}
                for i in ports
            ]
        },
        srl_json.BGP: {
            "neighbor": [
                {
                    "peer-address": a,
                    "peer-as": asn,
                    "session-state": "established",
                    "afi-safi": [{"afi-safi-name": "ipv4-unicast", "received-routes": n}],
                }
                for a, asn, n in _sessions(design, name)
            ]
        },
        srl_json.INTERFACES: {
            "interface": [
                {"name": i.name, "oper-state": "up", "mtu": i.mtu, "ethernet": {"port-speed": f"{i.speed_gbps}G"}}
                for i in ports
            ]
        },
    }

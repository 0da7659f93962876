"""Healthy EOS eAPI output for one device, built from the Design's own objects (interfaces,
BGP neighbours, links), in the shapes ANTA reads, so a test can break one value at a time."""

from __future__ import annotations

from typing import Any

from aiinfra.design.model import Design
from aiinfra.verify.collectors import eos as eos_json


def healthy(design: Design, name: str) -> dict[str, Any]:
    device = design.devices[name]
    cabled = [i for i in device.interfaces if i.enabled and i.peer_device]
    assert device.bgp is not None
    peers = {}
    for n in device.bgp.neighbors:
        peer = design.devices[n.peer_device]
        assert peer.bgp is not None
        peers[n.address] = {
            "peerState": "Established",
            "asn": str(n.remote_asn),
            "prefixReceived": len(peer.bgp.networks),
        }
    return {
        eos_json.LLDP: {
            "lldpNeighbors": {
                i.name: {
                    "lldpNeighborInfo": [
                        {"systemName": i.peer_device, "neighborInterfaceInfo": {"interfaceId_v2": i.peer_interface}}
                    ]
                }
                for i in cabled
            }
        },
        eos_json.BGP: {"vrfs": {"default": {"peers": peers}}},
        eos_json.INTERFACES: {
            "interfaces": {
                i.name: {"lineProtocolStatus": "up", "bandwidth": i.speed_gbps * 10**9, "mtu": i.mtu} for i in cabled
            }
        },
        eos_json.ERRORS: {
            "interfaceErrorCounters": {
                i.name: {"fcsErrors": 0, "symbolErrors": 0, "alignmentErrors": 0} for i in cabled
            }
        },
        eos_json.PHY: {
            "interfacePhyStatuses": {
                i.name: {"phyStatuses": [{"fec": {"uncorrectedCodewords": {"value": 0}}}]} for i in cabled
            }
        },
        eos_json.DOM: {
            "interfaces": {
                i.name: {
                    "parameters": {
                        "rxPower": {
                            "channels": {"1": -1.0, "2": -1.2, "3": -0.8, "4": -1.1},
                            "threshold": {"lowAlarm": -10.4, "highAlarm": 5.0},
                        },
                        "temperature": {"channels": {"-": 45.0}},
                    }
                }
                for i in cabled
            }
        },
    }

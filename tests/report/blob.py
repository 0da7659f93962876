"""Reads the report's data blob back into ports, sessions and cables, the way report.js does,
so the tests compare what the page shows with the Design."""

from __future__ import annotations

import json
import re
from socket import AF_INET, inet_ntop
from typing import Any

BLOB = re.compile(r'<script type="application/json" id="report-data">(.*?)</script>', re.S)


def blob_of(html: str) -> dict[str, Any]:
    found = BLOB.search(html)
    assert found is not None, "no data blob in the page"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def _ip(value: int) -> str:
    return inet_ntop(AF_INET, value.to_bytes(4, "big"))


def _cols(blob: dict[str, Any], table: str) -> dict[str, int]:
    return {name: n for n, name in enumerate(blob["columns"][table])}


def devices(blob: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """name -> {"ports": [...], "bgp": [...], ...} with every string and address spelled out."""
    s = blob["s"]
    C, K = _cols(blob, "device"), _cols(blob, "port_kind")

    def text(i: int) -> str | None:
        return None if i < 0 else s[i]

    out: dict[str, dict[str, Any]] = {}
    for d in blob["devices"]:
        previous = 0
        ports = []
        for p in d[C["ports"]]:
            kind = blob["port_kinds"][p[1]]
            prefix = kind[K["prefix"]]
            address = peer_address = None
            if prefix >= 0:
                previous += p[4]
                address = f"{_ip(previous)}/{prefix}"
                peer_address = text(p[5]) if len(p) > 5 else _ip(previous ^ 1) if prefix == 31 else None
            elif len(p) > 4:
                address, peer_address = text(p[4]), text(p[5])
            ports.append(
                {
                    "name": s[p[0]],
                    "role": s[kind[K["role_s"]]],
                    "speed_gbps": kind[K["speed_gbps"]],
                    "mode": s[kind[K["mode_s"]]],
                    "mtu": kind[K["mtu"]],
                    "enabled": bool(kind[K["enabled"]]),
                    "lossless": bool(kind[K["lossless"]]),
                    "peer_device": text(p[2]),
                    "peer_interface": text(p[3]),
                    "address": address,
                    "peer_address": peer_address,
                    "headroom": blob["headroom"][kind[K["headroom"]]][0] if kind[K["headroom"]] >= 0 else None,
                }
            )
        out[s[d[C["name_s"]]]] = {"ports": ports, "raw": d, "asn": d[C["asn"]], "configs": d[C["configs"]]}
    for entry in out.values():
        sessions = []
        for b in entry["raw"][C["bgp"]]:
            if b[0] >= 0:
                port = entry["ports"][b[0]]
                asn = b[3] if len(b) > 3 else out[port["peer_device"]]["asn"]
                sessions.append((port["peer_address"], asn, port["peer_device"], port["name"], s[b[1]], bool(b[2])))
            else:
                sessions.append((s[b[4]], b[3], s[b[5]], s[b[6]], s[b[1]], bool(b[2])))
        entry["bgp"] = sessions
    return out


def cables(blob: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Every cable as (fabric, kind, a, a_if, b, b_if, speed, length, reach, cable, a_optic, b_optic)."""
    s = blob["s"]
    T = _cols(blob, "cable_type")
    by_index = list(devices(blob).items())
    out = []
    for c in blob["cables"]:
        if c[0] >= 0:
            name, entry = by_index[c[0]]
            port = entry["ports"][c[1]]
            a, a_if, b, b_if, t = port["peer_device"], port["peer_interface"], name, port["name"], c[2]
        else:
            t, a, a_if, b, b_if = c[1], s[c[2]], s[c[3]], s[c[4]], s[c[5]]
        ty = blob["cable_types"][t]
        out.append(
            (
                s[ty[T["fabric_s"]]],
                s[ty[T["kind_s"]]],
                a,
                a_if,
                b,
                b_if,
                ty[T["speed_gbps"]],
                ty[T["length_m"]],
                s[ty[T["reach_s"]]],
                s[ty[T["cable_s"]]],
                s[ty[T["a_optic_s"]]],
                s[ty[T["b_optic_s"]]],
            )
        )
    return out

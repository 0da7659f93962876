"""The verify artefact's catalogs and perf plan written straight to YAML text.

At 131,072 GPUs the artefact writes 6,151 catalogs and a perf plan of 131,072 rail pairs,
about 2.7 million values. Building a dict per row and walking it with the generic emitter
(:mod:`aiinfra.render.yamlout`) was most of the artefact's 10 CPU s; here each row is one
f-string in the emitter's block layout (two-space indent, ``- `` items, ``key: []`` for an
empty list), and every scalar's text is yamlout's own (:class:`Scalars`), computed once per
distinct value, so quoting stays yamlout's decision. The rows come from the same functions
the dicts do (``catalog.cabled``, ``catalog.bgp_rows``, ``perf.rings``...), so the content
is decided once; ``tests/verify/test_yamltext.py`` checks, for every device and perf plan of
every example, that the text is the bytes ``yamlout.dump`` writes for the dict.
"""

from __future__ import annotations

import re
from typing import Any

from aiinfra.design.model import Design, Device
from aiinfra.render import yamlout
from aiinfra.verify import catalog, perf, thresholds
from aiinfra.verify.catalog import Peers


class Scalars:
    """yamlout's text for a scalar value (what follows ``key: `` or ``- ``), each string computed once,
    and the port blocks already written (:func:`device_yaml`)."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}
        self.blocks: dict[tuple[Any, ...], str] = {}

    def __call__(self, value: Any) -> str:
        if type(value) is str:
            text = self.seen.get(value)
            if text is None:
                text = self.seen[value] = yamlout.dump(value)[:-1]
            return text
        if type(value) is int:
            return str(value)  # what yamlout writes for an int
        return self.once(value)

    @staticmethod
    def once(value: Any) -> str:
        """A value seen once (a pair's label): formatted, not kept."""
        return yamlout.dump(value)[:-1]

    @staticmethod
    def address(value: str) -> str:
        """An address, each seen once: a dotted-quad IPv4 address is plain text in yamlout
        (checked against yamlout at import, and for random addresses by the tests); anything
        else is yamlout's. Asking yamlout costs 2.5 us a distinct string: over a second for the
        half-million BGP neighbour addresses of a 131k-GPU design."""
        return value if _PLAIN_IPV4 and _IPV4.fullmatch(value) else yamlout.dump(value)[:-1]


_IPV4 = re.compile(r"(?:\d{1,3}\.){3}\d{1,3}")
_PLAIN_IPV4 = all(yamlout.dump(a) == f"{a}\n" for a in ("0.0.0.0", "10.0.0.1", "192.168.255.255", "999.99.9.0"))


def _rows(key: str, rows: list[str], pad: str = "") -> str:
    """``key:`` and its item lines, or ``key: []``."""
    return f"{pad}{key}:\n{''.join(rows)}" if rows else f"{pad}{key}: []\n"


def _items(key: str, texts: list[str], pad: str) -> str:
    """A list of scalars (already yamlout text) under ``key`` at ``pad``."""
    return _rows(key, [f"{pad}  - {t}\n" for t in texts], pad)


# (port, speed, MTU, lossless, has optics) of every cabled port, and the QoS the catalog checks
Ports = tuple[tuple[str, int, int, bool, bool], ...]
Qos = tuple[int, bool, tuple[int, ...]] | None


def device_yaml(device: Device, peers: Peers, s: Scalars | None = None) -> str:
    """``verify/<device>.yml``: ``yamlout.dump(catalog.device_catalog(device, peers))``, written directly.

    The interfaces, qos, counters and optics sections depend only on the cabled ports'
    names, speeds, MTUs, lossless flags and optics, and on three QoS facts: identical on
    every leaf of one model and tier, so they are written once per distinct set and kept in ``s``.
    """
    s = s or Scalars()
    seen = s.seen
    ports = catalog.cabled(device)
    out = [f"device: {s(device.name)}\nos: {s(device.os)}\nos_release: {s(device.os_release)}\n"]
    lldp = [
        f"  - port: {seen.get(i.name) or s(i.name)}\n    neighbor: {seen.get(i.peer_device) or s(i.peer_device)}\n"
        f"    neighbor_port: {seen.get(i.peer_interface) or s(i.peer_interface)}\n"
        for i in catalog.lldp_ports(ports)
        if i.peer_device is not None and i.peer_interface is not None  # always (lldp_ports): for mypy
    ]
    out.append(_rows("lldp", lldp))
    bgp = [  # asn, least, most: ints (BgpRow), written as yamlout writes an int
        f"  - address: {s.address(a)}\n    interface: {seen.get(i) or s(i)}\n    peer: {seen.get(p) or s(p)}\n"
        f"    asn: {asn}\n    prefixes_min: {least}\n    prefixes_max: {most}\n"
        for a, i, p, asn, least, most in catalog.bgp_rows(device, peers)
    ]
    out.append(_rows("bgp", bgp))
    optical = catalog.optical(device, peers)
    key = tuple((i.name, i.speed_gbps, i.mtu, i.lossless, i.name in optical) for i in ports)
    q = device.qos
    qos: Qos = None if q is None else (q.nodrop_priority, q.pfc_watchdog.enabled, tuple(catalog.ecn_queues(device)))
    block = s.blocks.get((qos, key))
    if block is None:
        block = s.blocks[(qos, key)] = _ports_block(key, qos, s)
    out.append(block)
    return "".join(out)


def _ports_block(ports: Ports, qos: Qos, s: Scalars) -> str:
    """The interfaces, qos, counters and optics sections of a catalog."""
    names = [s(p[0]) for p in ports]
    out = [
        _rows(
            "interfaces",
            [
                f"  - port: {n}\n    speed_gbps: {s(p[1])}\n    mtu: {s(p[2])}\n"
                for n, p in zip(names, ports, strict=True)
            ],
        )
    ]
    if qos is not None:
        out.append("qos:\n")
        out.append(_items("pfc_priorities", [s(qos[0])], "  "))
        out.append(f"  pfc_watchdog: {s(qos[1])}\n")
        out.append(_items("ecn_queues", [s(tc) for tc in qos[2]], "  "))
        out.append(_items("lossless_ports", [n for n, p in zip(names, ports, strict=True) if p[3]], "  "))
    out.append("counters:\n")
    out.append(_items("ports", names, "  "))
    out.append(
        f"  max_fcs: {s(thresholds.MAX_FCS_ERRORS)}\n  max_symbol: {s(thresholds.MAX_SYMBOL_ERRORS)}\n"
        f"  max_fec_uncorrectable: {s(thresholds.MAX_FEC_UNCORRECTABLE)}\n"
    )
    out.append("optics:\n")
    out.append(_items("ports", [n for n, p in zip(names, ports, strict=True) if p[4]], "  "))
    out.append(
        f"  rx_margin_db: {s(thresholds.RX_MARGIN_DB)}\n  max_temperature_c: {s(thresholds.MAX_MODULE_TEMP_C)}\n"
    )
    return "".join(out)


def plan_yaml(design: Design) -> str:
    """``verify/perf.yml``: ``yamlout.dump(perf.plan(design))``, the pairs written directly."""
    s = Scalars()
    seen = s.seen
    heads: dict[int, str] = {}  # rail -> the pair's first line and the label's key
    tails: dict[tuple[int, int], str] = {}  # (rail, line rate) -> the pair's last three lines
    nics: dict[str, str] = {}  # NIC address -> its IP's text
    pairs = []
    for rail, a, x, b, y in perf.rings(design):
        rate = min(x.speed_gbps, y.speed_gbps)
        tail = tails.get((rail, rate))
        if tail is None:
            tail = tails[(rail, rate)] = (
                f"    port: {s(perf.IPERF_BASE_PORT + rail)}\n    line_rate_gbps: {s(rate)}\n"
                f"    rdma_min_gbps: {s(perf.rdma_minimum(rate))}\n"
            )
        head = heads.get(rail) or heads.setdefault(rail, f"  - rail: {s(rail)}\n    label: ")
        xip = nics.get(x.address) or nics.setdefault(x.address, s.address(perf.nic_ip(x)))
        yip = nics.get(y.address) or nics.setdefault(y.address, s.address(perf.nic_ip(y)))
        pairs.append(
            f"{head}{s.once(perf.pair_label(rail, a, b))}\n    sender: {seen.get(a) or s(a)}\n    sender_ip: {xip}\n"
            f"    receiver: {seen.get(b) or s(b)}\n    receiver_ip: {yip}\n{tail}"
        )
    return yamlout.dump(perf.plan_head(design)) + _rows("pairs", pairs) + yamlout.dump({"nccl": perf.nccl_rows(design)})

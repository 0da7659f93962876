"""Compare a device's neutral state (``collect``) with its catalog (``catalog``).

The state is plain JSON, one dict per device, with one key per section; a section the
collector did not read is absent, and a check of an absent section fails as "not
collected" unless the caller restricts the run to the sections it can read (the lab
has no PFC or optics). Shape, every key optional::

    lldp:       {port: [{device, port}]}                  (all neighbours heard on the port)
    bgp:        {address or interface: {state, asn, prefixes}}
    interfaces: {port: {up, mtu}}
    speed:      {port: {speed_gbps}}                     (its own section: the lab's veths have none)
    counters:   {port: {fcs, symbol, fec_uncorrectable}}      (a counter the OS cannot report: absent or None)
    optics:     {port: {rx_power_dbm: [per lane], rx_low_alarm_dbm, rx_high_alarm_dbm, temperature_c}}
    qos:        {pfc: {port: [priorities]}, watchdog: {port: bool}, ecn: {port: [queues]},
                 pfc_oper: {port: bool}}                  (pfc_oper optional: PFC running, where the OS says)

Every failure names the device, the port (or peer), the check, expected and found. A
counter of a collected ``counters`` section that the OS cannot report is neither failed nor
passed: it is listed as not collected, naming the counter (``Result.not_collected``), while
the counters the OS does report are still checked on every port.
Across devices, two LLDP failures that mirror each other (A sees what B expects and B
sees what A expects) are one swapped pair of cables, and are named as such.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

SECTIONS = ("lldp", "bgp", "interfaces", "speed", "qos", "counters", "optics")


@dataclass(frozen=True, order=True)
class Failure:
    device: str
    port: str
    check: str
    expected: str
    found: str

    def line(self) -> str:
        return f"FAIL {self.device} {self.port} {self.check}: expected {self.expected}, found {self.found}"


@dataclass
class Result:
    failures: list[Failure] = field(default_factory=list)
    swaps: list[str] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)  # section -> checks run
    # device -> "section item" the device's OS does not report (e.g. "counters fec_uncorrectable")
    not_collected: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures

    def lines(self) -> list[str]:
        out = [f.line() for f in sorted(self.failures)]
        out += self.swaps
        out += [
            f"NOT COLLECTED {device} {item}: this OS does not report it"
            for device, items in sorted(self.not_collected.items())
            for item in items
        ]
        summary = ", ".join(f"{s} {n}" for s, n in self.checked.items())
        verdict = "verified" if self.ok else f"FAILED ({len(self.failures)} failed checks)"
        out.append(f"verify: {verdict}; checks run: {summary}")
        return out


def _end(device: Any, port: Any) -> str:
    return f"{device}:{port}"


def _lldp(cat: dict[str, Any], got: dict[str, Any], fail: list[Failure]) -> int:
    for row in cat["lldp"]:
        want = _end(row["neighbor"], row["neighbor_port"])
        heard = [_end(n.get("device"), n.get("port")) for n in got.get(row["port"], [])]
        if want not in heard:
            fail.append(Failure(cat["device"], row["port"], "lldp neighbor", want, ", ".join(heard) or "none"))
    return len(cat["lldp"])


def _bgp(cat: dict[str, Any], got: dict[str, Any], fail: list[Failure]) -> int:
    for row in cat["bgp"]:
        subject = f"{row['address']} ({row['peer']})"
        peer = got.get(row["address"]) or got.get(row["interface"])
        if peer is None:
            fail.append(Failure(cat["device"], subject, "bgp session", "Established", "absent"))
            continue
        if peer.get("state") != "Established":
            fail.append(Failure(cat["device"], subject, "bgp session", "Established", str(peer.get("state"))))
            continue
        if peer.get("asn") != row["asn"]:
            fail.append(Failure(cat["device"], subject, "bgp peer asn", str(row["asn"]), str(peer.get("asn"))))
        count = peer.get("prefixes")
        if not isinstance(count, int) or not row["prefixes_min"] <= count <= row["prefixes_max"]:
            want = f"{row['prefixes_min']}-{row['prefixes_max']}"
            fail.append(Failure(cat["device"], subject, "bgp prefixes received", want, str(count)))
    return len(cat["bgp"])


def _interfaces(cat: dict[str, Any], got: dict[str, Any], fail: list[Failure]) -> int:
    for row in cat["interfaces"]:
        port, dev = row["port"], cat["device"]
        state = got.get(port)
        if state is None:
            fail.append(Failure(dev, port, "interface", "present", "absent"))
            continue
        if not state.get("up"):
            fail.append(Failure(dev, port, "interface oper state", "up", "down"))
        if state.get("mtu") != row["mtu"]:
            fail.append(Failure(dev, port, "interface mtu", str(row["mtu"]), str(state.get("mtu"))))
    return len(cat["interfaces"])


def _speed(cat: dict[str, Any], got: dict[str, Any], fail: list[Failure]) -> int:
    for row in cat["interfaces"]:
        found = (got.get(row["port"]) or {}).get("speed_gbps")
        if found != row["speed_gbps"]:
            fail.append(Failure(cat["device"], row["port"], "interface speed", f"{row['speed_gbps']}G", f"{found}G"))
    return len(cat["interfaces"])


def _qos(cat: dict[str, Any], got: dict[str, Any], fail: list[Failure]) -> int:
    want = cat.get("qos")
    if want is None:
        return 0
    dev = cat["device"]
    for port in want["lossless_ports"]:
        pfc = sorted(got.get("pfc", {}).get(port, []))
        if pfc != want["pfc_priorities"]:
            fail.append(Failure(dev, port, "pfc priorities", _list(want["pfc_priorities"]), _list(pfc)))
        armed = bool(got.get("watchdog", {}).get(port, False))
        if armed != want["pfc_watchdog"]:
            fail.append(Failure(dev, port, "pfc watchdog", _armed(want["pfc_watchdog"]), _armed(armed)))
        ecn = sorted(got.get("ecn", {}).get(port, []))
        if ecn != want["ecn_queues"]:
            fail.append(Failure(dev, port, "ecn queues", _list(want["ecn_queues"]), _list(ecn)))
    return 3 * len(want["lossless_ports"]) + _pfc_oper(cat, got, fail)


def _pfc_oper(cat: dict[str, Any], got: dict[str, Any], fail: list[Failure]) -> int:
    """Where the OS reports whether PFC runs on a port: a lossless port whose PFC is not on fails."""
    oper = got.get("pfc_oper")
    want = cat["qos"]
    if oper is None or not want["pfc_priorities"]:
        return 0
    for port in want["lossless_ports"]:
        found = oper.get(port)
        if found is not True:
            fail.append(Failure(cat["device"], port, "pfc oper state", "on", "absent" if found is None else "off"))
    return len(want["lossless_ports"])


def _list(values: Iterable[Any]) -> str:
    return ",".join(str(v) for v in values) or "none"


def _armed(on: bool) -> str:
    return "armed" if on else "off"


COUNTERS = ("fcs", "symbol", "fec_uncorrectable")


def _counters(cat: dict[str, Any], got: dict[str, Any], fail: list[Failure]) -> int:
    """Every counter the OS reports at most its threshold; one it does not report is skipped here
    and named by ``unread_counters``."""
    want = cat["counters"]
    for port in want["ports"]:
        found = got.get(port)
        if found is None:
            fail.append(Failure(cat["device"], port, "error counters", "read", "absent"))
            continue
        for key in COUNTERS:
            value, limit = found.get(key), want[f"max_{key}"]
            if value is None:
                continue
            if not isinstance(value, int) or value > limit:
                fail.append(Failure(cat["device"], port, f"{key} errors", f"<= {limit}", str(value)))
    return len(want["ports"])


def unread_counters(cat: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """``counters <name>`` for each counter absent (or None) on a port whose counters were read."""
    ports = [got[p] for p in cat["counters"]["ports"] if got.get(p) is not None]
    return [f"counters {key}" for key in COUNTERS if any(p.get(key) is None for p in ports)]


def _optics(cat: dict[str, Any], got: dict[str, Any], fail: list[Failure]) -> int:
    want = cat["optics"]
    dev = cat["device"]
    for port in want["ports"]:
        dom = got.get(port)
        if dom is None:
            fail.append(Failure(dev, port, "optics dom", "readings", "absent"))
            continue
        low, high = dom.get("rx_low_alarm_dbm"), dom.get("rx_high_alarm_dbm")
        for lane, rx in enumerate(dom.get("rx_power_dbm", [])):
            if low is not None and rx < low + want["rx_margin_db"]:
                fail.append(
                    Failure(
                        dev,
                        port,
                        f"rx power lane {lane + 1}",
                        f">= {low + want['rx_margin_db']:.2f} dBm",
                        f"{rx:.2f} dBm",
                    )
                )
            if high is not None and rx > high:
                fail.append(Failure(dev, port, f"rx power lane {lane + 1}", f"<= {high:.2f} dBm", f"{rx:.2f} dBm"))
        temp = dom.get("temperature_c")
        if temp is not None and temp > want["max_temperature_c"]:
            fail.append(Failure(dev, port, "module temperature", f"<= {want['max_temperature_c']} C", f"{temp} C"))
    return len(want["ports"])


CHECKS = {
    "lldp": _lldp,
    "bgp": _bgp,
    "interfaces": _interfaces,
    "speed": _speed,
    "qos": _qos,
    "counters": _counters,
    "optics": _optics,
}


def evaluate(
    catalogs: dict[str, dict[str, Any]], states: dict[str, dict[str, Any]], sections: Iterable[str] = SECTIONS
) -> Result:
    """Check every device of ``catalogs`` whose state was collected; a device without one fails."""
    result = Result()
    chosen = [s for s in SECTIONS if s in set(sections)]
    for name, cat in catalogs.items():
        state = states.get(name)
        if state is None:
            result.failures.append(Failure(name, "-", "state", "collected", "absent"))
            continue
        for section in chosen:
            if section == "qos" and "qos" not in cat:
                continue
            if section not in state:
                result.failures.append(Failure(name, "-", section, "collected", "not collected"))
                continue
            result.checked[section] = result.checked.get(section, 0) + CHECKS[section](
                cat, state[section], result.failures
            )
            if section == "counters" and (unread := unread_counters(cat, state[section])):
                result.not_collected[name] = unread
    result.swaps = swapped_pairs(result.failures)
    return result


def swapped_pairs(failures: list[Failure]) -> list[str]:
    """One line per pair of cables whose LLDP failures mirror each other."""
    wrong = {_end(f.device, f.port): f for f in failures if f.check == "lldp neighbor"}
    by_expected = {f.expected: end for end, f in wrong.items()}
    seen: set[frozenset[str]] = set()
    out = []
    for end, f in sorted(wrong.items()):
        other = by_expected.get(f.found)
        if other is None or other == end or wrong[other].found != f.expected:
            continue
        cables = frozenset({end, other, f.expected, wrong[other].expected})
        if cables in seen:
            continue  # the same swap, seen from the far ends
        seen.add(cables)
        out.append(
            f"SWAPPED cables {end} <-> {f.expected} and {other} <-> {wrong[other].expected}: "
            f"{end} sees {f.found}, {other} sees {wrong[other].found}"
        )
    return out


def evaluate_collected(
    rows: list[tuple[dict[str, Any], dict[str, Any]]], sections: Iterable[str] = SECTIONS
) -> tuple[Result, dict[str, list[str]]]:
    """Check (catalog, neutral state) pairs on the sections each state holds.

    For the playbook, where each OS collects what its JSON commands cover: the sections a
    device's collector did not fill are returned per device (device -> sections), so the
    report says what was not checked instead of failing on it or passing it silently. A
    counter the OS does not report within a collected ``counters`` section is listed the
    same way, as ``counters <name>``.
    """
    wanted = [s for s in SECTIONS if s in set(sections)]
    result = Result()
    skipped: dict[str, list[str]] = {}
    for cat, state in rows:
        mine = [s for s in wanted if s in state]
        missing = [s for s in wanted if s not in state and (s != "qos" or "qos" in cat)]
        one = evaluate({cat["device"]: cat}, {cat["device"]: state}, mine)
        missing += one.not_collected.get(cat["device"], [])
        if missing:
            skipped[cat["device"]] = missing
        result.not_collected.update(one.not_collected)
        result.failures += one.failures
        for section, count in one.checked.items():
            result.checked[section] = result.checked.get(section, 0) + count
    result.swaps = swapped_pairs(result.failures)
    return result, skipped

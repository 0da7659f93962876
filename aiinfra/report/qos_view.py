"""The lossless contract as one table: the Design's SI numbers, as each OS of the fabric
states them, and as the hosts are set.

Every conversion is the OS driver's own (``aiinfra/nos/<os>/units.py`` and the shared
:mod:`aiinfra.nos.units`), so this table says what the rendered configs say; nothing is
recomputed here. Only the OSes the fabric's switches run are shown: validate checked the
Design against those rows, not the others.
"""

from __future__ import annotations

from collections.abc import Callable

from aiinfra.design.model import Design, QosIntent
from aiinfra.nos import profile
from aiinfra.nos import units as shared
from aiinfra.nos.cumulus import units as cumulus
from aiinfra.nos.eos import units as eos
from aiinfra.nos.junos import units as junos
from aiinfra.nos.nxos import units as nxos
from aiinfra.nos.sonic import units as sonic
from aiinfra.nos.srlinux import units as srlinux
from aiinfra.report.model import Table

ROWS = (
    "PFC (no-drop) priority",
    "RoCE data DSCP",
    "CNP DSCP / priority",
    "ECN marking thresholds",
    "ECN max marking probability",
    "PFC watchdog",
    "Global pause (802.3x)",
)


def _design(q: QosIntent) -> list[str]:
    wd = q.pfc_watchdog
    return [
        str(q.nodrop_priority),
        ", ".join(map(str, q.roce_dscps)),
        f"{q.cnp_dscp} / {q.cnp_priority}",
        f"{q.ecn.min_bytes:,} - {q.ecn.max_bytes:,} B ({q.ecn.mode})",
        f"{q.ecn.max_probability_pct} %",
        f"detect {wd.detection_ms} ms, restore {wd.restoration_ms} ms, poll {wd.poll_ms} ms" if wd.enabled else "off",
        "off" if not q.pause_8023x else "on",
    ]


def _common(q: QosIntent) -> list[str]:
    return [str(q.nodrop_priority), ", ".join(map(str, q.roce_dscps)), f"{q.cnp_dscp} / {q.cnp_priority}"]


def _kbytes(q: QosIntent) -> str:
    t = shared.ecn_kbytes(q.ecn)
    return f"minimum-threshold {t.min} kbytes, maximum-threshold {t.max} kbytes"


def _eos(q: QosIntent) -> list[str]:
    w = eos.watchdog(q.pfc_watchdog)
    wd = f"timeout {w.timeout_s}, recovery-time {w.recovery_time_s}, polling-interval {w.polling_interval_s} (s)"
    return [*_common(q), _kbytes(q), f"drop-probability {q.ecn.max_probability_pct}", _on(q, wd), "off"]


def _nxos(q: QosIntent) -> list[str]:
    w = nxos.watchdog(q.pfc_watchdog, profile("nxos").pfc_watchdog)
    interval = f"interval {w.interval_ms} ms" if w.interval_ms is not None else "interval: OS default"
    wd = f"{interval}, shutdown-multiplier {w.shutdown_multiplier}, auto-restore multiplier {w.auto_restore_multiplier}"
    return [*_common(q), _kbytes(q), f"drop-probability {q.ecn.max_probability_pct}", _on(q, wd), "off"]


def _junos(q: QosIntent) -> list[str]:
    w = junos.pfc_watchdog(q.pfc_watchdog)
    fill = profile("junos").ecn_fill_pct
    ecn = f"fill-level {fill[0]} - {fill[1]} % (vendor DCQCN profile)" if fill else "-"
    wd = (
        "off"
        if w is None
        else (
            f"detection {w.detection_polls} polls, poll-interval {w.poll_interval_ms} ms, "
            f"recovery-time {w.recovery_time_ms} ms"
        )
    )
    return [*_common(q), ecn, "vendor profile", wd, "off"]


def _sonic(q: QosIntent) -> list[str]:
    det, res, poll = sonic.watchdog_ms(q.pfc_watchdog)
    lo, hi, prob = sonic.wred_thresholds(q.ecn)
    wd = f"detection_time {det}, restoration_time {res}, POLL_INTERVAL {poll} (ms)"
    return [
        f"pfc_enable {sonic.pfc_enable(q)}",
        *_common(q)[1:],
        f"green_min_threshold {lo}, green_max_threshold {hi} (bytes)",
        f"green_drop_probability {prob}",
        _on(q, wd),
        "off",
    ]


def _srlinux(q: QosIntent) -> list[str]:
    wd = q.pfc_watchdog
    detect, restore = srlinux.watchdog_ms(wd.detection_ms), srlinux.watchdog_ms(wd.restoration_ms)
    timers = f"detection-timer {detect}, recovery-timer {restore} (ms)"
    low, high = srlinux.ecn_bytes(q.ecn.min_bytes), srlinux.ecn_bytes(q.ecn.max_bytes)
    ecn = f"min-threshold {low}, max-threshold {high} (bytes)"
    return [*_common(q), ecn, f"max-probability {q.ecn.max_probability_pct}", _on(q, timers), "off"]


def _cumulus(q: QosIntent) -> list[str]:
    w = cumulus.watchdog(q.pfc_watchdog) if q.pfc_watchdog.enabled else {}
    wd = ", ".join(f"{k} {v}" for k, v in w.items()) + " (restoration: none in NVUE)"
    ecn = f"min-threshold {q.ecn.min_bytes}, max-threshold {q.ecn.max_bytes} (bytes)"
    return [*_common(q), ecn, f"probability {q.ecn.max_probability_pct}", _on(q, wd), "off"]


def _on(q: QosIntent, spelled: str) -> str:
    return spelled if q.pfc_watchdog.enabled else "off"


SPELLINGS: dict[str, Callable[[QosIntent], list[str]]] = {
    "cumulus": _cumulus,
    "eos": _eos,
    "junos": _junos,
    "nxos": _nxos,
    "sonic": _sonic,
    "srlinux": _srlinux,
}


def _host(design: Design) -> tuple[str, list[str]] | None:
    """The first host's first back-end NIC: every host's are the same QosIntent (design/hosts.py)."""
    if design.platform is None or not design.platform.hosts:
        return None
    host = next(iter(design.platform.hosts.values()))
    if not host.nics:
        return None
    n = host.nics[0]
    dcqcn = f"DCQCN on priorities {', '.join(map(str, n.dcqcn_priorities))}" if n.dcqcn else "DCQCN off"
    return f"hosts ({design.platform.qos_tool})", [
        f"pfc {n.pfc_priority} (trust {n.trust})",
        f"{n.roce_dscp} (ToS {n.roce_tos})",
        f"{n.cnp_dscp} / {n.cnp_priority}",
        dcqcn,
        "NIC (DCQCN)",
        "switch side only",
        "off" if not n.pause_8023x else "on",
    ]


def qos_tables(design: Design) -> tuple[Table, ...]:
    """One table per RoCE fabric: rows are the quantities, columns the Design and each spelling."""
    out = []
    for fabric, q in sorted(design.qos.items()):
        oses = sorted({d.os for d in design.devices_by(fabric=fabric) if d.qos is not None})
        columns = [("design (SI)", _design(q))] + [(os, SPELLINGS[os](q)) for os in oses if os in SPELLINGS]
        host = _host(design) if fabric == "backend" else None
        if host is not None:
            columns.append(host)
        mtu = {d.switch_mtu for d in design.devices_by(fabric=fabric) if d.qos is not None}
        header = ("quantity", *(c[0] for c in columns))
        rows = [tuple([label, *(c[1][n] for c in columns)]) for n, label in enumerate(ROWS)]
        rows.append(
            ("MTU", f"switch {', '.join(map(str, sorted(mtu)))}, host {q.host_mtu}", *(["-"] * (len(columns) - 1)))
        )
        out.append(
            Table(
                f"Lossless RoCE contract of the {fabric} fabric, as each OS and the hosts state it", header, tuple(rows)
            )
        )
    return tuple(out)

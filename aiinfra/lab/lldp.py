"""Debian's lldpd in every emulated switch and node namespace.

Real switches and hosts speak LLDP on their fabric ports; the lab's do too, so
``aiinfra lab verify`` can check the cabling plan the way ``aiinfra verify`` checks a
real fabric. One lldpd per namespace, each with its own control socket (``-u``) and a
startup file (``-O``) that gives it the device's name and, per port, the Design's port
name as the LLDP port ID (``portidsubtype local``): the lab's kernel names are shortened
and prefixed per lab, the names a neighbour must report are the Design's. A one-second
transmit interval lets neighbours appear within seconds of ``up``. ``down`` kills every
process of a lab namespace, lldpd included.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from aiinfra.lab import netns
from aiinfra.lab.errors import LabError

LLDPD = Path("/usr/sbin/lldpd")
LLDPCLI = "lldpcli"
TX_INTERVAL_S = 1
START_TIMEOUT = 10.0


def config_text(system_name: str, ports: dict[str, str]) -> str:
    """lldpcli commands lldpd runs at start: the name, the interval, and each port's ID.

    ``ports``: kernel name -> the Design's port name.
    """
    lines = [f"configure system hostname {system_name}", f"configure lldp tx-interval {TX_INTERVAL_S}"]
    lines += [f"configure ports {kernel} lldp portidsubtype local {design}" for kernel, design in sorted(ports.items())]
    return "\n".join(lines) + "\n"


def workdir(lab_dir: Path, device: str) -> Path:
    """lldpd's files for one switch or node of a lab."""
    return lab_dir / "lldpd" / device


def socket_path(workdir: Path) -> Path:
    return workdir / "lldpd.socket"


def start(namespace: str, system_name: str, ports: dict[str, str], workdir: Path) -> Path:
    """Start lldpd on ``ports`` of ``namespace``; return its control socket."""
    workdir.mkdir(parents=True, exist_ok=True)
    conf = workdir / "lldpd.conf"
    conf.write_text(config_text(system_name, ports), encoding="utf-8")
    sock = socket_path(workdir)
    argv = [str(LLDPD), "-u", str(sock), "-O", str(conf)]
    if ports:
        argv += ["-I", ",".join(sorted(ports))]
    netns.in_ns(namespace, argv)
    deadline = time.monotonic() + START_TIMEOUT
    while not sock.exists():
        if time.monotonic() > deadline:
            raise LabError(f"lldpd in {namespace} did not open {sock}")
        time.sleep(0.05)
    return sock


def neighbors(namespace: str, sock: Path) -> Any:
    """``lldpcli -f json0 show neighbors`` of one namespace's lldpd, parsed."""
    out = netns.in_ns(namespace, [LLDPCLI, "-u", str(sock), "-f", "json0", "show", "neighbors"], timeout=20)
    try:
        return json.loads(out or "{}")
    except ValueError:
        raise LabError(f"{namespace}: lldpcli did not return JSON: {out.strip()[:200]}") from None

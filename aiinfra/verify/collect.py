"""Turn each OS's own JSON show output into the neutral state ``evaluate`` reads.

A device's collected output is one JSON object, ``{show command: its JSON output}``,
exactly as the playbook (or the lab) ran them; the keys are each collector's
``COMMANDS``. Each collector reads only documented JSON, and fills a section only when
its command's output is present, so a section the OS cannot report stays absent (and
``evaluate`` says "not collected" rather than passing it).

One module per collector in :mod:`aiinfra.verify.collectors`; this module maps the
Design's switch OS to its collector and gives every collector the same signature.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiinfra.verify.collectors import cumulus as _cumulus
from aiinfra.verify.collectors import eos as _eos
from aiinfra.verify.collectors import junos as _junos
from aiinfra.verify.collectors import linux as _linux
from aiinfra.verify.collectors import nxos as _nxos
from aiinfra.verify.collectors import sonic as _sonic
from aiinfra.verify.collectors import srlinux as _srlinux

Names = dict[str, str]  # kernel or OS port name -> the Design's port name
Collector = Callable[[dict[str, Any], Names | None], dict[str, Any]]


COMMANDS: dict[str, tuple[str, ...]] = {
    "linux": _linux.COMMANDS,
    "eos": _eos.COMMANDS,
    "nxos": _nxos.COMMANDS,
    "junos": _junos.COMMANDS,
    "srlinux": _srlinux.COMMANDS,
    "sonic": _sonic.COMMANDS,
    "cumulus": _cumulus.COMMANDS,
}

# switch OS (the Design's Device.os) -> collector. SONiC's and Cumulus's add their own
# databases to Linux's (FRR, lldpd, ip link); FRR on plain Linux (and the lab) is Linux's.
COLLECTOR_OF = {
    "eos": "eos",
    "nxos": "nxos",
    "junos": "junos",
    "srlinux": "srlinux",
    "sonic": "sonic",
    "cumulus": "cumulus",
    "frr": "linux",
}


def _renamed(reader: Callable[[dict[str, Any]], dict[str, Any]]) -> Collector:
    """A collector whose OS names ports as the Design does (no kernel names to map)."""

    def collector(raw: dict[str, Any], names: Names | None = None) -> dict[str, Any]:
        return reader(raw)

    return collector


COLLECTORS: dict[str, Collector] = {
    "linux": _linux.collect,
    "eos": _renamed(_eos.collect),
    "nxos": _renamed(_nxos.collect),
    "junos": _renamed(_junos.collect),
    "srlinux": _renamed(_srlinux.collect),
    "sonic": _sonic.collect,
    "cumulus": _cumulus.collect,
}


def state_of(os_name: str, raw: dict[str, Any], names: Names | None = None) -> dict[str, Any]:
    """The neutral state of one device of OS ``os_name``; KeyError names an OS without a collector."""
    return COLLECTORS[COLLECTOR_OF[os_name]](raw, names)

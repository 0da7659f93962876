"""One entry point over the per-OS parsers: rendered files of a switch -> ParsedSwitch."""

from __future__ import annotations

from aiinfra.nos.cumulus import parser as cumulus
from aiinfra.nos.eos import parser as eos
from aiinfra.nos.junos import parser as junos
from aiinfra.nos.nxos import parser as nxos
from aiinfra.nos.sonic import parser as sonic
from aiinfra.nos.srlinux import parser as srlinux
from tests.parsers.model import ParsedSwitch


def parse_rendered(os: str, hostname: str, files: dict[str, str]) -> ParsedSwitch:
    if os == "sonic":
        return sonic.parse_sonic(files[f"configs/{hostname}.json"], files[f"configs/{hostname}.frr.conf"])
    (text,) = files.values()
    parser = {
        "nxos": nxos.parse,
        "eos": eos.parse,
        "cumulus": cumulus.parse_cumulus,
        "junos": junos.parse_switch,
        "srlinux": srlinux.parse,
    }
    return parser[os](text)

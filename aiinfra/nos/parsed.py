"""The OS-neutral view every driver's parse-back (``aiinfra/nos/<os>/parser.py``) returns.

Parsers read a rendered config back (with an established parser where one
exists) and report what the device would actually do, in common units, so the
property and cross-target tests can compare OSes with one set of assertions.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ParsedInterface:
    name: str
    mtu: int | None = None
    address: str | None = None  # CIDR
    shutdown: bool = False
    description: str = ""
    pfc_priorities: set[int] = field(default_factory=set)  # priorities with PFC enabled
    ecn_on_roce_queue: bool = False  # WRED/ECN applied to the no-drop queue on this port
    trust_dscp: bool = False

    def read_common(self, words: list[str]) -> bool:
        """Take one line of an industry-standard CLI interface block (NX-OS, EOS: description,
        mtu, ip address, shutdown); False when the line is the OS's own business."""
        line = " ".join(words)
        if words[0] == "description":
            self.description = line[len("description ") :]
        elif words[0] == "mtu":
            self.mtu = int(words[1])
        elif words[:2] == ["ip", "address"]:
            self.address = words[2]
        elif line == "shutdown":
            self.shutdown = True
        else:
            return False
        return True


@dataclass
class ParsedSwitch:
    hostname: str
    interfaces: dict[str, ParsedInterface] = field(default_factory=dict)
    loopback: str | None = None  # CIDR of the router-id loopback
    asn: int | None = None
    neighbors: dict[str, int] = field(default_factory=dict)  # peer address -> remote ASN
    bfd_neighbors: set[str] = field(default_factory=set)
    maximum_paths: int | None = None
    dscp_to_tc: dict[int, int] = field(default_factory=dict)
    nodrop_priorities: set[int] = field(default_factory=set)  # classes declared lossless/no-drop
    strict_priority_tcs: set[int] = field(default_factory=set)
    ecn_min_bytes: int | None = None
    ecn_max_bytes: int | None = None
    ecn_max_probability: int | None = None
    ecn_min_fill_pct: int | None = None  # for OSes whose WRED takes queue fill levels (Junos)
    ecn_max_fill_pct: int | None = None
    pfc_watchdog: bool = False
    # (detection, restoration, poll) in ms as the watchdog would run them; None when off or not parsed
    pfc_watchdog_ms: tuple[int, int, int] | None = None
    bfd_timers: set[tuple[int, int]] = field(default_factory=set)  # (interval ms, multiplier) on fabric sessions
    load_balancing: str = "ecmp"  # ecmp | flowlet | per-packet, as the config would run
    acl_cidrs: set[str] = field(default_factory=set)  # management ACL sources
    ntp_servers: set[str] = field(default_factory=set)
    gnmi_port: int | None = None  # where the gNMI server listens; None when it is off
    gnmi_sources: set[str] = field(default_factory=set)  # sources the gNMI port admits ("0.0.0.0/0": anyone)
    gnmi_tls: str | None = None  # the TLS profile / certificate the gNMI server presents; None: no TLS
    gnmi_client_ca: str | None = None  # the CA client certificates must chain to, where the config names it
    text: str = ""  # the raw file(s), for secret scans

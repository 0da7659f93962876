"""A small structural parser for the FRR configs aiinfra renders.

FRR has no Python parser worth depending on, and the grammar aiinfra emits is
small. The parser is strict on purpose: a statement it does not know raises,
so a template change that emits something unexpected fails the tests instead
of being skipped silently. ``vtysh -C`` (tests/switches/test_frr.py) checks the
same files against FRR's real grammar.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.parsers.model import ParsedInterface, ParsedSwitch


@dataclass
class FrrNeighbor:
    key: str  # peer address, or interface name for an unnumbered session
    interface: bool = False
    peer_group: str | None = None
    remote_as: int | None = None
    bfd: bool = False
    description: str = ""


@dataclass
class FrrPeerGroup:
    name: str
    remote_as: int | None = None
    bfd: bool = False
    activated: bool = False


@dataclass
class FrrConfig:
    hostname: str = ""
    asn: int | None = None
    router_id: str | None = None
    multipath_relax: bool = False
    ebgp_requires_policy: bool = True
    default_ipv4_unicast: bool = True
    peer_groups: dict[str, FrrPeerGroup] = field(default_factory=dict)
    neighbors: dict[str, FrrNeighbor] = field(default_factory=dict)
    networks: list[str] = field(default_factory=list)
    maximum_paths: int | None = None
    interfaces: dict[str, str | None] = field(default_factory=dict)  # name -> CIDR
    static_routes: list[tuple[str, str]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    def remote_as(self, key: str) -> int | None:
        """A neighbor's remote AS, set on the neighbor or inherited from its peer group."""
        n = self.neighbors[key]
        if n.remote_as is not None:
            return n.remote_as
        return self.peer_groups[n.peer_group].remote_as if n.peer_group else None

    def has_bfd(self, key: str) -> bool:
        n = self.neighbors[key]
        return n.bfd or bool(n.peer_group and self.peer_groups[n.peer_group].bfd)

    def is_active(self, key: str) -> bool:
        n = self.neighbors[key]
        return self.default_ipv4_unicast or bool(n.peer_group and self.peer_groups[n.peer_group].activated)


GLOBAL_IGNORED = ("frr defaults ", "log syslog", "service integrated-vtysh-config")


def parse_frr(text: str) -> FrrConfig:
    conf = FrrConfig()
    section: str | None = None  # None | "bgp" | "af" | "interface:<name>"
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("!"):
            conf.comments.append(line[1:].strip())
            continue
        words = line.split()
        try:
            section = _statement(conf, section, words, line)
        except (ValueError, IndexError, KeyError) as exc:
            raise ValueError(f"frr.conf line {lineno}: cannot parse {raw!r}: {exc}") from None
    if section is not None:
        raise ValueError(f"frr.conf ends inside {section!r}")
    return conf


def _statement(conf: FrrConfig, section: str | None, words: list[str], line: str) -> str | None:
    if section is None:
        return _global(conf, words, line)
    if section == "bgp":
        return _bgp(conf, words)
    if section == "af":
        return _address_family(conf, words)
    return _interface(conf, section.split(":", 1)[1], words)


def _global(conf: FrrConfig, words: list[str], line: str) -> str | None:
    if words[0] == "hostname":
        conf.hostname = words[1]
    elif line.startswith(GLOBAL_IGNORED) or words == ["end"]:
        pass
    elif words[:2] == ["router", "bgp"]:
        conf.asn = int(words[2])
        return "bgp"
    elif words[0] == "interface":
        conf.interfaces[words[1]] = None
        return f"interface:{words[1]}"
    elif words[:2] == ["ip", "route"]:
        conf.static_routes.append((words[2], words[3]))
    else:
        raise ValueError("unknown global statement")
    return None


def _bgp(conf: FrrConfig, words: list[str]) -> str | None:
    if words == ["exit"]:
        return None
    if words[:2] == ["bgp", "router-id"]:
        conf.router_id = words[2]
    elif words == ["no", "bgp", "ebgp-requires-policy"]:
        conf.ebgp_requires_policy = False
    elif words == ["no", "bgp", "default", "ipv4-unicast"]:
        conf.default_ipv4_unicast = False
    elif words == ["bgp", "bestpath", "as-path", "multipath-relax"]:
        conf.multipath_relax = True
    elif words[:2] == ["address-family", "ipv4"]:
        return "af"
    elif words[0] == "neighbor":
        _neighbor(conf, words[1], words[2:])
    else:
        raise ValueError("unknown router bgp statement")
    return "bgp"


def _neighbor(conf: FrrConfig, key: str, rest: list[str]) -> None:
    if rest == ["peer-group"]:
        conf.peer_groups[key] = FrrPeerGroup(key)
        return
    group = conf.peer_groups.get(key)
    if group is not None:
        if rest[0] == "remote-as":
            group.remote_as = int(rest[1])
        elif rest == ["bfd"]:
            group.bfd = True
        else:
            raise ValueError("unknown peer-group attribute")
        return
    if rest[0] in ("peer-group", "interface"):
        interface = rest[0] == "interface"
        group_name = rest[2] if interface else rest[1]
        if group_name not in conf.peer_groups:
            raise ValueError(f"peer group {group_name} used before it is defined")
        conf.neighbors[key] = FrrNeighbor(key, interface=interface, peer_group=group_name)
        return
    n = conf.neighbors[key]
    if rest[0] == "remote-as":
        n.remote_as = int(rest[1])
    elif rest == ["bfd"]:
        n.bfd = True
    elif rest[0] == "description":
        n.description = " ".join(rest[1:])
    else:
        raise ValueError("unknown neighbor attribute")


def _address_family(conf: FrrConfig, words: list[str]) -> str:
    if words == ["exit-address-family"]:
        return "bgp"
    if words[0] == "network":
        conf.networks.append(words[1])
    elif words[0] == "maximum-paths":
        conf.maximum_paths = int(words[1])
    elif words[0] == "neighbor" and words[2:] == ["activate"]:
        conf.peer_groups[words[1]].activated = True
    else:
        raise ValueError("unknown address-family statement")
    return "af"


def _interface(conf: FrrConfig, name: str, words: list[str]) -> str | None:
    if words == ["exit"]:
        return None
    if words[:2] == ["ip", "address"]:
        conf.interfaces[name] = words[2]
    elif words[0] != "description":
        raise ValueError("unknown interface statement")
    return f"interface:{name}"


def frr_switch(conf: FrrConfig, text: str = "") -> ParsedSwitch:
    """The routing facts of an FRR config in the OS-neutral model (active sessions only)."""
    sw = ParsedSwitch(hostname=conf.hostname, asn=conf.asn, maximum_paths=conf.maximum_paths, text=text)
    for key in conf.neighbors:
        if conf.is_active(key):
            sw.neighbors[key] = conf.remote_as(key)  # type: ignore[assignment]
        if conf.has_bfd(key):
            sw.bfd_neighbors.add(key)
    sw.loopback = conf.interfaces.get("lo")
    for name, address in conf.interfaces.items():
        if name != "lo":
            sw.interfaces[name] = ParsedInterface(name=name, address=address)
    return sw


def parse_frr_switch(text: str) -> ParsedSwitch:
    """Parse an FRR config straight into a ParsedSwitch (for FRR-only renderings, e.g. the lab's)."""
    return frr_switch(parse_frr(text), text)

"""Junos EVO 23.4 configs: exact parse-back, references, duplicates and BGP neighbour subnets.

Kinds checked (definition -> references): policy-statements (``export``/``import``),
prefix-lists (policy ``from prefix-list``, firewall ``source-``/``destination-prefix-list``),
firewall filters (``filter input|output`` on interfaces), classifiers, forwarding-classes,
schedulers, scheduler-maps, drop-profiles and congestion-notification (CNP) profiles
(class-of-service bindings and the maps between them), BGP groups (one per name, every
neighbour in one group), routing instances (``routing-instance X`` on system services,
``mgmt_junos`` created by ``management-instance``), VLANs, the interfaces that
class-of-service binds, SNMP views and VACM groups, and the servers ``authentication-order``
names (``tacplus``/``radius`` need a ``tacplus-server``/``radius-server``). Two identical
statements in one block are a duplicate.
"""

from __future__ import annotations

from ipaddress import IPv4Interface

from aiinfra.nos.junos.syntax import JunosSyntaxError, Node, Statement, dump, parse, section, statements

MGMT_INSTANCE = "mgmt_junos"  # the routing instance `system management-instance` creates


def _words(st: Statement) -> list[str]:
    """A statement's words with [ lists ] flattened."""
    out: list[str] = []
    for w in st.words:
        out.extend(str(v) for v in w) if isinstance(w, list) else out.append(str(w))
    return out


def _walk(nodes: list[Node] | None, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Statement]]:
    """Every statement with the words of the blocks above it."""
    out = []
    for st in statements(nodes):
        out.append((path, st))
        if st.block is not None:
            out += _walk(st.block, (*path, *_words(st)))
    return out


def _block_names(nodes: list[Node] | None) -> list[str]:
    """First word of each block statement (``NAME { ... }``)."""
    return [str(st.words[0]) for st in statements(nodes) if st.block is not None]


def definitions(tree: list[Node]) -> dict[str, list[str]]:
    """Kind -> names, in file order (a name listed twice is a duplicate)."""
    policy = section(tree, "policy-options")
    cos = section(tree, "class-of-service")
    defs: dict[str, list[str]] = {
        "policy-statement": [str(s.words[1]) for s in statements(policy) if s.keys[:1] == ["policy-statement"]],
        "prefix-list": [str(s.words[1]) for s in statements(policy) if s.keys[:1] == ["prefix-list"]],
        "filter": [
            str(s.words[1])
            for family in statements(section(tree, "firewall"))
            for s in statements(family.block)
            if s.keys[:1] == ["filter"]
        ],
        "classifier": [" ".join(s.keys[:2]) for s in statements(section(cos, "classifiers")) if s.block is not None],
        "forwarding-class": [
            str(s.words[1]) for s in statements(section(cos, "forwarding-classes")) if s.keys[:1] == ["class"]
        ],
        "scheduler": _block_names(section(cos, "schedulers")),
        "scheduler-map": _block_names(section(cos, "scheduler-maps")),
        "drop-profile": _block_names(section(cos, "drop-profiles")),
        "congestion-notification-profile": _block_names(section(cos, "congestion-notification-profile")),
        "bgp-group": [
            str(s.words[1]) for s in statements(section(tree, "protocols", "bgp")) if s.keys[:1] == ["group"]
        ],
        "interface": _block_names(section(tree, "interfaces")),
        "routing-instance": _block_names(section(tree, "routing-instances")),
        "vlan": _block_names(section(tree, "vlans")),
        "snmp-view": [str(s.words[1]) for s in statements(section(tree, "snmp")) if s.keys[:1] == ["view"]],
        "snmp-group": [
            str(s.words[1])
            for s in statements(section(tree, "snmp", "v3", "vacm", "access"))
            if s.keys[:1] == ["group"]
        ],
        "authentication-method": ["password"]
        + [m for m in ("tacplus", "radius") if statements(section(tree, "system", f"{m}-server"))],
    }
    management = any(s.keys == ["management-instance"] for s in statements(section(tree, "system")))
    if management and MGMT_INSTANCE not in defs["routing-instance"]:
        defs["routing-instance"].append(MGMT_INSTANCE)
    return defs


def references(tree: list[Node]) -> list[tuple[str, str, int]]:
    """(kind, name, offset) of every name the config points at."""
    out: list[tuple[str, str, int]] = []
    for path, st in _walk(tree):
        words = _words(st)
        head, rest = words[0], words[1:]
        if st.block is None and head in ("export", "import") and path[:2] != ("class-of-service", "interfaces"):
            out += [("policy-statement", name, st.offset) for name in rest]
        elif st.block is None and head in ("prefix-list", "prefix-list-filter") and path and path[-1] == "from":
            out.append(("prefix-list", rest[0], st.offset))
        elif path and path[-1] in ("source-prefix-list", "destination-prefix-list", "prefix-list") and "from" in path:
            out.append(("prefix-list", head, st.offset))
        elif (
            st.block is None
            and head in ("input", "output")
            and path[-1:] == ("filter",)
            and path[:1] == ("interfaces",)
        ):
            out += [("filter", name, st.offset) for name in rest]
        elif path[:2] == ("class-of-service", "interfaces") and len(path) == 2:
            out.append(("interface", head, st.offset))
        elif path[:2] == ("class-of-service", "interfaces") and st.block is None:
            out += _cos_binding(path, head, rest, st.offset)
        elif path[:2] == ("class-of-service", "scheduler-maps") and head == "forwarding-class" and len(rest) == 3:
            out += [("forwarding-class", rest[0], st.offset), ("scheduler", rest[2], st.offset)]
        elif path[:2] == ("class-of-service", "classifiers") and head == "forwarding-class":
            out.append(("forwarding-class", rest[0], st.offset))
        elif path[:2] == ("class-of-service", "schedulers") and head == "drop-profile-map":
            out.append(("drop-profile", rest[rest.index("drop-profile") + 1], st.offset))
        elif st.block is None and head == "routing-instance" and rest:
            out.append(("routing-instance", rest[0], st.offset))
        elif len(words) >= 3 and words[-2] == "routing-instance":
            out.append(("routing-instance", words[-1], st.offset))
        elif path[-1:] == ("vlan",) and head == "members":
            out += [("vlan", name, st.offset) for name in rest]
        elif path[:1] == ("snmp",) and head in ("read-view", "write-view", "notify-view"):
            out.append(("snmp-view", rest[0], st.offset))
        elif path[:4] == ("snmp", "v3", "vacm", "security-to-group") and head == "group":
            out.append(("snmp-group", rest[0], st.offset))
        elif path == ("system",) and head == "authentication-order":
            out += [("authentication-method", name, st.offset) for name in rest]
    return out


def _cos_binding(path: tuple[str, ...], head: str, rest: list[str], offset: int) -> list[tuple[str, str, int]]:
    if head in ("congestion-notification-profile", "scheduler-map") and len(path) == 3:
        return [(head, rest[0], offset)]
    if path[-1:] == ("classifiers",):
        return [("classifier", f"{head} {rest[0]}", offset)]
    return []


def duplicates(nodes: list[Node] | None, text: str) -> list[str]:
    """Identical statements side by side in one block."""
    out = []
    seen: set[str] = set()
    for st in statements(nodes):
        key = " ".join(_words(st))
        if key in seen:
            out.append(f"line {_line(text, st.offset)}: {key!r} appears twice in one block")
        seen.add(key)
        if st.block is not None:
            out += duplicates(st.block, text)
    return out


def bgp_problems(tree: list[Node], text: str) -> list[str]:
    """Every neighbour in one group only, on a subnet of one of the device's interfaces."""
    from tests.validators.cli_xref import neighbor_problems

    addresses = [
        IPv4Interface(str(s.words[1]))
        for path, s in _walk(section(tree, "interfaces"))
        if s.block is None and s.keys[:1] == ["address"] and path[-2:] == ("family", "inet")
    ]
    neighbors: dict[str, int] = {}
    out = []
    for group in statements(section(tree, "protocols", "bgp")):
        for st in statements(group.block):
            if st.keys[:1] == ["neighbor"]:
                peer, line = str(st.words[1]), _line(text, st.offset)
                if peer in neighbors:
                    out.append(f"line {line}: BGP neighbor {peer} is in two groups (first at line {neighbors[peer]})")
                neighbors.setdefault(peer, line)
    return out + neighbor_problems(neighbors, addresses)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def problems(text: str) -> list[str]:
    """Parse-back, references, duplicates and neighbour subnets of one Junos config."""
    try:
        tree = parse(text)
    except JunosSyntaxError as exc:
        return [f"does not parse back: {exc}"]
    if dump(tree) != text:
        return ["does not round-trip: the layout hides a structure the parser did not see"]
    defs = definitions(tree)
    out = []
    for kind, name, offset in references(tree):
        if name not in defs.get(kind, []):
            out.append(f"line {_line(text, offset)}: {kind} {name} is referenced but never defined")
    for kind, names in sorted(defs.items()):
        for name in sorted({n for n in names if names.count(n) > 1}):
            out.append(f"{kind} {name} is defined {names.count(name)} times")
    return out + duplicates(tree, text) + bgp_problems(tree, text)

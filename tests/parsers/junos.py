"""Read a Junos curly-brace configuration back into the OS-neutral ``ParsedSwitch``.

A small structural parser of our own, as issue 3 allows for Junos: it turns
the text into statements (words plus either ``;`` or a ``{}`` block), keeping
quoted strings, ``[ a b ]`` lists and comments, and rejects unbalanced braces
and statements that do not end. ``dump`` writes the tree back in Junos' own
layout, so ``dump(parse(text)) == text`` proves the rendered file has exactly
the structure the parser saw.

``parse_switch`` then reads what the switch would do from that tree, following
references the way Junos does (a port's congestion-notification profile, its
classifier, the forwarding class's ``pfc-priority`` and queue), rather than
trusting names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tests.parsers.model import ParsedInterface, ParsedSwitch

INDENT = "    "


class JunosSyntaxError(ValueError):
    """The text is not well-formed Junos curly-brace configuration."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


class Word(str):
    """A word of a statement; ``quoted`` remembers whether it was written in quotes."""

    quoted = False


class QuotedWord(Word):
    """A word that was written in double quotes, so ``dump`` quotes it again."""

    quoted = True


Words = list[Word | list[Word]]


@dataclass
class Comment:
    text: str  # the whole comment, delimiters included


@dataclass
class Statement:
    words: Words
    block: list[Statement | Comment] | None = None  # None: the statement ended with ';'
    offset: int = 0  # where the statement starts in the text

    @property
    def keys(self) -> list[str]:
        """The statement's plain words (lists left out), for path matching."""
        return [w for w in self.words if isinstance(w, str)]


Node = Statement | Comment


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
    | (?P<comment>/\*.*?\*/|\#[^\n]*)
    | (?P<open_comment>/\*)
    | (?P<string>"(?:[^"\\\n]|\\.)*")
    | (?P<open_string>")
    | (?P<punct>[{};\[\]])
    | (?P<word>[^\s{};\[\]"]+)
    """,
    re.S | re.X,
)

Token = tuple[str, str, int]  # kind (word | string | comment | { | } | ; | [ | ]), value, offset


def _unescape(raw: str) -> str:
    """Inside quotes Junos escapes with a backslash; ``\\n`` is a newline (banners)."""
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), raw)


def _escape(value: str) -> str:
    """The inverse of ``_unescape``, so quoted words round-trip."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def tokenize(text: str) -> list[Token]:
    """Tokens with their offset; line numbers are worked out only for an error message."""
    tokens: list[Token] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "ws":
            continue
        value, at = m.group(), m.start()
        if kind == "punct":
            tokens.append((value, value, at))
        elif kind == "string":
            tokens.append(("string", _unescape(value[1:-1]), at))
        elif kind == "open_comment":
            raise JunosSyntaxError("comment /* is never closed", _line(text, at))
        elif kind == "open_string":
            raise JunosSyntaxError("quoted string is never closed on its line", _line(text, at))
        else:
            tokens.append((str(kind), value, at))
    return tokens


def _line(text: str, offset: int) -> int:
    """1-based line of an offset, for error messages only."""
    return text.count("\n", 0, offset) + 1


def _word(token: Token) -> Word:
    """Keep whether the word was quoted so the round trip writes it the same way."""
    return QuotedWord(token[1]) if token[0] == "string" else Word(token[1])


def parse(text: str) -> list[Node]:
    """Text -> statement tree; raises JunosSyntaxError with the offending line."""
    tokens = tokenize(text)
    count = len(tokens)
    pos = 0

    def error(message: str, offset: int) -> JunosSyntaxError:
        return JunosSyntaxError(message, _line(text, offset))

    def block(depth: int, opened_at: int) -> list[Node]:
        """Statements up to the ``}`` that closes this depth (or the end, at depth 0)."""
        nonlocal pos
        nodes: list[Node] = []
        words: Words = []
        start = 0
        while pos < count:
            kind, value, at = tokens[pos]
            pos += 1
            if kind == "word" or kind == "string":
                if not words:
                    start = at
                words.append(_word(tokens[pos - 1]))
            elif kind == ";":
                if not words:
                    raise error("empty statement", at)
                nodes.append(Statement(words, None, start))
                words = []
            elif kind == "{":
                if not words:
                    raise error("block without a name", at)
                name, words = words, []
                nodes.append(Statement(name, block(depth + 1, at), start))
            elif kind == "}":
                if words:
                    raise error(f"statement {_said(words)!r} does not end with ;", at)
                if depth == 0:
                    raise error("} without a matching {", at)
                return nodes
            elif kind == "[":
                items: list[Word] = []
                while pos < count and tokens[pos][0] in ("word", "string"):
                    items.append(_word(tokens[pos]))
                    pos += 1
                if pos >= count or tokens[pos][0] != "]":
                    raise error("list [ is not closed by ]", at)
                pos += 1
                if not words:
                    raise error("list without a keyword", at)
                words.append(items)
            elif kind == "comment":
                if words:
                    raise error("comment inside a statement", at)
                nodes.append(Comment(value))
            else:
                raise error(f"unexpected {value!r}", at)
        if words:
            raise error(f"statement {_said(words)!r} does not end with ;", start)
        if depth:
            raise error("{ is never closed", opened_at)
        return nodes

    return block(0, 0)


def _said(words: Words) -> str:
    """A statement's words as written, for error messages."""
    return " ".join(_spell(w) for w in words)


def _spell(word: Word | list[Word]) -> str:
    """A word or ``[ ]`` list as Junos writes it, quotes restored."""
    if isinstance(word, list):
        return "[ " + " ".join(_spell(w) for w in word) + " ]"
    return f'"{_escape(word)}"' if word.quoted else str(word)


def dump(nodes: list[Node], depth: int = 0) -> str:
    """The tree in Junos' layout: four-space indents, one statement per line."""
    out = []
    pad = INDENT * depth
    for node in nodes:
        if isinstance(node, Comment):
            out.append(f"{pad}{node.text}\n")
            continue
        head = " ".join(_spell(w) for w in node.words)
        if node.block is None:
            out.append(f"{pad}{head};\n")
        else:
            out.append(f"{pad}{head} {{\n{dump(node.block, depth + 1)}{pad}}}\n")
    return "".join(out)


# --- queries -------------------------------------------------------------------


def statements(nodes: list[Node] | None) -> list[Statement]:
    """The statements of a block, comments left out; a missing block reads as empty."""
    return [n for n in nodes or [] if isinstance(n, Statement)]


def section(nodes: list[Node] | None, *path: str) -> list[Node] | None:
    """The block reached by ``path``; each level may consume several words (``unit 0``)."""
    current = nodes
    rest = list(path)
    while rest:
        for st in statements(current):
            keys = st.keys
            if st.block is not None and keys == rest[: len(keys)]:
                current, rest = st.block, rest[len(keys) :]
                break
        else:
            return None
    return current


def leaf(nodes: list[Node] | None, key: str) -> Words | None:
    """The words after ``key`` in the one ``key ...;`` statement of a block."""
    found = [st for st in statements(nodes) if st.block is None and st.words[0] == key]
    if len(found) > 1:
        raise ValueError(f"{key} appears {len(found)} times")
    return found[0].words[1:] if found else None


def flag(nodes: list[Node] | None, *words: str) -> bool:
    """Whether a block holds exactly the statement ``words`` (``disable``, ``priority strict-high``)."""
    return any(st.keys == list(words) for st in statements(nodes))


def named(nodes: list[Node] | None, key: str) -> dict[str, list[Node]]:
    """``key NAME { ... }`` blocks by NAME (``filter X``, ``group X``, ``dscp X``)."""
    return {
        str(st.words[1]): st.block
        for st in statements(nodes)
        if st.block is not None and len(st.words) == 2 and st.words[0] == key
    }


def _values(words: Words | None) -> list[str]:
    """Flatten ``x;`` and ``[ x y ];`` alike."""
    out: list[str] = []
    for w in words or []:
        if isinstance(w, list):
            out.extend(str(v) for v in w)
        else:
            out.append(str(w))
    return out


def _after(words: Words, key: str) -> Words:
    """The words that follow ``key`` in a statement (empty when it is absent)."""
    for i, w in enumerate(words):
        if isinstance(w, str) and w == key:
            return words[i + 1 :]
    return []


def _names(nodes: list[Node] | None, key: str) -> list[str]:
    """``key X;`` leaves or a ``key { X; Y; }`` block, as a list of X."""
    out = _values(leaf(nodes, key))
    out.extend(str(st.words[0]) for st in statements(section(nodes, key)))
    return out


# --- the switch --------------------------------------------------------------------


@dataclass
class _Cos:
    queue: dict[str, int] = field(default_factory=dict)  # forwarding class -> queue
    pfc_priority: dict[str, int] = field(default_factory=dict)  # lossless class -> priority
    classifiers: dict[str, dict[int, str]] = field(default_factory=dict)  # name -> dscp -> class
    schedulers: dict[str, list[Node]] = field(default_factory=dict)
    maps: dict[str, dict[str, str]] = field(default_factory=dict)  # map -> class -> scheduler
    drop_profiles: dict[str, list[Node]] = field(default_factory=dict)
    cnps: dict[str, list[Node]] = field(default_factory=dict)


def _read_cos(cos: list[Node] | None) -> _Cos:
    """Index class-of-service by name so port settings can be followed to queues."""
    out = _Cos()
    for st in statements(section(cos, "forwarding-classes")):
        queue = _values(_after(st.words, "queue-num"))
        if st.words[0] != "class" or not queue:
            continue
        name = str(st.words[1])
        out.queue[name] = int(queue[0])
        priority = _values(_after(st.words, "pfc-priority"))
        if "no-loss" in st.keys and priority:
            out.pfc_priority[name] = int(priority[0])
    for cname, body in named(section(cos, "classifiers"), "dscp").items():
        mapping: dict[int, str] = {}
        for fc, fbody in named(body, "forwarding-class").items():
            for st in statements(fbody):
                if st.words[0] == "loss-priority":
                    for bits in _values(_after(st.words, "code-points")):
                        mapping[int(bits, 2)] = fc
        out.classifiers[cname] = mapping
    out.schedulers = {str(st.words[0]): st.block for st in statements(section(cos, "schedulers")) if st.block}
    out.drop_profiles = {str(st.words[0]): st.block for st in statements(section(cos, "drop-profiles")) if st.block}
    out.cnps = {
        str(st.words[0]): st.block
        for st in statements(section(cos, "congestion-notification-profile"))
        if st.block is not None
    }
    for st in statements(section(cos, "scheduler-maps")):
        out.maps[str(st.words[0])] = {
            str(m.words[1]): str(m.words[3])
            for m in statements(st.block)
            if len(m.words) == 4 and m.words[0] == "forwarding-class" and m.words[2] == "scheduler"
        }
    return out


def _ecn_drop_profile(cos: _Cos, scheduler: str) -> list[Node] | None:
    """The interpolated drop profile a scheduler marks ECN with, if it does."""
    body = cos.schedulers.get(scheduler)
    if not flag(body, "explicit-congestion-notification"):
        return None
    name = _values(_after(leaf(body, "drop-profile-map") or [], "drop-profile"))
    return cos.drop_profiles.get(name[0]) if name else None


def _pfc_priorities(cos: _Cos, cnp: list[Node] | None, classifier: dict[int, str]) -> set[int]:
    """Priorities on which the port both sends PFC and honours it on the class's own queue.

    Input: DSCPs marked ``pfc`` that the port's classifier puts in a no-loss
    class send pauses on that class's ``pfc-priority``. Output: the same
    priority's 802.1p code point must stop that class's queue.
    """
    if cnp is None:
        return set()
    pausing = {
        int(str(st.words[1]), 2)
        for st in statements(section(cnp, "input", "dscp"))
        if st.words[0] == "code-point" and flag(st.block, "pfc")
    }
    honoured = {
        int(str(st.words[1]), 2): int(_values(leaf(st.block, "flow-control-queue"))[0])
        for st in statements(section(cnp, "output", "ieee-802.1"))
        if st.words[0] == "code-point" and leaf(st.block, "flow-control-queue")
    }
    out = set()
    for dscp in pausing:
        fc = classifier.get(dscp)
        if fc in cos.pfc_priority and honoured.get(cos.pfc_priority[fc]) == cos.queue[fc]:
            out.add(cos.pfc_priority[fc])
    return out


def _interfaces(tree: list[Node], cos: _Cos, switch: ParsedSwitch) -> None:
    """Per-port facts, with PFC/ECN/trust taken from the port's class-of-service binding."""
    cos_ifaces = {str(st.words[0]): st.block for st in statements(section(tree, "class-of-service", "interfaces"))}
    for st in statements(section(tree, "interfaces")):
        name, body = str(st.words[0]), st.block
        mtu = leaf(body, "mtu")
        address = leaf(section(body, "unit", "0", "family", "inet"), "address")
        description = leaf(body, "description")
        iface = ParsedInterface(
            name=name,
            mtu=int(str(mtu[0])) if mtu else None,
            address=str(address[0]) if address else None,
            shutdown=flag(body, "disable"),
            description=str(description[0]) if description else "",
        )
        cbody = cos_ifaces.get(name)
        if cbody is not None:
            cnp = _values(leaf(cbody, "congestion-notification-profile"))
            smap = _values(leaf(cbody, "scheduler-map"))
            cls = _values(leaf(section(cbody, "unit", "0", "classifiers"), "dscp"))
            classifier = cos.classifiers.get(cls[0], {}) if cls else {}
            iface.trust_dscp = bool(classifier)
            iface.pfc_priorities = _pfc_priorities(cos, cos.cnps.get(cnp[0]) if cnp else None, classifier)
            fc_map = cos.maps.get(smap[0], {}) if smap else {}
            iface.ecn_on_roce_queue = any(
                fc in cos.pfc_priority and _ecn_drop_profile(cos, sched) is not None for fc, sched in fc_map.items()
            )
        switch.interfaces[name] = iface
    lo = switch.interfaces.get("lo0")
    switch.loopback = lo.address if lo else None


def _qos(cos_tree: list[Node] | None, cos: _Cos, switch: ParsedSwitch) -> None:
    """Switch-wide QoS: DSCP -> queue, lossless and strict queues, ECN fill levels, watchdog."""
    for classifier in cos.classifiers.values():
        for dscp, fc in classifier.items():
            switch.dscp_to_tc[dscp] = cos.queue[fc]
    switch.nodrop_priorities = set(cos.pfc_priority.values())
    used: dict[str, str] = {}
    for fc_map in cos.maps.values():
        used.update(fc_map)
    for fc, sched in used.items():
        if flag(cos.schedulers.get(sched), "priority", "strict-high"):
            switch.strict_priority_tcs.add(cos.queue[fc])
        profile = _ecn_drop_profile(cos, sched) if fc in cos.pfc_priority else None
        if profile is not None:
            interp = section(profile, "interpolate")
            fill = [int(v) for v in _values(leaf(interp, "fill-level"))]
            prob = [int(v) for v in _values(leaf(interp, "drop-probability"))]
            switch.ecn_min_fill_pct, switch.ecn_max_fill_pct = fill[0], fill[-1]
            switch.ecn_max_probability = prob[-1]
    applied = {
        _values(leaf(st.block, "congestion-notification-profile"))[0]
        for st in statements(section(cos_tree, "interfaces"))
        if leaf(st.block, "congestion-notification-profile")
    }
    watchdogs = [
        statement
        for name in sorted(applied)
        for statement in statements(cos.cnps.get(name))
        if statement.keys[0] == "pfc-watchdog"
    ]
    switch.pfc_watchdog = bool(watchdogs)
    if watchdogs:
        switch.pfc_watchdog_ms = _watchdog_ms(watchdogs[0].block)


# Junos CoS guide, "PFC watchdog": with no options the watchdog polls every 100 ms, detects a
# stall after 2 polls and restores the queue after 200 ms.
WATCHDOG_DEFAULTS = {"poll-interval": 100, "detection": 2, "recovery-time": 200}


def _watchdog_ms(block: list[Node] | None) -> tuple[int, int, int]:
    """(detection, restoration, poll) in ms: detection counts polls, recovery-time is in ms."""
    value = {k: int(_values(leaf(block, k))[0]) if leaf(block, k) else v for k, v in WATCHDOG_DEFAULTS.items()}
    return value["detection"] * value["poll-interval"], value["recovery-time"], value["poll-interval"]


def _bfd_timers(body: list[Node] | None) -> tuple[int, int] | None:
    bfd = section(body, "bfd-liveness-detection")
    if bfd is None:
        return None
    interval, multiplier = leaf(bfd, "minimum-interval"), leaf(bfd, "multiplier")
    return int(_values(interval)[0]) if interval else 0, int(_values(multiplier)[0]) if multiplier else 3


def _bgp(tree: list[Node], switch: ParsedSwitch) -> None:
    """Neighbors with their AS (neighbor- or group-level) and which ones run BFD."""
    asn = leaf(section(tree, "routing-options"), "autonomous-system")
    switch.asn = int(str(asn[0])) if asn else None
    for group in named(section(tree, "protocols", "bgp"), "group").values():
        group_as = leaf(group, "peer-as")
        for address, body in named(group, "neighbor").items():
            peer_as = leaf(body, "peer-as") or group_as
            if peer_as is None:
                raise ValueError(f"BGP neighbor {address} has no peer-as")
            switch.neighbors[address] = int(str(peer_as[0]))
            timers = _bfd_timers(body) or _bfd_timers(group)
            if timers is not None:
                switch.bfd_neighbors.add(address)
                switch.bfd_timers.add(timers)


def _load_balancing(tree: list[Node]) -> str:
    """The ecmp-dlb mode, or plain ECMP when none is set (Junos has no default DLB mode)."""
    dlb = section(tree, "forwarding-options", "enhanced-hash-key", "ecmp-dlb")
    modes = [st.keys[0] for st in statements(dlb) if st.keys[0] in ("flowlet", "per-packet", "assigned-flow")]
    if len(modes) > 1:
        raise ValueError(f"ecmp-dlb has several modes: {modes}")
    return modes[0] if modes else "ecmp"


def _acl_cidrs(tree: list[Node]) -> set[str]:
    """Sources the RE filter on lo0.0 admits to SSH and SNMP: the management ACL."""
    applied = _names(section(tree, "interfaces", "lo0", "unit", "0", "family", "inet", "filter"), "input")
    filters = named(section(tree, "firewall", "family", "inet"), "filter")
    prefix_lists = named(section(tree, "policy-options"), "prefix-list")
    out: set[str] = set()
    for name in applied:
        for term in named(filters.get(name), "term").values():
            match = section(term, "from")
            if not {"ssh", "snmp"} & set(_values(leaf(match, "destination-port"))):
                continue
            for plist in _names(match, "source-prefix-list"):
                out.update(str(st.words[0]) for st in statements(prefix_lists.get(plist)))
            out.update(_names(match, "source-address"))
    return out


def parse_switch(text: str) -> ParsedSwitch:
    """What a Junos switch loaded with ``text`` would do, in ParsedSwitch terms."""
    return read_switch(parse(text), text)


def read_switch(tree: list[Node], text: str) -> ParsedSwitch:
    """``parse_switch`` for a tree already parsed from ``text``."""
    host = leaf(section(tree, "system"), "host-name")
    switch = ParsedSwitch(hostname=str(host[0]) if host else "", text=text)
    cos_tree = section(tree, "class-of-service")
    cos = _read_cos(cos_tree)
    _interfaces(tree, cos, switch)
    _qos(cos_tree, cos, switch)
    _bgp(tree, switch)
    switch.load_balancing = _load_balancing(tree)
    switch.acl_cidrs = _acl_cidrs(tree)
    switch.ntp_servers = {
        str(st.words[1]) for st in statements(section(tree, "system", "ntp")) if st.words[0] == "server"
    }
    return switch

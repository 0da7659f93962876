"""Section-aware diffs of one device's config: each format parsed into its hierarchy.

A config becomes a set of paths (a line with every block it sits in, or a JSON/YAML key
path with its value), so a change reads as "interface Ethernet1 > mtu 9214 added", not as
a line moved by an earlier insertion. NX-OS and EOS go through hier_config, which also
gives the remediation commands that turn the old config into the new one; Junos is read
by its braces; SONiC, NVUE and SR Linux are JSON or YAML and compared as data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str, ...]
HIER_OS = {"eos": "eos", "nxos": "nxos"}


@dataclass
class FileDiff:
    """What changed in one file: paths only in the new one, only in the old one, and
    (for data formats) paths whose value changed; remediation for hier_config OSes."""

    path: str
    added: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    changed: list[Path] = field(default_factory=list)
    remediation: list[str] = field(default_factory=list)
    woken: list[str] = field(default_factory=list)  # ports shut in the old config and up in the new


def _indented(text: str, comment: str = "!") -> set[Path]:
    """Paths of an indentation-structured config (FRR, the fallback for any text)."""
    out: set[Path] = set()
    stack: list[tuple[int, str]] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped or stripped.startswith(comment) or stripped.startswith("#"):
            continue
        depth = len(line) - len(line.lstrip())
        while stack and stack[-1][0] >= depth:
            stack.pop()
        stack.append((depth, stripped))
        out.add(tuple(s for _, s in stack))
    return out


_JUNOS_TOKEN = re.compile(r"/\*.*?\*/|#[^\n]*|\"(?:\\.|[^\"])*\"|[{};]|[^\s{};\"]+(?:\"(?:\\.|[^\"])*\")?", re.S)


def junos_paths(text: str) -> set[Path]:
    """Paths of a curly-brace Junos config: each ``statement;`` with its enclosing blocks."""
    out: set[Path] = set()
    stack: list[str] = []
    words: list[str] = []
    for token in _JUNOS_TOKEN.findall(text):
        if token.startswith("/*") or token.startswith("#"):
            continue
        if token == "{":
            stack.append(" ".join(words))
            words = []
        elif token == ";":
            out.add((*stack, " ".join(words)))
            words = []
        elif token == "}":
            if words:
                out.add((*stack, " ".join(words)))
                words = []
            if stack:
                out.add(tuple(stack))
                stack.pop()
        else:
            words.append(token)
    return out


# Fields that key a YANG list entry (SR Linux, OpenConfig-style JSON): an entry is then
# found by its key, not its position, so an insertion earlier in the list changes nothing.
LIST_KEYS = ("name", "interface-id", "id", "sequence-id", "index", "peer-address", "ip-prefix", "prefix", "address")


def _list_key(item: Any, position: int) -> str:
    if isinstance(item, dict):
        for key in LIST_KEYS:
            if isinstance(item.get(key), (str, int)):
                return f"{key}={item[key]}" if key != "name" else str(item[key])
    return str(position)


def _flatten(value: Any, prefix: Path = ()) -> dict[Path, str]:
    if isinstance(value, dict):
        out: dict[Path, str] = {}
        for k, v in value.items():
            out.update(_flatten(v, (*prefix, str(k))))
        return out or {prefix: "{}"}
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return {prefix: json.dumps(value)}
        out = {}
        for i, v in enumerate(value):
            out.update(_flatten(v, (*prefix, _list_key(v, i))))
        return out
    return {prefix: json.dumps(value)}


def _data(path: str, text: str) -> Any:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    if path.endswith(".json") or path.endswith(".srl"):
        try:
            return json.loads(body)
        except ValueError:
            return None
    if path.endswith((".yaml", ".yml")):
        return yaml.safe_load(body)
    return None


def diff_file(path: str, os: str, old: str | None, new: str | None) -> FileDiff:
    """The semantic difference of one device file (``None``: the file is absent on that side)."""
    result = FileDiff(path)
    old_data = _data(path, old) if old is not None else None
    new_data = _data(path, new) if new is not None else None
    if (old is None or old_data is not None) and (new is None or new_data is not None) and (old or new):
        fa = _flatten(old_data) if old is not None else {}
        fb = _flatten(new_data) if new is not None else {}
        # The value ends each path, so a flag can read it ("admin_status", '"down"').
        result.added = sorted((*p, fb[p]) for p in fb if p not in fa)
        result.removed = sorted((*p, fa[p]) for p in fa if p not in fb)
        result.changed = sorted((*p, fb[p]) for p in fa if p in fb and fa[p] != fb[p])
        result.woken = _woken([(*p, fa[p]) for p in fa if p not in fb or fa[p] != fb[p]])
        return result
    if os == "junos" and not path.endswith(".frr.conf"):
        a, b = junos_paths(old or ""), junos_paths(new or "")
    else:
        a, b = _indented(old or ""), _indented(new or "")
    result.added, result.removed = sorted(b - a), sorted(a - b)
    result.woken = _woken(result.removed)
    if os in HIER_OS and not path.endswith(".frr.conf"):
        result.remediation = remediation(os, old or "", new or "")
    return result


SHUT = re.compile(r'(?:^|\s)(?:shutdown|disable);?$|admin-state "?disable|admin_status "?down|\bstate down\b', re.I)
PORT_NAME = re.compile(r"^(?:swp\d|Ethernet\d|ethernet-\d|Eth\d|eth\d|et-\d|xe-\d|ge-\d|mgmt\d)")


def port_of(path: Path) -> str | None:
    """The port a path is about: ``interface X`` (CLI) or the last element named like a port."""
    for element in reversed(path):
        if element.startswith("interface ") and PORT_NAME.match(element[len("interface ") :]):
            return element[len("interface ") :]
        name = element.split("=", 1)[-1].split("|")[0]  # a list key (interface-id=X) or a SONiC key (X|3)
        if PORT_NAME.match(name):
            return name
    return None


def _woken(old_paths: list[Path]) -> list[str]:
    """Ports whose shutdown (or down state) the old config had and the new one lost."""
    out = set()
    for path in old_paths:
        if not path[-1].startswith("no ") and SHUT.search(" ".join(path[-3:])):
            port = port_of(path)
            if port:
                out.add(port)
    return sorted(out)


def remediation(os: str, old: str, new: str) -> list[str]:
    """hier_config's commands that take a switch running ``old`` to ``new`` (hier-config is the
    ``plan`` extra; without it the diff still works and the remediation says what to install)."""
    try:
        from hier_config import Host  # type: ignore[import-untyped]
    except ImportError:
        return ["! remediation needs hier-config: pip install 'aiinfra[plan]'"]

    host = Host("device", HIER_OS[os])
    host.load_running_config(old)
    host.load_generated_config(new)
    return [str(line) for line in str(host.remediation_config_filtered_text(set(), set())).splitlines()]

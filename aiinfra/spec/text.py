"""Validated text types: free text can never become configuration or code.

Every string a user writes reaches a switch CLI, a YAML/JSON file that Ansible
templates, a shell step or an installer. Three things turn text into commands
there, and each is refused at the boundary, with a message naming what:

* a line break or other control character ends a CLI statement and starts the
  next one (``location: "r\\nusername evil role network-admin"``); invisible
  bidi controls make a reviewer read something other than what runs;
* a Jinja delimiter (``{{``, ``{%``, ``{#`` and their closers) is evaluated by
  Ansible when it templates a rendered file (``{{ lookup('pipe', 'id') }}``);
* a banner terminator (a line ``EOF`` for EOS, ``^`` for NX-OS) ends a
  multi-line banner early, so the rest of the banner is read as CLI.

Names that are identifiers elsewhere (host names, domains, image references,
catalog keys, interface names) get strict grammars instead of a blacklist.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from ipaddress import IPv4Address
from pathlib import Path
from string import Formatter
from typing import Annotated

from pydantic import AfterValidator, Field

MAX_FREE_TEXT = 1024
"""Longest free-text value anywhere; per-field and per-OS limits are tighter."""

_CONTROL_NAMES = {
    0x00: "NUL",
    0x09: "TAB",
    0x0A: "LF (line feed)",
    0x0B: "VT (vertical tab)",
    0x0C: "FF (form feed)",
    0x0D: "CR (carriage return)",
    0x1B: "ESC",
    0x7F: "DEL",
    0x85: "NEL (next line)",
    0x2028: "LINE SEPARATOR",
    0x2029: "PARAGRAPH SEPARATOR",
    0xFEFF: "ZERO WIDTH NO-BREAK SPACE (BOM)",
}

_BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}

TEMPLATE_DELIMITERS = ("{{", "}}", "{%", "%}", "{#", "#}")

EOS_BANNER_END = "EOF"
NXOS_BANNER_DELIMITER = "^"


def forbidden_char(ch: str) -> bool:
    """True for every character free text may not contain (LF included)."""
    cp = ord(ch)
    return (
        cp < 0x20
        or 0x7F <= cp <= 0x9F
        or cp in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF)
        or cp in _BIDI
        or 0xD800 <= cp <= 0xDFFF
    )


def _describe(ch: str) -> str:
    cp = ord(ch)
    if cp in _CONTROL_NAMES:
        name = _CONTROL_NAMES[cp]
    elif cp in _BIDI:
        name = f"bidirectional control {unicodedata.name(ch, 'character')}"
    elif 0xD800 <= cp <= 0xDFFF:
        name = "lone surrogate"
    else:
        name = unicodedata.name(ch, "control character")
    return f"U+{cp:04X} {name}"


def _check_chars(value: str, allow_lf: bool) -> None:
    for i, ch in enumerate(value):
        if ch == "\n" and allow_lf:
            continue
        if forbidden_char(ch):
            hint = "; only a banner may span lines, with LF alone" if ch in "\r\n\x0b\x0c\x85\u2028\u2029" else ""
            raise ValueError(f"{_describe(ch)} at character {i + 1} is not allowed in free text{hint}")


def _check_delimiters(value: str) -> None:
    for delim in TEMPLATE_DELIMITERS:
        if delim in value:
            raise ValueError(
                f"{delim!r} is a Jinja template delimiter, which Ansible would evaluate; free text may not "
                f"contain {', '.join(repr(d) for d in TEMPLATE_DELIMITERS)}"
            )


def check_free_text(value: str) -> str:
    """One line of text: no control, bidi or line-break characters, no template delimiters."""
    _check_chars(value, allow_lf=False)
    _check_delimiters(value)
    return value


def check_banner(value: str) -> str:
    """A multi-line banner: LF separates lines; nothing may end the banner early."""
    _check_chars(value, allow_lf=True)
    _check_delimiters(value)
    for n, line in enumerate(value.split("\n"), 1):
        if line.strip().upper() == EOS_BANNER_END:
            raise ValueError(
                f"line {n} of the banner is {line.strip()!r}, which ends an EOS banner; the lines after it "
                "would run as commands"
            )
    if NXOS_BANNER_DELIMITER in value:
        raise ValueError(f"{NXOS_BANNER_DELIMITER!r} delimits the NX-OS banner and may not appear in it")
    if '"' in value:
        raise ValueError("'\"' may not appear in the banner: quoted banners (Junos, NVUE) would end there")
    return value


_JSON_NO_DELIMITERS = r"(?![\s\S]*(\{\{|\}\}|\{%|%\}|\{#|#\}))"
_JSON_OTHER = r"\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff"
_JSON_FREE_TEXT = rf"^{_JSON_NO_DELIMITERS}[^\u0000-\u001f{_JSON_OTHER}]*$"
_JSON_BANNER = rf"^{_JSON_NO_DELIMITERS}[^\u0000-\u0009\u000b-\u001f{_JSON_OTHER}^\"]*$"
"""The same rules as ECMA-262 patterns, for editors that check the spec against the JSON Schema."""

FreeText = Annotated[
    str,
    AfterValidator(check_free_text),
    Field(max_length=MAX_FREE_TEXT, json_schema_extra={"pattern": _JSON_FREE_TEXT}),
]
"""One line of human text (names, descriptions, SNMP location): see :func:`check_free_text`."""

BannerText = Annotated[
    str,
    AfterValidator(check_banner),
    Field(max_length=MAX_FREE_TEXT * 2, json_schema_extra={"pattern": _JSON_BANNER}),
]
"""A login banner; the only text that may span lines."""

# --- identifiers -----------------------------------------------------------------------

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_LABEL_RE = re.compile(_LABEL)
MAX_DOMAIN = 253


def fullmatch_check(pattern: re.Pattern[str], rule: str) -> Callable[[str], str]:
    """A validator accepting exactly the strings ``pattern`` matches whole; the error is
    ``'<value>' <rule>``, so every identifier type says what it takes the same way."""

    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(f"{value!r} {rule}")
        return value

    return check


def _dotted_labels(value: str) -> bool:
    """Every dot-separated part is an RFC 1123 label, and the whole fits a DNS name."""
    return len(value) <= MAX_DOMAIN and all(_LABEL_RE.fullmatch(label) for label in value.split("."))


check_host_label = fullmatch_check(
    _LABEL_RE,
    "is not a host name: 1-63 lower-case letters, digits and '-', not starting or ending with '-' (RFC 1123)",
)


def check_domain(value: str) -> str:
    """A DNS name of at least two labels, each an RFC 1123 label, 253 characters in all."""
    if len(value) > MAX_DOMAIN:
        raise ValueError(f"a domain name is at most {MAX_DOMAIN} characters; this one has {len(value)}")
    if "." not in value or not _dotted_labels(value):
        raise ValueError(
            f"{value!r} is not a domain name: two or more dot-separated labels of 1-63 lower-case letters, "
            "digits and '-', not starting or ending with '-' (RFC 1123)"
        )
    return value


def check_host(value: str) -> str:
    """A host name (one label or a fully qualified name) or an IPv4 address."""
    try:
        IPv4Address(value)
        return value
    except ValueError:
        pass
    if _dotted_labels(value):
        return value
    raise ValueError(
        f"{value!r} is not a host name or IPv4 address: one or more dot-separated labels of 1-63 lower-case "
        f"letters, digits and '-', not starting or ending with '-' (RFC 1123), {MAX_DOMAIN} characters in all"
    )


HostLabel = Annotated[str, AfterValidator(check_host_label), Field(json_schema_extra={"pattern": f"^{_LABEL}$"})]
"""One RFC 1123 label, e.g. a device name."""

DomainName = Annotated[
    str,
    AfterValidator(check_domain),
    Field(max_length=MAX_DOMAIN, json_schema_extra={"pattern": rf"^{_LABEL}(\.{_LABEL})+$"}),
]
"""A DNS domain, e.g. ``lab.aiinfra.example``."""

HostName = Annotated[str, AfterValidator(check_host)]
"""A host (label or FQDN) or an IPv4 address, e.g. a vCenter or Prism Central address."""

# OCI distribution spec, "name" and "tag" grammar (distribution/reference).
_OCI_COMPONENT = r"[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*"
_OCI_DOMAIN_PART = r"(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])"
_OCI_DOMAIN = rf"{_OCI_DOMAIN_PART}(?:\.{_OCI_DOMAIN_PART})*"
_OCI_REPOSITORY = re.compile(rf"(?:{_OCI_DOMAIN}(?::[0-9]+)?/)?{_OCI_COMPONENT}(?:/{_OCI_COMPONENT})*")
_OCI_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
MAX_OCI_NAME = 255


def check_image_repository(value: str) -> str:
    if len(value) > MAX_OCI_NAME or not _OCI_REPOSITORY.fullmatch(value):
        raise ValueError(
            f"{value!r} is not an OCI repository: [registry[:port]/]path, path components of lower-case "
            f"letters and digits joined by '.', '_', '__' or '-', at most {MAX_OCI_NAME} characters"
        )
    return value


check_image_tag = fullmatch_check(
    _OCI_TAG, "is not an OCI tag: 1-128 letters, digits, '_', '.' and '-', not starting with '.' or '-'"
)


ImageRepository = Annotated[str, AfterValidator(check_image_repository)]
ImageTag = Annotated[str, AfterValidator(check_image_tag)]

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}")


# A single word: a user name, a profile or catalog-style identifier.
check_token = fullmatch_check(
    _TOKEN,
    "must be one word of 1-128 letters, digits, '_', '.', '@', '+' and '-', starting with a letter or digit",
)


Token = Annotated[str, AfterValidator(check_token)]
"""One word, no spaces: user names, vGPU profiles, OS releases."""

_RELEASE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.()+-]{0,31}")


check_release = fullmatch_check(_RELEASE, "is not an OS release: 1-32 letters, digits, '_', '.', '(', ')', '+' and '-'")


OsRelease = Annotated[str, AfterValidator(check_release)]
"""A release name such as ``10.5(2)F`` or ``23.4R2-EVO``."""

_CATALOG_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


check_catalog_name = fullmatch_check(
    _CATALOG_NAME,
    "is not a catalog name: 1-64 lower-case letters, digits, '.', '_' and '-', starting with a letter or digit",
)


CatalogName = Annotated[str, AfterValidator(check_catalog_name)]
"""A key of the hardware catalog (``sn5600``, ``dgx-h100``)."""


Netdev = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:-]{1,15}$", description="Linux interface name (IFNAMSIZ)")]
RdmaName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,63}$", description="RDMA device name")]


def check_path_text(value: Path) -> Path:
    check_free_text(str(value))
    return value


SafePath = Annotated[Path, AfterValidator(check_path_text), Field(description="A file path, relative to the spec.")]
"""A path the user names: no control characters, so messages and logs print it as written."""

__all__ = [
    "MAX_FREE_TEXT",
    "TEMPLATE_DELIMITERS",
    "BannerText",
    "CatalogName",
    "DomainName",
    "FreeText",
    "HostLabel",
    "HostName",
    "ImageRepository",
    "ImageTag",
    "Netdev",
    "OsRelease",
    "RdmaName",
    "SafePath",
    "Token",
    "check_banner",
    "check_free_text",
    "forbidden_char",
]


_NAME_TEXT = re.compile(r"[A-Za-z0-9/:._-]*")
MAX_PORT_PATTERN = 64


def format_fields(pattern: str, allowed: tuple[str, ...]) -> set[str]:
    """The fields of a ``str.format`` pattern, refusing anything but plain ``{name}``.

    A format spec or conversion (``{port:>200000000}``, ``{port!r}``) is refused,
    because it lets data choose how much memory a name takes; an unknown field
    (``{nonexistent}``) is refused here rather than failing inside the design.
    """
    if len(pattern) > MAX_PORT_PATTERN:
        raise ValueError(f"a name pattern is at most {MAX_PORT_PATTERN} characters; this one has {len(pattern)}")
    fields: set[str] = set()
    try:
        parsed = list(Formatter().parse(pattern))
    except ValueError as exc:
        raise ValueError(f"{pattern!r} is not a valid name pattern: {exc}") from None
    for literal, name, spec, conversion in parsed:
        if not _NAME_TEXT.fullmatch(literal):
            bad = next(ch for ch in literal if not _NAME_TEXT.fullmatch(ch))
            raise ValueError(
                f"{bad!r} may not appear in an interface name; use letters, digits and '/', ':', '.', '_', '-'"
            )
        if name is None:
            continue
        if name not in allowed:
            raise ValueError(f"unknown field {{{name}}} in {pattern!r}; valid fields: {', '.join(allowed)}")
        if spec or conversion:
            raise ValueError(
                f"write the field as {{{name}}}: a format spec or conversion "
                f"({'!' + conversion if conversion else ''}{':' + spec if spec else ''}) is not allowed"
            )
        fields.add(name)
    return fields

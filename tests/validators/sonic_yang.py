"""SONiC's own YANG models (sonic-buildimage 202411) as the judge of every rendered config_db.json.

Every model in ``shared/schemas/sonic-yang-202411/yang-models`` is loaded into one libyang
context (built once per process). Each CONFIG_DB table is placed where the models put it,
the way sonic-buildimage's ``sonic-yang-mgmt`` translator does:

- table ``T`` lives in the module whose top container holds a container ``T``;
- a key ``a|b`` goes to the list under ``T`` with that many key leaves, split on ``|``
  (INTERFACE has a one-key and a two-key list, for instance);
- a container under ``T`` named like the key holds keyed singletons
  (``DEVICE_METADATA|localhost``, ``TACPLUS|global``, ``FLEX_COUNTER_TABLE|QUEUE``);
- a map table (``DSCP_TO_TC_MAP|AIINFRA: {"26": "3"}``) fills the list nested inside
  its list entry, one entry per field, as sonic-yang-mgmt's "type 1 map list" does.

Values are handed to libyang as strings (CONFIG_DB's own representation), so libyang
parses them with each leaf's type, pattern and range. The whole file then validates as
one complete datastore, which applies ``mandatory``, ``must``, ``when`` and ``leafref``.
A table, field or key shape the models do not know is a problem, never a skip.

Every value libyang refuses on creation (type, pattern, range, length) is reported; the
datastore validation of libyang 2.1.30 (Debian's, under the Python binding) stops at its
first error, so a file shows one ``validation:`` problem at a time. Secrets are rendered
as Ansible expressions and judged as a sample value (``VAULT_SAMPLE``): the vault's own
value must meet the same patterns, which only the deploy can see.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import libyang

# The shared schema folder sits beside the repository (../shared, as the other vendor checks expect).
MODELS = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "sonic-yang-202411" / "yang-models"
CONFIG_GLOB = "configs/"
# A secret is rendered as an Ansible expression ("{{ vault_tacacs_key }}") that the deploy
# templates in; the box sees the vault's value. The models judge a sample secret in its
# place, so the field itself (present, in the right leaf) is still checked.
ANSIBLE_EXPRESSION = re.compile(r"\{\{.*?\}\}")
VAULT_SAMPLE = "Vault0Secret1"


@dataclass(frozen=True)
class Table:
    """Where one CONFIG_DB table sits in the models."""

    module: str
    lists: tuple[libyang.SList, ...]  # lists directly under the table container
    containers: dict[str, libyang.SContainer] = field(default_factory=dict)

    def base(self, table: str) -> str:
        return f"/{self.module}:{self.module}/{table}"


@cache
def context() -> libyang.Context:
    """One context holding every 202411 model (they import each other by name)."""
    paths = sorted(MODELS.glob("*.yang"))
    if not paths:
        raise FileNotFoundError(f"no SONiC YANG models under {MODELS}")
    ctx = libyang.Context(str(MODELS))
    for path in paths:
        ctx.load_module(path.stem)
    return ctx


@cache
def tables() -> dict[str, Table]:
    """CONFIG_DB table name -> its place in the models."""
    out: dict[str, Table] = {}
    for module in context():
        if not module.implemented():
            continue
        for top in module.children():
            if not isinstance(top, libyang.SContainer) or top.name() != module.name():
                continue
            for table in top.children():
                if not isinstance(table, libyang.SContainer):
                    continue
                kids = list(table.children())
                out[table.name()] = Table(
                    module.name(),
                    tuple(k for k in kids if isinstance(k, libyang.SList)),
                    {k.name(): k for k in kids if isinstance(k, libyang.SContainer)},
                )
    return out


def _quote(value: str) -> str:
    """An XPath literal for a list-key predicate."""
    return f"'{value}'" if "'" not in value else f'"{value}"'


def _key_names(lst: libyang.SList) -> list[str]:
    """The list's key leaves, in key order (``SList.keys`` is schema, not a mapping)."""
    return [k.name() for k in lst.keys()]  # noqa: SIM118


def _children(node: libyang.SContainer | libyang.SList) -> dict[str, libyang.SNode]:
    return {c.name(): c for c in node.children()}


def _text(value: Any) -> str:
    return ANSIBLE_EXPRESSION.sub(VAULT_SAMPLE, str(value))


def _values(value: Any) -> list[str]:
    """ConfigDB stores strings; a list (a redis ``field@``) is a leaf-list."""
    return [_text(v) for v in value] if isinstance(value, list) else [_text(value)]


class Builder:
    """Paths and values for one config_db.json, with the problems met on the way."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.paths: list[tuple[str, str | None]] = []
        self.problems: list[str] = []

    def problem(self, where: str, msg: str) -> None:
        self.problems.append(f"{self.name}: {where}: {msg}")

    def fields(
        self, where: str, base: str, schema: libyang.SContainer | libyang.SList, entry: Any, skip: tuple[str, ...] = ()
    ) -> None:
        """Leaves (and map-list entries) of one row under ``base``."""
        if not isinstance(entry, dict):
            self.problem(where, f"a row must be an object, not {type(entry).__name__}")
            return
        kids = _children(schema)
        nested = [k for k in kids.values() if isinstance(k, libyang.SList)]
        if not entry or all(k in skip for k in entry):
            self.paths.append((base, None))
        for name, value in sorted(entry.items()):
            if name in skip:
                continue
            leaf = kids.get(name)
            if isinstance(leaf, libyang.SLeafList):
                for v in _values(value):
                    self.paths.append((f"{base}/{name}", v))
            elif isinstance(leaf, libyang.SLeaf):
                if isinstance(value, list):
                    self.problem(f"{where}/{name}", "a list given for a single-valued leaf")
                    continue
                self.paths.append((f"{base}/{name}", _text(value)))
            elif len(nested) == 1 and not isinstance(value, (list, dict)):
                inner = nested[0]
                key = _key_names(inner)[0]
                leaves = [c.name() for c in inner.children() if c.name() != key]
                self.paths.append((f"{base}/{inner.name()}[{key}={_quote(name)}]/{leaves[0]}", _text(value)))
            else:
                self.problem(f"{where}/{name}", f"no such field in {schema.name()}")

    def row(self, table: str, model: Table, key: str, entry: Any) -> None:
        where = f"{table}|{key}"
        if key in model.containers:
            container = model.containers[key]
            self.fields(where, f"{model.base(table)}/{key}", container, entry)
            return
        parts = key.split("|")
        fits = [lst for lst in model.lists if len(_key_names(lst)) == len(parts)]
        if not fits:
            shapes = sorted({len(_key_names(lst)) for lst in model.lists})
            self.problem(where, f"no {table} list takes {len(parts)} key part(s); the models take {shapes or 'none'}")
            return
        lst = fits[0]
        names = _key_names(lst)
        predicate = "".join(f"[{n}={_quote(v)}]" for n, v in zip(names, parts, strict=True))
        self.fields(where, f"{model.base(table)}/{lst.name()}{predicate}", lst, entry, skip=tuple(names))

    def config_db(self, data: Any) -> None:
        if not isinstance(data, dict):
            self.problem("/", "config_db.json must be an object of tables")
            return
        known = tables()
        for table, rows in sorted(data.items()):
            model = known.get(table)
            if model is None:
                self.problem(table, "no SONiC 202411 YANG model defines this table")
                continue
            if not isinstance(rows, dict):
                self.problem(table, "a table must be an object of rows")
                continue
            for key, entry in sorted(rows.items()):
                self.row(table, model, key, entry)


def _error(exc: libyang.LibyangError) -> str:
    return " ".join(str(exc).split())


def validate(name: str, data: Any) -> list[str]:
    """Every problem the 202411 models find in one parsed config_db.json."""
    builder = Builder(name)
    builder.config_db(data)
    ctx = context()
    root: libyang.DNode | None = None
    for path, value in builder.paths:
        try:
            node = ctx.create_data_path(path, parent=root, value=value)
        except libyang.LibyangError as exc:
            builder.problem(path, _error(exc).replace(f"cannot create data path: {path}: ", ""))
            continue
        if root is None and node is not None:
            root = node.root()
    if root is not None:
        try:
            root.first_sibling().validate(no_state=True)
        except libyang.LibyangError as exc:
            builder.problem("validation", _error(exc))
        finally:
            root.first_sibling().free()
    return builder.problems


def sonic_files(files: Mapping[str, bytes]) -> Iterator[tuple[str, bytes]]:
    """The SONiC config_db files among ``files``: configs/*.json."""
    for path, body in sorted(files.items()):
        if path.startswith(CONFIG_GLOB) and path.endswith(".json") and "/" not in path[len(CONFIG_GLOB) :]:
            yield path, body


def problems(files: Mapping[str, bytes]) -> list[str]:
    """``path: message`` for everything the SONiC 202411 models refuse in ``files``."""
    out: list[str] = []
    for path, body in sonic_files(files):
        try:
            data = json.loads(body)
        except ValueError as exc:
            out.append(f"{path}: not JSON: {exc}")
            continue
        out += validate(path, data)
    return out

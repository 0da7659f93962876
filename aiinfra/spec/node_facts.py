"""The optional per-node inventory file (``compute.node_facts``): CSV or YAML.

A spec describes the cluster it wants; some facts only the site has: MAC
addresses, BMC addresses, serial numbers, which disk to install on, and the
netdev/RDMA names a site gave its NICs. They live in one file beside the spec
so platform outputs that need them (OpenShift agent-config MACs, root-disk
hints) can be rendered without placeholders.

Every problem is a :class:`Diagnostic` positioned in the facts file itself,
like the spec loader's, and all of them are reported at once.

YAML shape::

    nodes:
      lab-gpu-001:
        serial: SN123
        bmc_address: 192.168.0.60
        bmc_mac: "aa:bb:cc:00:00:01"
        macs: {enp170s0f0np0: "aa:bb:cc:00:01:00"}
        root_device: {device_name: /dev/nvme0n1}
        netdevs: {enp24s0np0: gpu0_eth}      # catalog name -> site name
        rdma_devices: {mlx5_0: mlx5_11}

CSV shape: a header row with ``host`` and any of ``serial``, ``bmc_address``,
``bmc_mac``, ``root_device.<hint>``, ``mac.<netdev>``, ``netdev.<catalog name>``,
``rdma.<catalog name>``; one row per node; an empty cell means "not given".
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from ipaddress import IPv4Address
from pathlib import Path as FsPath
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, Field, ValidationError

from aiinfra.errors import Diagnostic, Path, SpecError
from aiinfra.spec.base import Strict
from aiinfra.spec.errors import translate_validation_error
from aiinfra.spec.loader import MAX_MAPPING_KEYS, SourceMap, load_yaml, read_bounded
from aiinfra.spec.text import FreeText, HostLabel, Netdev, RdmaName

MAX_CSV_COLUMNS = 1024


def check_unicast_mac(value: str) -> str:
    """A MAC a device can own: not all-zero, not broadcast, not multicast (I/G bit set)."""
    octets = [int(part, 16) for part in value.split(":")]
    if not any(octets):
        raise ValueError(f"{value} is the all-zero MAC, which no interface owns")
    if all(o == 0xFF for o in octets):
        raise ValueError(f"{value} is the broadcast MAC, which no interface owns")
    if octets[0] & 1:
        raise ValueError(f"{value} is a multicast MAC (the first octet is odd); an interface MAC is unicast")
    return value


Mac = Annotated[
    str,
    Field(pattern=r"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$", description="aa:bb:cc:dd:ee:ff"),
    AfterValidator(check_unicast_mac),
]


def check_device_name(value: str) -> str:
    if ".." in value.split("/"):
        raise ValueError(f"{value!r}: '..' may not appear in a device path")
    return value


class RootDeviceHints(Strict):
    """Which disk to install on; the OpenShift agent-config ``rootDeviceHints`` keys."""

    device_name: Annotated[str, AfterValidator(check_device_name)] | None = Field(
        default=None, pattern=r"^/dev/[A-Za-z0-9._/:+-]+$", max_length=255
    )
    hctl: str | None = Field(default=None, pattern=r"^[0-9]{1,10}:[0-9]{1,10}:[0-9]{1,10}:[0-9]{1,10}$")
    model: FreeText | None = Field(default=None, max_length=255)
    vendor: FreeText | None = Field(default=None, max_length=255)
    serial_number: FreeText | None = Field(default=None, max_length=255)
    wwn: str | None = Field(default=None, pattern=r"^0x[0-9a-fA-F]{1,64}$")
    min_size_gigabytes: int | None = Field(default=None, ge=1, le=1_000_000)
    rotational: bool | None = None


class NodeFacts(Strict):
    """Facts about one node that only the site knows."""

    serial: FreeText | None = Field(default=None, min_length=1, max_length=64)
    bmc_address: IPv4Address | None = Field(default=None, description="Overrides the planned BMC address.")
    bmc_mac: Mac | None = None
    macs: dict[Netdev, Mac] = Field(default_factory=dict, max_length=64, description="MAC per netdev (site names).")
    root_device: RootDeviceHints | None = None
    netdevs: dict[Netdev, Netdev] = Field(
        default_factory=dict, max_length=64, description="Catalog netdev name -> site name."
    )
    rdma_devices: dict[RdmaName, RdmaName] = Field(
        default_factory=dict, max_length=64, description="Catalog RDMA name -> site."
    )


class NodeFactsFile(Strict):
    """The whole facts file: node name -> facts."""

    nodes: dict[HostLabel, NodeFacts] = Field(max_length=MAX_MAPPING_KEYS)


@dataclass(frozen=True)
class LoadedFacts:
    """Validated facts with their source, for positioned cross-checks against the design."""

    facts: NodeFactsFile
    source: SourceMap
    path: FsPath

    def diagnostic(self, path: Path, message: str) -> Diagnostic:
        return self.source.diagnostic(path, message)


def resolve(spec_dir: FsPath, relative: FsPath) -> FsPath:
    """The facts path as the spec means it: relative to the spec's folder."""
    return relative if relative.is_absolute() else spec_dir / relative


def load_node_facts(file: FsPath) -> LoadedFacts:
    """Read and validate a facts file (``.csv``, ``.yaml`` or ``.yml``); raise SpecError listing every problem."""
    suffix = file.suffix.lower()
    if suffix == ".csv":
        data, source = _load_csv(file)
    elif suffix in (".yaml", ".yml"):
        data, source = load_yaml(file, display_name=str(file))
    else:
        kind = suffix or "no extension"
        message = f"node facts must be a .csv, .yaml or .yml file, not {kind!r}"
        raise SpecError([Diagnostic(message, file=str(file))])
    if not isinstance(data, dict):
        raise SpecError([source.diagnostic((), "the top level must be a mapping with a 'nodes' key")])
    try:
        facts = NodeFactsFile.model_validate(data)
    except ValidationError as exc:
        raise SpecError(
            [source.diagnostic(p, m) for p, m in translate_validation_error(exc, root=NodeFactsFile)]
        ) from None
    duplicates = duplicate_macs(facts)
    if duplicates:
        raise SpecError([source.diagnostic(p, m) for p, m in duplicates])
    return LoadedFacts(facts, source, file)


def duplicate_macs(facts: NodeFactsFile) -> list[tuple[Path, str]]:
    """Every BMC MAC that another BMC or a NIC also claims, at the second place.

    A MAC belongs to one interface; a copied row would give two BMCs, or a BMC
    and a NIC, one address, and DHCP reservations would then bind the wrong
    machine. (Two NICs sharing a MAC are reported by the design's node checks.)
    """
    first: dict[str, tuple[str, bool]] = {}
    out: list[tuple[Path, str]] = []
    for host, node in facts.nodes.items():
        places: list[tuple[Path, str, bool]] = []
        if node.bmc_mac is not None:
            places.append((("nodes", host, "bmc_mac"), node.bmc_mac, True))
        places += [(("nodes", host, "macs", netdev), mac, False) for netdev, mac in node.macs.items()]
        for path, mac, is_bmc in places:
            key = mac.lower()
            where = f"{host} BMC" if is_bmc else f"{host} {path[-1]}"
            if key not in first:
                first[key] = (where, is_bmc)
            elif is_bmc or first[key][1]:
                out.append((path, f"MAC {mac} is also {first[key][0]}; every interface needs its own MAC"))
    return out


# --- CSV --------------------------------------------------------------------------------

_SCALAR_COLUMNS = ("serial", "bmc_address", "bmc_mac")
_PREFIX_COLUMNS = {"mac": "macs", "netdev": "netdevs", "rdma": "rdma_devices", "root_device": "root_device"}


def _mark(line: int, column: int) -> yaml.Mark:
    return yaml.Mark("csv", 0, line - 1, column - 1, None, 0)  # type: ignore[arg-type]  # no buffer: no snippet


def _cell_starts(raw: str) -> list[int]:
    """1-based start column of each comma-separated cell, honouring double quotes."""
    starts, quoted = [1], False
    for i, ch in enumerate(raw):
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            starts.append(i + 2)
    return starts


def _load_csv(file: FsPath) -> tuple[dict[str, Any], SourceMap]:
    name = str(file)
    text = read_bounded(file, name, encoding="utf-8-sig")
    source = SourceMap(name)
    source.add(("nodes",), _mark(1, 1))
    # Split on LF only: str.splitlines() also breaks at CR, VT, FF, NEL and U+2028, which would
    # let one cell smuggle in a row of its own; those characters stay in the cell and are refused.
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    rows = [(n, line) for n, line in enumerate(lines, 1) if line.strip() and not line.lstrip().startswith("#")]
    if not rows:
        raise SpecError([Diagnostic("the file has no header row", file=name, line=1, column=1)])
    if len(rows) > MAX_MAPPING_KEYS + 1:
        line_no = rows[MAX_MAPPING_KEYS + 1][0]
        message = f"more than {MAX_MAPPING_KEYS:,} node rows; aiinfra refuses to load the file"
        raise SpecError([Diagnostic(message, file=name, line=line_no, column=1)])
    errors: list[Diagnostic] = []
    header_line, header_raw = rows[0]
    if header_raw.count(",") >= MAX_CSV_COLUMNS:
        message = f"the header has more than {MAX_CSV_COLUMNS} columns"
        raise SpecError([Diagnostic(message, file=name, line=header_line, column=1)])
    if "\r" in header_raw:
        message = "U+000D CR (carriage return) is not allowed in the header"
        raise SpecError([Diagnostic(message, file=name, line=header_line, column=header_raw.index("\r") + 1)])
    header = [h.strip() for h in next(csv.reader([header_raw]))]
    header_cols = _cell_starts(header_raw)
    columns: list[tuple[str, ...] | None] = []
    for i, col in enumerate(header):
        key = _column_key(col)
        if key is None:
            errors.append(
                Diagnostic(
                    f"unknown column {col!r}; valid: host, {', '.join(_SCALAR_COLUMNS)}, "
                    "mac.<netdev>, netdev.<catalog name>, rdma.<catalog name>, root_device.<hint>",
                    path=col,
                    file=name,
                    line=header_line,
                    column=header_cols[i] if i < len(header_cols) else 1,
                )
            )
        columns.append(key)
    if "host" not in header:
        errors.append(Diagnostic("the header has no 'host' column", file=name, line=header_line, column=1))
    if errors:
        raise SpecError(errors)
    host_at = header.index("host")
    nodes: dict[str, dict[str, Any]] = {}
    for line_no, raw in rows[1:]:
        if raw.count('"') % 2:
            errors.append(Diagnostic("unbalanced double quote", file=name, line=line_no, column=raw.index('"') + 1))
            continue
        starts = _cell_starts(raw)
        if "\r" in raw:
            # the csv module cannot even split a row with a bare CR; name the character at its cell
            at = raw.index("\r")
            column = max(c for c in starts if c <= at + 1)
            message = "U+000D CR (carriage return) is not allowed in free text"
            errors.append(Diagnostic(message, file=name, line=line_no, column=column))
            continue
        cells = next(csv.reader([raw]))
        if len(cells) != len(header):
            errors.append(
                Diagnostic(
                    f"{len(cells)} cells but the header has {len(header)} columns",
                    file=name,
                    line=line_no,
                    column=1,
                )
            )
            continue
        host = cells[host_at].strip()
        if not host:
            errors.append(Diagnostic("empty 'host' cell", file=name, line=line_no, column=starts[host_at]))
            continue
        if host in nodes:
            errors.append(
                Diagnostic(f"host {host!r} appears twice", path=f"nodes.{host}", file=name, line=line_no, column=1)
            )
            continue
        entry: dict[str, Any] = {}
        source.add(("nodes", host), _mark(line_no, starts[host_at]))
        for i, (key, cell) in enumerate(zip(columns, cells, strict=True)):
            value = cell.strip()
            if key is None or key == ("host",) or not value:
                continue
            source.add(("nodes", host, *key), _mark(line_no, starts[i]))
            if len(key) == 1:
                entry[key[0]] = value
            else:
                sub = entry.setdefault(key[0], {})
                sub[key[1]] = _typed(key, value)
        nodes[host] = entry
    if errors:
        raise SpecError(errors)
    return {"nodes": nodes}, source


def _column_key(col: str) -> tuple[str, ...] | None:
    if col == "host" or col in _SCALAR_COLUMNS:
        return (col,)
    prefix, dot, rest = col.partition(".")
    if dot and rest and prefix in _PREFIX_COLUMNS:
        return (_PREFIX_COLUMNS[prefix], rest)
    return None


def _typed(key: tuple[str, ...], value: str) -> Any:
    """CSV cells are text; give root-device hints the types YAML would have given them."""
    if key == ("root_device", "min_size_gigabytes") and value.isdigit():
        return int(value)
    if key == ("root_device", "rotational") and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


__all__ = ["LoadedFacts", "NodeFacts", "NodeFactsFile", "RootDeviceHints", "load_node_facts", "resolve"]

"""Incremental render: which switch and node files of the previous output can be kept.

A render job that reads only one device (its switch config files and inventory host_vars)
or one node (its host_vars and, where the platform's files are per node, its node files) is
a *unit*. Each unit is rendered from a *slice* of the Design: a copy that holds
that one record and the fabric-wide parts every unit of its kind reads, with every other
record and every whole-cluster table emptied (:func:`device_slice`, :func:`node_slice`).
The full render and the incremental one both render from the slice, so whatever a
renderer reads is inside what the unit's fingerprint hashes: a renderer that reached for
another device's record would fail or differ in the full render too, never go stale
(``tests/render/test_incremental.py`` proves, for every small example, that the slices
render exactly the files the whole Design renders).

A unit's fingerprint is the SHA-256 of: the code fingerprint (every file of the installed
``aiinfra`` package: a template or driver edit re-renders everything), the hash of its
kind's fabric-wide parts, and the unit's own records, each part as
:func:`aiinfra.design.records_json.tuples` writes it (compact JSON, every record as its class
name and field values: injective, and a third of what orjson's own slotted-dataclass path
cost, the fingerprints' whole CPU time). The fingerprints, with each unit's file list, go to
``.aiinfra/fingerprints.json``, which the manifest lists like any other output.

The next render keeps a unit's previous files (hard-linked from the old tree into the
staging folder, so the old tree stays whole until the swap) only when the unit's
fingerprint is the same, the previous fingerprints.json still has the digest the manifest
gives it, and every one of the unit's files is still a regular 0644 file whose SHA-256 is
the manifest's. Anything else (a user edit, corruption, a missing file) renders the unit
again. Whole-cluster jobs (design.json, reports, the inventory's hosts.yml and group_vars,
artefacts, the files of platforms that are not per node) read everything and are always
rendered.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import orjson

import aiinfra
from aiinfra.design.model import Design, ManagementPlane
from aiinfra.design.records_json import tuples
from aiinfra.render.output import make_folder, write_file
from aiinfra.render.ownership import Target

FINGERPRINTS = ".aiinfra/fingerprints.json"
FORMAT = 2  # 2: records hashed as records_json.tuples (1: orjson's dicts); a format-1 file is no previous render
FILE_MODE = 0o644  # what write_files gives a file under the render's umask (0022)

# unit key ("switch/NAME" | "node/NAME") -> (fingerprint, the unit's files, sorted)
Units = dict[str, tuple[str, list[str]]]


@cache
def code_fingerprint() -> str:
    """SHA-256 over every file of the aiinfra package (code, templates, capability tables).

    The renderers are inputs too: without this, editing a template and rendering again
    would keep every old config. About 20 ms (a few MB), once per process.
    """
    root = Path(aiinfra.__file__).parent
    h = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root).encode()
            with open(path, "rb") as f:
                data = f.read()
            h.update(b"%d:%s%d:" % (len(rel), rel, len(data)))
            h.update(data)
    return h.hexdigest()


def _cleared(design: Design) -> Design:
    """The fabric-wide parts a unit may read: every per-device, per-node and per-link record
    and every whole-cluster table emptied (the bill of materials, tier and headroom reports,
    apps, the lab topology), and telemetry without the BOM's power estimate."""
    telemetry = design.telemetry
    if telemetry is not None:
        telemetry = replace(telemetry, bom_facility_avg_w=0.0, bom_energy_kwh_per_day=0.0, bom_co2e_kg_per_day=0.0)
    return replace(
        design,
        devices={},
        links=[],
        nodes=[],
        tiers=[],
        backend_tiers=0,
        scalable_units=0,
        backend_bisection_gbps=0,
        headroom_report=[],
        bom=[],
        apps=None,
        containerlab=None,
        telemetry=telemetry,
    )


_NO_MANAGEMENT = ManagementPlane("", (), (), (), (), "", None, (), (), (), "", "", "")


@dataclass(frozen=True)
class Basis:
    """What every unit of a kind shares: the cleared Design and its hash (computed once per render).

    Both see the platform without its per-node host intents. A switch also sees its own
    model's hardware facts (hashed once per model here, not once per switch); a node sees
    neither the per-fabric QoS tables, the switch models, the management plane nor the
    switch templates (every value a host file needs is in its node record and host intent).
    """

    devices: Design
    nodes: Design
    device_hash: bytes
    node_hash: bytes
    model_hash: Mapping[str, bytes] = field(default_factory=dict)

    @classmethod
    def of(cls, design: Design) -> Basis:
        cleared = _cleared(design)
        if cleared.platform is not None:
            cleared = replace(cleared, platform=replace(cleared.platform, hosts={}))
        devices = replace(cleared, qos={}, switch_models={})
        nodes = replace(cleared, qos={}, switch_models={}, management=_NO_MANAGEMENT, user_templates={}, telemetry=None)
        code = code_fingerprint().encode()
        models = {name: _hash(tuples(model)) for name, model in design.switch_models.items()}
        return cls(devices, nodes, _hash(code, tuples(devices)), _hash(code, tuples(nodes)), models)


def _hash(*parts: bytes) -> bytes:
    h = hashlib.sha256()
    for part in parts:
        h.update(b"%d:" % len(part))
        h.update(part)
    return h.digest()


def device_slice(basis: Basis, design: Design, name: str) -> Design:
    """The Design a switch renderer sees: its own device, its model's facts and the fabric-wide parts."""
    device = design.devices[name]
    model = design.switch_models[device.model]
    return replace(basis.devices, devices={name: device}, switch_models={device.model: model})


def device_fingerprint(basis: Basis, design: Design, name: str) -> str:
    device = design.devices[name]
    return _hash(basis.device_hash, tuples(device), basis.model_hash[device.model]).hex()


def node_slice(basis: Basis, design: Design, index: int) -> Design:
    """The Design a per-node platform renderer sees: one node, its host intent, the platform-wide parts."""
    node = design.nodes[index]
    platform = basis.nodes.platform
    assert platform is not None and design.platform is not None
    hosts = {node.name: design.platform.hosts[node.name]} if node.name in design.platform.hosts else {}
    return replace(basis.nodes, nodes=[node], platform=replace(platform, hosts=hosts))


def node_fingerprint(basis: Basis, design: Design, index: int) -> str:
    node = design.nodes[index]
    assert design.platform is not None
    host = design.platform.hosts.get(node.name)
    return _hash(basis.node_hash, tuples(node), tuples(host)).hex()


def fingerprints_bytes(units: Units) -> bytes:
    """``.aiinfra/fingerprints.json``: one object, keys sorted, so a full and an incremental render agree."""
    doc = {
        "format": FORMAT,
        "units": {key: {"fingerprint": fp, "files": files} for key, (fp, files) in units.items()},
    }
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)


@dataclass(frozen=True)
class Previous:
    """The previous render's units this render may keep, and the manifest digests of their files.

    ``made``: staging folders this process already created for kept files (a worker keeps
    thousands of units whose files share a few folders; asking the kernel for each folder
    again was a quarter of the keep step).
    """

    root: Path
    units: Mapping[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    digests: Mapping[str, str] = field(default_factory=dict)
    made: set[str] = field(default_factory=set, compare=False)


def previous_units(target: Target) -> Previous:
    """The previous fingerprints, when its file is intact (its digest is the manifest's); else none."""
    none = Previous(target.path)
    want = target.digests.get(FINGERPRINTS)
    if want is None:
        return none
    data = _verified(os.fspath(target.path / FINGERPRINTS), want)
    if data is None:
        return none
    try:
        doc = orjson.loads(data)
        raw = doc["units"] if doc.get("format") == FORMAT else {}
        units: dict[str, tuple[str, tuple[str, ...]]] = {}
        for key, entry in raw.items():
            files = tuple(entry["files"])
            if all(isinstance(p, str) and p in target.digests for p in files):  # manifest paths: checked
                units[key] = (str(entry["fingerprint"]), files)
    except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError):
        return none
    return Previous(target.path, units, target.digests)


_OPEN = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC


def _verified(path: str, digest: str) -> bytes | None:
    """The bytes of ``path`` when it is a regular 0644 file (not a link) with this SHA-256.

    One read of the size fstat gives, plus one byte: a file that is shorter or longer than
    that (it changed while being read, or a short read) is not verified, and the unit is
    rendered again, which is always safe.
    """
    try:
        fd = os.open(path, _OPEN)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or stat.S_IMODE(st.st_mode) != FILE_MODE:
            return None
        data = os.read(fd, st.st_size + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) != st.st_size:
        return None
    return data if hashlib.sha256(data).hexdigest() == digest else None


def reuse(previous: Previous, key: str, fingerprint: str, staging: Path) -> dict[str, str] | None:
    """Link a unit's previous files into ``staging``; their digests, or None if the unit must be rendered.

    Every file is checked first (nothing is linked for a unit that fails), so a partly
    edited unit is rendered whole. A link that fails (no hard links here) is a copy of the
    bytes just verified. Paths are plain strings (pathlib's joins were a fifth of the step).
    """
    entry = previous.units.get(key)
    if entry is None or entry[0] != fingerprint:
        return None
    old, digests = os.fspath(previous.root), previous.digests
    found: list[tuple[str, bytes]] = []
    for rel in entry[1]:
        data = _verified(f"{old}/{rel}", digests[rel])
        if data is None:
            return None
        found.append((rel, data))
    base = os.fspath(staging)
    made = previous.made
    made.add(base)  # exists: where the folders above a kept file stop
    for rel, data in found:
        dst = f"{base}/{rel}"
        parent = dst.rpartition("/")[0]
        if parent not in made:
            make_folder(parent, made)
        try:
            os.link(f"{old}/{rel}", dst, follow_symlinks=False)
        except FileExistsError:
            raise  # two units wrote one path: a bug, never hidden
        except OSError:  # no hard links here (or protected_hardlinks): write the bytes just checked
            write_file(dst, data)
    return {rel: digests[rel] for rel in entry[1]}

"""Assemble the Ansible collection ``aiinfra.fabric`` from the playbooks, role, driver tasks and filters.

The sources stay where their owners edit them (``playbooks/``, ``playbooks/roles``, ``aiinfra/nos/<os>/tasks``,
``playbooks/filter_plugins``); the collection is built from them, so it cannot drift. Its layout:

    playbooks/*.yml, tasks/, vars/   -> aiinfra.fabric.site, aiinfra.fabric.switches, ...
    roles/aiinfra_node               -> aiinfra.fabric.aiinfra_node (with meta/argument_specs.yml)
    plugins/filter/*.py              -> aiinfra.fabric.aiinfra_fill_secrets, ...
    nos/<driver>/tasks/              -> found by the preflight at playbook_dir/../nos, as in the wheel

The tarball is written here rather than by ``ansible-galaxy collection build`` so that the wheel can ship
it without Ansible at build time, and so it is byte-identical on re-run (fixed mtimes, sorted entries).
It is the format ``ansible-galaxy`` writes and checks on install: ``MANIFEST.json`` (galaxy.yml's fields
plus the sha256 of ``FILES.json``) and ``FILES.json`` (every directory and file with its sha256).
Standard library only: the wheel's build hook imports it before any dependency is installed.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path

NAMESPACE, NAME = "aiinfra", "fabric"
REQUIRES_ANSIBLE = ">=2.16.0"
FIXED_MTIME = 1_700_000_000  # any constant: the tarball must not change with the clock
SKIP = {"__pycache__", ".pytest_cache"}
PACKAGE = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Sources:
    """Where the collection's parts live: a source checkout or an installed wheel."""

    playbooks: Path
    nos: Path

    @classmethod
    def find(cls, package: Path = PACKAGE) -> Sources:
        for playbooks in (package.parent / "playbooks", package / "_playbooks"):
            if (playbooks / "site.yml").is_file():
                return cls(playbooks, package / "nos")
        raise FileNotFoundError(f"no playbooks beside {package} (playbooks/ or _playbooks/)")


def version(package: Path = PACKAGE) -> str:
    """aiinfra's version (from ``aiinfra/__init__.py``, read as text: the build hook cannot import it)."""
    for line in (package / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise ValueError("aiinfra/__init__.py has no __version__")


def playbook_names(src: Sources | None = None) -> list[str]:
    """The collection's playbooks by FQCN (``aiinfra.fabric.site`` ...)."""
    src = src or Sources.find()
    return sorted(
        f"{NAMESPACE}.{NAME}.{p.stem.replace('-', '_')}"
        for p in src.playbooks.glob("*.yml")
        if p.name != "requirements.yml"
    )


def tarball_name(ver: str) -> str:
    return f"{NAMESPACE}-{NAME}-{ver}.tar.gz"


def _files(root: Path) -> list[Path]:
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and not SKIP & set(p.relative_to(root).parts) and p.suffix not in {".pyc", ".pyo"}
    )


def contents(src: Sources, ver: str) -> dict[str, bytes]:
    """Every file of the collection: ``{path inside it: bytes}`` (galaxy.yml included)."""
    out: dict[str, bytes] = {}
    for path in _files(src.playbooks):
        rel = path.relative_to(src.playbooks)
        if rel.parts[0] == "roles":
            out["/".join(rel.parts)] = path.read_bytes()
        elif rel.parts[0] == "filter_plugins":
            # plugins/filter for FQCN use; playbooks/filter_plugins (adjacent to the playbooks, which
            # Ansible loads for a collection playbook too) for the unqualified names the tasks call.
            out["plugins/filter/" + "/".join(rel.parts[1:])] = path.read_bytes()
            out["playbooks/" + rel.as_posix()] = path.read_bytes()
        elif rel.as_posix() == "requirements.yml":
            out["requirements.yml"] = path.read_bytes()  # the collections it needs that ansible does not bundle
        elif len(rel.parts) == 1 and rel.suffix == ".yml":
            # A collection playbook's name is an identifier: health-gate.yml is aiinfra.fabric.health_gate.
            out["playbooks/" + rel.name.replace("-", "_")] = path.read_bytes()
        else:
            out["playbooks/" + rel.as_posix()] = path.read_bytes()
    for tasks in sorted(src.nos.glob("*/tasks")):
        for path in _files(tasks):
            out["nos/" + path.relative_to(src.nos).as_posix()] = path.read_bytes()
    out["galaxy.yml"] = galaxy_yml(ver).encode()
    out["meta/runtime.yml"] = f'---\nrequires_ansible: "{REQUIRES_ANSIBLE}"\n'.encode()
    out["README.md"] = README.format(version=ver).encode()
    return dict(sorted(out.items()))


GALAXY: dict[str, object] = {
    "namespace": NAMESPACE,
    "name": NAME,
    "readme": "README.md",
    "authors": ["aiinfra"],
    "description": "Deploy what `aiinfra render` wrote: switches, a health gate per batch, then nodes and platform.",
    "license": ["Apache-2.0"],
    "license_file": None,
    "tags": ["networking", "roce", "ai", "infrastructure"],
    "dependencies": {},
    "repository": None,
    "documentation": None,
    "homepage": None,
    "issues": None,
}


def galaxy_yml(ver: str) -> str:
    """galaxy.yml as YAML (each value a JSON scalar or flow collection, which YAML reads the same)."""
    fields = {**GALAXY, "version": ver, "build_ignore": []}
    return "---\n" + "".join(f"{key}: {json.dumps(value)}\n" for key, value in fields.items())


README = """# aiinfra.fabric {version}

The playbooks `aiinfra render` deploys with, as an Ansible collection. Built by `aiinfra collection build`
from aiinfra's own playbooks, node role, per-OS deploy tasks and filters; installed by
`aiinfra collection install` (offline).

    ansible-playbook -i build/inventory aiinfra.fabric.site --check --diff
    ansible-playbook -i build/inventory aiinfra.fabric.switches
    ansible-playbook -i build/inventory aiinfra.fabric.health_gate

Playbooks: site, switches, nodes, health_gate, openshift, vmware, nutanix. Role: aiinfra.fabric.aiinfra_node.
Filters: aiinfra.fabric.aiinfra_fill_secrets, aiinfra_redact, aiinfra_mask_like, sonic_keep_hardware.
The inventory and host_vars stay plain Ansible (what render wrote), so your own roles mix in.
"""


def _entry(name: str, data: bytes | None) -> dict[str, object]:
    if data is None:
        return {"name": name, "ftype": "dir", "chksum_type": None, "chksum_sha256": None, "format": 1}
    sha = hashlib.sha256(data).hexdigest()
    return {"name": name, "ftype": "file", "chksum_type": "sha256", "chksum_sha256": sha, "format": 1}


def manifests(files: dict[str, bytes], ver: str) -> tuple[bytes, bytes]:
    """(MANIFEST.json, FILES.json) as ansible-galaxy writes them."""
    packed = {k: v for k, v in files.items() if k != "galaxy.yml"}  # galaxy.yml becomes MANIFEST.json
    dirs = sorted({"/".join(k.split("/")[:i]) for k in packed for i in range(1, k.count("/") + 1)})
    entries = [_entry(".", None), *(_entry(d, None) for d in dirs), *(_entry(k, v) for k, v in packed.items())]
    files_json = json.dumps({"files": entries, "format": 1}, indent=True).encode()
    info = {k: v for k, v in GALAXY.items()}
    info["version"] = ver
    manifest = {
        "collection_info": {
            key: info[key]
            for key in (
                "namespace",
                "name",
                "version",
                "authors",
                "readme",
                "tags",
                "description",
                "license",
                "license_file",
                "dependencies",
                "repository",
                "documentation",
                "homepage",
                "issues",
            )
        },
        "file_manifest_file": {
            "name": "FILES.json",
            "ftype": "file",
            "chksum_type": "sha256",
            "chksum_sha256": hashlib.sha256(files_json).hexdigest(),
            "format": 1,
        },
        "format": 1,
    }
    return json.dumps(manifest, indent=True).encode(), files_json


def build_tarball(out_dir: Path, src: Sources | None = None, ver: str | None = None) -> Path:
    """Write ``aiinfra-fabric-<version>.tar.gz`` into ``out_dir``; byte-identical for the same sources."""
    src = src or Sources.find()
    ver = ver or version()
    files = contents(src, ver)
    manifest, files_json = manifests(files, ver)
    packed = {k: v for k, v in files.items() if k != "galaxy.yml"}
    dirs = sorted({"/".join(k.split("/")[:i]) for k in packed for i in range(1, k.count("/") + 1)})
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in (("MANIFEST.json", manifest), ("FILES.json", files_json)):
            tar.addfile(_info(name, len(data), tarfile.REGTYPE), io.BytesIO(data))
        for d in dirs:
            tar.addfile(_info(d, 0, tarfile.DIRTYPE))
        for name, data in packed.items():
            tar.addfile(_info(name, len(data), tarfile.REGTYPE), io.BytesIO(data))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / tarball_name(ver)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=FIXED_MTIME) as gz:
        gz.write(raw.getvalue())
    target.write_bytes(buf.getvalue())
    return target


def _info(name: str, size: int, kind: bytes) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.type, info.mtime = size, kind, FIXED_MTIME
    info.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def assemble(dest: Path, src: Sources | None = None, ver: str | None = None) -> Path:
    """Write the collection as a folder (galaxy.yml included), for ``ansible-galaxy collection build``."""
    for name, data in contents(src or Sources.find(), ver or version()).items():
        path = dest / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return dest

"""``aiinfra collection build | install``: the Ansible collection ``aiinfra.fabric``.

    aiinfra collection build [-o DIR]                 # write aiinfra-fabric-<version>.tar.gz
    aiinfra collection install [-p PATH] [--force]    # ansible-galaxy collection install --offline

``install`` takes the tarball the wheel ships (``aiinfra/_collection/``), or builds one from the sources in
a checkout, and hands it to ``ansible-galaxy`` with ``--offline``: nothing is fetched. Afterwards
``ansible-playbook -i build/inventory aiinfra.fabric.site`` runs the deploy.

Exit codes: 0 done, 1 the build or ansible-galaxy failed (one line says why).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from aiinfra.collection.build import PACKAGE, build_tarball, playbook_names, tarball_name, version

EXIT_OK, EXIT_FAILED = 0, 1
SHIPPED = PACKAGE / "_collection"


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "collection",
        help="build or install the Ansible collection aiinfra.fabric (offline)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="collection_command", required=True)
    build = sub.add_parser("build", help="write aiinfra-fabric-<version>.tar.gz")
    build.add_argument("-o", "--output", type=Path, default=Path("."), help="folder for the tarball (default: .)")
    install = sub.add_parser("install", help="install the collection with ansible-galaxy --offline")
    install.add_argument("-p", "--collections-path", type=Path, help="collections path (default: Ansible's own)")
    install.add_argument("--force", action="store_true", help="replace an installed aiinfra.fabric")
    p.set_defaults(command="collection")
    return p


def shipped_tarball() -> Path | None:
    """The tarball the wheel carries, for this version; None in a source checkout."""
    found = SHIPPED / tarball_name(version())
    return found if found.is_file() else None


def ansible_galaxy() -> str | None:
    beside = Path(sys.executable).parent / "ansible-galaxy"
    return str(beside) if beside.is_file() else shutil.which("ansible-galaxy")


def install(collections_path: Path | None, *, force: bool = False) -> subprocess.CompletedProcess[str]:
    """Run ``ansible-galaxy collection install --offline`` on the shipped (or freshly built) tarball."""
    galaxy = ansible_galaxy()
    if galaxy is None:
        raise FileNotFoundError("ansible-galaxy not found: pip install 'aiinfra[deploy]'")
    with tempfile.TemporaryDirectory(prefix="aiinfra-collection-") as tmp:
        tarball = shipped_tarball() or build_tarball(Path(tmp))
        argv = [galaxy, "collection", "install", "--offline", str(tarball)]
        if collections_path is not None:
            argv += ["-p", str(collections_path)]
        if force:
            argv.append("--force")
        return subprocess.run(argv, capture_output=True, text=True, check=False)


def run(args: argparse.Namespace) -> int:
    try:
        if args.collection_command == "build":
            print(build_tarball(args.output))
            return EXIT_OK
        done = install(args.collections_path, force=args.force)
    except OSError as exc:
        print(f"aiinfra: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if done.returncode != 0:
        print(f"aiinfra: ansible-galaxy failed:\n{done.stdout}{done.stderr}", file=sys.stderr)
        return EXIT_FAILED
    print(done.stdout.rstrip())
    print("playbooks: " + ", ".join(playbook_names()))
    return EXIT_OK

"""``aiinfra init``: write a commented starter cluster.yaml.

    aiinfra init --gpus 256 --os eos --platform openshift --ssh-key ~/.ssh/id_ed25519.pub

The file is designed before it is written, so it validates as written; an existing file
is never overwritten without ``--force``.

Exit codes: 0 written, 2 arguments that cannot make a valid spec (the reason is printed:
a size past what one fabric carries, a vGPU profile or device ID validate refuses) or a
file in the way.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from aiinfra import nos
from aiinfra.design.model import Design
from aiinfra.errors import SpecError
from aiinfra.spec.base import check_ssh_key
from aiinfra.starter.choices import DEFAULT_SERVER, FACTS_FILE, PLATFORMS, Starter, StarterError, starter
from aiinfra.starter.text import facts_yaml, starter_yaml

EXIT_OK, EXIT_INVALID = 0, 2


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "init",
        help="write a commented starter cluster.yaml for a size, switch OS and platform",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--gpus", type=int, required=True, help="GPUs in the cluster (a whole number of nodes)")
    p.add_argument("--os", choices=nos.names(), default="sonic", help="switch OS of every fabric")
    p.add_argument("--platform", choices=PLATFORMS, default="baremetal")
    p.add_argument("--server", default=DEFAULT_SERVER, help=f"catalog server (default {DEFAULT_SERVER})")
    p.add_argument("--name", default="ai", help="cluster name: prefixes every hostname")
    p.add_argument("--ssh-key", type=Path, required=True, help="admin's OpenSSH public key file")
    p.add_argument("--gpu-device-id", type=lambda v: int(v, 0), help="AHV: PCI device ID of the GPU")
    p.add_argument("--vgpu-profile", help="vSphere: the vGPU profile of one GPU")
    p.add_argument("-o", "--output", type=Path, default=Path("cluster.yaml"))
    p.add_argument("--force", action="store_true", help="overwrite an existing file")


def _fail(message: str) -> int:
    print(f"aiinfra: {message}", file=sys.stderr)
    return EXIT_INVALID


def run(args: argparse.Namespace) -> int:
    if args.output.exists() and not args.force:
        return _fail(f"{args.output} exists; pass --force to overwrite it")
    try:
        key = check_ssh_key(args.ssh_key.read_text(encoding="utf-8").strip())
    except OSError as exc:
        return _fail(f"--ssh-key {args.ssh_key}: {exc.strerror}")
    except ValueError as exc:
        return _fail(f"--ssh-key {args.ssh_key}: {exc}")
    try:
        plan = starter(
            name=args.name,
            gpus=args.gpus,
            os=args.os,
            platform=args.platform,
            ssh_key=key,
            server=args.server,
            pci_device_id=args.gpu_device_id,
            vgpu_profile=args.vgpu_profile,
        )
    except StarterError as exc:
        return _fail(str(exc))
    files = {args.output: starter_yaml(plan)}
    facts = args.output.parent / FACTS_FILE
    if plan.needs_facts and facts.exists() and not args.force:
        return _fail(f"{facts} exists; pass --force to overwrite it")
    try:
        if plan.needs_facts:
            files[facts] = facts_yaml(plan, _node_netdevs(plan))
        _check(files)
    except SpecError as exc:
        problems = "\n".join(f"  {d.path}: {d.message}" if d.path else f"  {d.message}" for d in exc.diagnostics)
        return _fail(f"these arguments do not make a valid spec; nothing was written:\n{problems}")
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    wrote = " and ".join(str(p) for p in files)
    print(f"aiinfra: wrote {wrote} ({plan.gpus} GPUs, {plan.nodes} nodes); next: aiinfra validate {args.output}")
    return EXIT_OK


def _design(files: dict[Path, str]) -> Design:
    """Design the files in a scratch folder. A SpecError here comes from the arguments (a size
    beyond one fabric, a vGPU profile or device ID the platform refuses): ``run`` prints it
    and exits 2, so a starter that would not validate is never written."""
    from aiinfra.pipeline import design_from_file

    with tempfile.TemporaryDirectory() as tmp:
        for path, text in files.items():
            (Path(tmp) / path.name).write_text(text, encoding="utf-8")
        return design_from_file(Path(tmp) / next(iter(files)).name).design


def _check(files: dict[Path, str]) -> None:
    _design(files)


def _node_netdevs(plan: Starter) -> list[tuple[str, list[str]]]:
    """The designed node names (the design names them, not init) and the netdevs the facts key on."""
    design = _design({Path("cluster.yaml"): starter_yaml(plan, platform=False)})
    fabric = "frontend" if plan.platform == "openshift" else "backend"
    return [(n.name, [nic.netdev for nic in getattr(n, fabric)]) for n in design.nodes]

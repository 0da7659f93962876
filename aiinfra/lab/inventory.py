"""The lab inventory: the rendered inventory, unchanged, plus one override layer.

``ansible-playbook -i RENDER/inventory -i LAB/inventory`` reads both; host_vars of the
later source win. The layer holds only connection details and paths, per switch:

- how to reach it: SSH as root with the lab's key and pinned host key, pipelining, the
  Python on the box, and ``ansible_network_os: frr`` for non-SONiC switches, because
  what answers on their management address is FRR on Linux, not NX-OS/EOS/Junos/NVUE;
- where things are: the render directory, the FRR pathspace and directories of that
  switch, the FRR rendering of its intent (non-SONiC), SONiC's file locations, and
  Ansible's remote temp and async dirs (so nothing lands in root's home).

Secrets are different: the rendered configs reference vault variables the lab cannot
have, so it generates throwaway values into ``secrets.yml`` (passed with ``-e @``).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from aiinfra.lab import lldp
from aiinfra.lab.topology import LabPlan, SwitchPlan, mgmt_ip

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
REMOTE_PYTHON = "/usr/bin/python3"


@dataclass(frozen=True, slots=True)
class SwitchDirs:
    """Every path of one lab switch, under LAB/switches/<name>/."""

    root: Path

    @property
    def frr(self) -> Path:  # daemons' pid and log files (owned by the frr user)
        return self.root / "frr"

    @property
    def confdir(self) -> Path:  # FRR --config_dir; vtysh.conf lives in <confdir>/<pathspace>/
        return self.root / "etc-frr"

    @property
    def rundir(self) -> Path:  # frr-reload.py temp files
        return self.root / "run"

    @property
    def sonic(self) -> Path:  # stands in for /etc/sonic
        return self.root / "etc-sonic"

    @property
    def bin(self) -> Path:  # SONiC personality commands, first on the session PATH
        return self.root / "bin"

    @property
    def sshd(self) -> Path:
        return self.root / "sshd"

    @property
    def tmp(self) -> Path:
        return self.root / "ansible-tmp"

    @property
    def async_dir(self) -> Path:
        return self.root / "ansible-async"

    def make(self, pathspace: str) -> None:
        for d in (self.confdir / pathspace, self.rundir, self.sonic, self.bin, self.tmp, self.async_dir):
            d.mkdir(parents=True, exist_ok=True)
        (self.confdir / pathspace / "vtysh.conf").write_text("service integrated-vtysh-config\n", encoding="utf-8")


def switch_dirs(lab_dir: Path, name: str) -> SwitchDirs:
    return SwitchDirs(lab_dir / "switches" / name)


def overrides(
    sw: SwitchPlan, dirs: SwitchDirs, lab_dir: Path, render_dir: Path, frr_config: Path | None
) -> dict[str, Any]:
    """host_vars of one switch in the lab layer (connection details and paths only)."""
    ssh_dir = lab_dir / "ssh"
    out: dict[str, Any] = {
        "ansible_host": mgmt_ip(sw.mgmt.address or ""),
        "ansible_connection": "ansible.builtin.ssh",
        "ansible_user": "root",
        "ansible_become": False,
        "ansible_ssh_private_key_file": str(ssh_dir / "id_ed25519"),
        "ansible_ssh_common_args": (
            f"-F /dev/null -o UserKnownHostsFile={ssh_dir / 'known_hosts'} -o StrictHostKeyChecking=yes"
            " -o IdentitiesOnly=yes"
        ),
        "ansible_ssh_pipelining": True,
        "ansible_python_interpreter": REMOTE_PYTHON,
        "ansible_remote_tmp": str(dirs.tmp),
        "ansible_async_dir": str(dirs.async_dir),
        "aiinfra_build_dir": str(render_dir),
        "aiinfra_frr_pathspace": sw.pathspace,
        "aiinfra_frr_confdir": str(dirs.confdir),
        # playbooks/verify.yml: this switch's lldpd, and its kernel port names -> the Design's
        "aiinfra_lldpd_socket": str(lldp.socket_path(lldp.workdir(lab_dir, sw.name))),
        "aiinfra_verify_ifnames": {kernel: design for design, kernel in sorted(sw.ports.items())},
    }
    if sw.sonic:
        out["aiinfra_sonic_config_db"] = str(dirs.sonic / "config_db.json")
        out["aiinfra_sonic_frr_conf"] = str(dirs.sonic / "frr.conf")
    else:
        out["ansible_network_os"] = "frr"
        out["aiinfra_config"] = str(frr_config)
        out["aiinfra_extra_configs"] = []
        out["aiinfra_frr_candidate"] = str(dirs.confdir / "frr.conf.aiinfra")
        out["aiinfra_frr_conf"] = str(dirs.confdir / "frr.conf")
        out["aiinfra_frr_rundir"] = str(dirs.rundir)
    return out


def write_layer(plan: LabPlan, lab_dir: Path, render_dir: Path, frr_configs: dict[str, Path]) -> Path:
    """Write LAB/inventory/ and return it."""
    inv = lab_dir / "inventory"
    host_vars = inv / "host_vars"
    host_vars.mkdir(parents=True, exist_ok=True)
    header = "# aiinfra lab override layer: connection details and paths only (see docs/lab.md).\n"
    (inv / "hosts.yml").write_text(
        header + yaml.safe_dump({"all": {"hosts": dict.fromkeys(sorted(plan.switches))}}, sort_keys=True),
        encoding="utf-8",
    )
    for name, sw in plan.switches.items():
        data = overrides(sw, switch_dirs(lab_dir, name), lab_dir, render_dir, frr_configs.get(name))
        (host_vars / f"{name}.yml").write_text(header + yaml.safe_dump(data, sort_keys=True), encoding="utf-8")
    return inv


def write_secrets(render_dir: Path, lab_dir: Path) -> Path:
    """Throwaway values for every variable the rendered configs reference, and for the vault
    references the inventory hands the deploy tasks (the telemetry TLS material, for one)."""
    found: set[str] = set()
    sources = [*sorted((render_dir / "configs").iterdir()), render_dir / "inventory" / "group_vars" / "all.yml"]
    for path in sources:
        if path.is_file():
            found.update(PLACEHOLDER.findall(path.read_text(encoding="utf-8")))
    values = {name: "lab-" + secrets.token_hex(8) for name in sorted(found)}
    path = lab_dir / "secrets.yml"
    path.write_text(
        "# Lab-only values for the secrets the configs reference.\n" + yaml.safe_dump(values), encoding="utf-8"
    )
    path.chmod(0o600)
    return path

"""An OpenSSH server per switch namespace, listening on the switch's management address.

This is what lets the lab deploy through the real playbook: Ansible in the controller
namespace connects to each switch exactly as it would to hardware, by SSH to the
management address from the inventory. One throwaway host key and one client key per
lab, both under the lab directory; the controller's known_hosts pins the host key, so
host-key checking stays on.
"""

from __future__ import annotations

import time
from pathlib import Path

from aiinfra.lab import netns
from aiinfra.lab.errors import LabError

SSHD = Path("/usr/sbin/sshd")
PRIVSEP_DIR = Path("/run/sshd")  # compiled into Debian's sshd; normally made at boot
START_TIMEOUT = 10.0


def make_keys(ssh_dir: Path) -> None:
    """Host key and client key of the lab (ed25519, no passphrase)."""
    ssh_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    for name, comment in (("host_ed25519", "aiinfra-lab-host"), ("id_ed25519", "aiinfra-lab-controller")):
        key = ssh_dir / name
        if not key.exists():
            netns.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(key)])
    authorized = ssh_dir / "authorized_keys"
    authorized.write_text((ssh_dir / "id_ed25519.pub").read_text(encoding="utf-8"), encoding="utf-8")
    authorized.chmod(0o600)


def write_known_hosts(ssh_dir: Path, addresses: list[str]) -> Path:
    host_key = (ssh_dir / "host_ed25519.pub").read_text(encoding="utf-8").split()
    path = ssh_dir / "known_hosts"
    path.write_text("".join(f"{a} {host_key[0]} {host_key[1]}\n" for a in addresses), encoding="utf-8")
    return path


def ensure_privsep_dir() -> bool:
    """Create /run/sshd if missing (sshd refuses to start without it); True if created."""
    if PRIVSEP_DIR.is_dir():
        return False
    PRIVSEP_DIR.mkdir(mode=0o755, parents=True)
    return True


def config_text(address: str, ssh_dir: Path, pidfile: Path, path_prefix: Path | None) -> str:
    """sshd_config of one switch: key-only root login on the management address.

    ``path_prefix`` puts a directory first on the session PATH: the SONiC personality
    (``config``, ``systemctl``) of a SONiC switch's namespace.
    """
    lines = [
        f"ListenAddress {address}",
        f"HostKey {ssh_dir / 'host_ed25519'}",
        f"PidFile {pidfile}",
        f"AuthorizedKeysFile {ssh_dir / 'authorized_keys'}",
        "PermitRootLogin prohibit-password",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",
        "PrintMotd no",
        "MaxStartups 64:30:128",
        "MaxSessions 64",
        "Subsystem sftp internal-sftp",
    ]
    if path_prefix is not None:
        lines.append(f"SetEnv PATH={path_prefix}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    return "\n".join(lines) + "\n"


def start(namespace: str, address: str, ssh_dir: Path, workdir: Path, path_prefix: Path | None = None) -> None:
    """Start the switch's sshd and wait until it listens on port 22."""
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "sshd_config"
    pidfile = workdir / "sshd.pid"
    config.write_text(config_text(address, ssh_dir, pidfile, path_prefix), encoding="utf-8")
    netns.in_ns(namespace, [str(SSHD), "-f", str(config), "-E", str(workdir / "sshd.log")])
    deadline = time.monotonic() + START_TIMEOUT
    while not netns.in_ns(namespace, ["ss", "-Hltn", "sport = :22"], check=False).strip():
        if time.monotonic() > deadline:
            raise LabError(f"sshd in {namespace} is not listening on {address}:22; see {workdir / 'sshd.log'}")
        time.sleep(0.05)

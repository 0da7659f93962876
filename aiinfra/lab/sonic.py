"""The SONiC personality of a lab switch: ``config reload`` and ``systemctl restart bgp``.

The playbook's SONiC tasks run unchanged against a lab SONiC switch. Its SSH session
finds these commands first on its PATH (set by the switch's sshd), and they do to
the namespace what SONiC does to the box:

- ``config reload -y FILE`` loads config_db.json: PORT mtu and admin_status, INTERFACE
  and LOOPBACK_INTERFACE addresses (a full replace: addresses not in the file go), then
  restarts FRR, because a reload restarts the bgp container. A file whose lossless
  priorities have incomplete buffers is refused (aiinfra/lab/sonic_checks.py): a real
  switch would load it and forward RoCE lossy, which the lab cannot show;
- ``systemctl restart bgp`` restarts this switch's FRR daemons, which come back with an
  empty config and load frr.conf, as the bgp container does at start. Like the
  container, it starts bfdd only when CONFIG_DB sets ``frr_mgmt_framework_config``;
- ``sonic-cfggen -d --print-data`` prints the loaded CONFIG_DB, which on a lab switch
  holds no hardware facts (platform, HwSKU, lanes) for the playbook to carry over.

The management tables are left alone: the management address is what the session
itself runs over, and the lab set it from the same design.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from aiinfra.lab import frr, netns, sonic_checks
from aiinfra.lab.errors import LabError

USAGE = (
    "usage: config reload -y [FILE] | systemctl restart bgp | sonic-cfggen -d --print-data "
    "(aiinfra lab SONiC personality)"
)
SONIC_DEFAULT_MTU = "9100"


def personality_path(workdir: Path) -> Path:
    return workdir / "sonic.json"


def write_personality(workdir: Path, data: dict[str, Any]) -> Path:
    path = personality_path(workdir)
    path.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
    return path


def port_commands(config_db: dict[str, Any], ports: dict[str, str]) -> list[str]:
    """``ip -batch`` lines that make the lab ports match PORT and INTERFACE.

    Only ports the lab cabled exist; a cabled port missing from PORT stays down, as
    SONiC would not create it.
    """
    port_table = config_db.get("PORT", {})
    interfaces = config_db.get("INTERFACE", {})
    out: list[str] = []
    for design_name, kernel in sorted(ports.items()):
        entry = port_table.get(design_name)
        out.append(f"address flush dev {kernel}")
        if entry is None:
            out.append(f"link set dev {kernel} down")
            continue
        out.append(f"link set dev {kernel} mtu {entry.get('mtu', SONIC_DEFAULT_MTU)}")
        for key in sorted(interfaces):
            name, _, prefix = key.partition("|")
            if name == design_name and prefix:
                out.append(f"address add {prefix} dev {kernel}")
        out.append(f"link set dev {kernel} {'up' if entry.get('admin_status') == 'up' else 'down'}")
    return out


def loopback_commands(config_db: dict[str, Any], current: list[str]) -> list[str]:
    """LOOPBACK_INTERFACE addresses on ``lo``, replacing any other non-127/8 address there.

    SONiC puts them on a dummy Loopback0; the lab uses ``lo`` because the dummy driver is
    not available in every kernel (containers), and routing treats both the same way.
    """
    wanted = [k.partition("|")[2] for k in sorted(config_db.get("LOOPBACK_INTERFACE", {})) if "|" in k]
    out = [f"address del {a} dev lo" for a in current if a not in wanted]
    out += [f"address add {a} dev lo" for a in wanted if a not in current]
    return out


def lo_addresses(namespace: str) -> list[str]:
    """IPv4 addresses on ``lo`` other than 127.0.0.0/8, as prefixes."""
    data = json.loads(netns.run([netns.IP, "-n", namespace, "-j", "-4", "address", "show", "dev", "lo"]) or "[]")
    return [
        f"{a['local']}/{a['prefixlen']}"
        for entry in data
        for a in entry.get("addr_info", [])
        if not a["local"].startswith("127.")
    ]


def restart_frr(me: dict[str, Any], config_db: dict[str, Any]) -> None:
    """Stop and start this switch's FRR as ``config_db`` tells the bgp container, then
    load frr.conf into the empty daemons."""
    workdir = Path(me["frr_workdir"])
    frr.stop(workdir)
    frr.start(me["namespace"], me["pathspace"], workdir, sonic_checks.daemons(config_db))
    conf = Path(me["frr_conf"])
    if conf.exists():
        netns.in_ns(me["namespace"], [*frr.vtysh_argv(me["pathspace"], Path(me["frr_confdir"]), []), "-f", str(conf)])


def reload(me: dict[str, Any], config_db_path: Path) -> None:
    try:
        config_db = json.loads(config_db_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LabError(f"cannot load {config_db_path}: {exc}") from None
    if not isinstance(config_db, dict):
        raise LabError(f"cannot load {config_db_path}: not a CONFIG_DB object")
    problems = sonic_checks.buffer_problems(config_db)
    if problems:
        raise LabError(f"{config_db_path}: the lossless class would not be lossless: " + "; ".join(problems))
    ns = me["namespace"]
    netns.batch(ns, port_commands(config_db, me["ports"]) + loopback_commands(config_db, lo_addresses(ns)))
    restart_frr(me, config_db)


def running_config(me: dict[str, Any]) -> dict[str, Any]:
    """What ``sonic-cfggen -d --print-data`` shows: the loaded config_db.json, or an empty
    CONFIG_DB before the first reload. A lab switch has no platform, HwSKU or SerDes lanes,
    so there are no hardware facts for the playbook to carry over."""
    path = Path(me["config_db"])
    if not path.exists():
        return {"DEVICE_METADATA": {"localhost": {}}, "PORT": {}}
    try:
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except (OSError, ValueError) as exc:
        raise LabError(f"cannot read {path}: {exc}") from None


def main(argv: list[str]) -> int:
    """Entry point of the wrappers the lab puts on a SONiC switch's PATH."""
    if len(argv) < 2:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        me = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
        args = argv[1:]
        if args[:2] == ["config", "reload"]:
            rest = [a for a in args[2:] if a not in ("-y", "--yes")]
            reload(me, Path(rest[0]) if rest else Path(me["config_db"]))
            print("Running command: config reload (aiinfra lab: ports, addresses, FRR restarted)")
            return 0
        if args == ["systemctl", "restart", "bgp"]:
            restart_frr(me, running_config(me))
            return 0
        if args == ["sonic-cfggen", "-d", "--print-data"]:
            print(json.dumps(running_config(me), indent=2, sort_keys=True))
            return 0
    except LabError as exc:
        print(f"aiinfra lab SONiC personality: {exc}", file=sys.stderr)
        return 1
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

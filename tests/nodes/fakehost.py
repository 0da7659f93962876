"""A fake Linux host for roce-check: a sysfs/configfs tree of the real layout plus fake tools.

The tree mirrors what the mlx5 (DOCA/MLNX_OFED) driver and the kernel expose:
``class/net/<if>/mtu``, ``class/net/<if>/ecn/roce_{np,rp}/enable/<prio>``,
``class/net/<if>/ecn/roce_np/cnp_{dscp,802p_prio}``,
``class/infiniband/<dev>/tc/1/traffic_class`` ("Global tclass=N"),
``class/infiniband/<dev>/ports/1/gid_attrs/types/<i>`` and ``.../gids/<i>``, and
configfs ``rdma_cm/<dev>/ports/1/default_roce_{tos,mode}``. The fake ``mlnx_qos``,
``dcb``, ``ethtool`` and ``ip`` print what the real tools print (formats from
att/netarbiter's mlnx_qos output, the dcb(8) man pages, ethtool -a and iproute2's
``ip -o route`` / ``ip rule``), from state files the tests can change one value at a time.
``class/net/<if>/operstate`` and ``speed`` (Mb/s) are the kernel's link state.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from aiinfra.design.hosts import RailNicIntent

FAKE_TOOL = """#!/usr/bin/env bash
# Fake {name}: prints the canned output the test stored for the device.
state="$(dirname "$0")/../state"
dev=""
prev=""
for a in "$@"; do
  if [ "$prev" = "-i" ] || [ "$prev" = "dev" ] || [ "$prev" = "-a" ]; then dev="$a"; fi
  if [ "$prev" = "table" ]; then dev="table-$a"; fi
  prev="$a"
done
key="{name}"
case "$*" in
  *"pfc show"*) key="dcb-pfc" ;;
  *"app show"*) key="dcb-app" ;;
  *"addr show"*) key="ip-addr" ;;
  *"route show"*) key="ip-route" ;;
  *"rule show"*) key="ip-rule"; dev="host" ;;
esac
file="$state/$dev.$key"
if [ ! -f "$file" ]; then echo "{name}: no such device $dev" >&2; exit 1; fi
cat "$file"
"""


@dataclass
class NicState:
    """Live settings of one NIC; defaults are filled from the intended values."""

    netdev: str
    rdma: str
    mtu: int
    trust: str
    dscp2prio: dict[int, int]
    pfc: list[int]
    ecn_np: dict[int, int]
    ecn_rp: dict[int, int]
    cnp_dscp: int
    cnp_prio: int
    tclass: int
    cm_tos: int
    roce_mode: str
    gid_types: dict[int, str]
    gids: dict[int, str]
    pause_rx: str = "off"
    pause_tx: str = "off"
    address: str = ""
    present: bool = True
    extra_dcb_apps: list[str] = field(default_factory=list)
    operstate: str = "up"
    speed_mbps: int = 0
    route: str = ""  # the rail table's route, as `ip -4 -o route show table N` prints it
    rule: str = ""  # the source rule, as `ip -4 rule show` prints it

    @classmethod
    def matching(cls, nic: RailNicIntent, gpu_pool: str) -> NicState:
        """The state a correctly configured NIC reports."""
        dscp2prio = {d: d >> 3 for d in range(64)}
        dscp2prio.update(dict(nic.dscp_to_priority))
        ecn = {p: 0 for p in range(8)}
        for p in nic.dcqcn_priorities:
            ecn[p] = 1
        return cls(
            netdev=nic.netdev,
            rdma=nic.rdma_device,
            mtu=nic.mtu,
            trust="dscp",
            dscp2prio=dscp2prio,
            pfc=[1 if p == nic.pfc_priority else 0 for p in range(8)],
            ecn_np=dict(ecn),
            ecn_rp=dict(ecn),
            cnp_dscp=nic.cnp_dscp,
            cnp_prio=nic.cnp_priority,
            tclass=nic.roce_tos,
            cm_tos=nic.roce_tos,
            roce_mode="RoCE v2",
            gid_types={0: "IB/RoCE v1", 1: "RoCE v2", 2: "IB/RoCE v1", 3: "RoCE v2"},
            gids={
                0: "fe80:0000:0000:0000:0e42:a1ff:fe00:0001",
                1: "fe80:0000:0000:0000:0e42:a1ff:fe00:0001",
                2: nic.gid,
                3: nic.gid,
            },
            address=nic.address,
            speed_mbps=nic.speed_gbps * 1000,
            route=f"{gpu_pool} via {nic.gateway} dev {nic.netdev} proto static onlink",
            rule=f"32765:\tfrom {nic.ip} lookup {nic.route_table}",
        )


def mlnx_qos_text(s: NicState) -> str:
    """``mlnx_qos -i <if>`` output in the layout the tool prints."""
    lines = ["DCBX mode: OS controlled", f"Priority trust state: {s.trust}", "dscp2prio mapping:"]
    for prio in range(8):
        dscps = sorted((d for d, p in s.dscp2prio.items() if p == prio), reverse=True)
        lines.append(f"        prio:{prio} dscp:" + "".join(f"{d:02d}," for d in dscps))
    lines += ["Cable len: 7", "PFC configuration:", "        priority    0   1   2   3   4   5   6   7"]
    lines.append("        enabled     " + "   ".join(str(v) for v in s.pfc) + "   ")
    for tc in range(8):
        lines += [f"tc: {tc} ratelimit: unlimited, tsa: vendor", f"         priority:  {tc}"]
    return "\n".join(lines) + "\n"


def dcb_pfc_text(s: NicState) -> str:
    return "prio-pfc " + " ".join(f"{p}:{'on' if v else 'off'}" for p, v in enumerate(s.pfc)) + "\n"


def dcb_app_text(s: NicState, intended: dict[int, int]) -> str:
    """``dcb -N app show dev <if> dscp-prio``: only explicit APP entries are listed."""
    if s.trust != "dscp":
        return "\n"
    entries = [f"{d}:{s.dscp2prio[d]}" for d in sorted(intended)] + s.extra_dcb_apps
    return "dscp-prio " + " ".join(entries) + "\n"


def ethtool_text(s: NicState) -> str:
    return (
        f"Pause parameters for {s.netdev}:\nAutonegotiate:\toff\nRX:\t\t{s.pause_rx}\nTX:\t\t{s.pause_tx}\n"
        "RX negotiated: off\nTX negotiated: off\n"
    )


def ip_addr_text(s: NicState) -> str:
    if not s.address:
        return ""
    return (
        f"5: {s.netdev}    inet {s.address} scope global {s.netdev}\\       valid_lft forever preferred_lft forever\n"
    )


class FakeHost:
    """Builds the tree under ``root`` and runs a roce-check script against it."""

    def __init__(
        self, root: Path, states: list[NicState], intended: dict[str, dict[int, int]], tables: dict[str, int]
    ) -> None:
        self.root = root
        self.states = states
        self.intended = intended
        self.tables = tables  # netdev -> its rail's route table

    @property
    def sysfs(self) -> Path:
        return self.root / "sys"

    @property
    def configfs(self) -> Path:
        return self.root / "config"

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    def build(self) -> FakeHost:
        for name in ("mlnx_qos", "dcb", "ethtool", "ip"):
            path = self.bin / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(FAKE_TOOL.format(name=name))
            path.chmod(0o755)
        state = self.root / "state"
        state.mkdir(parents=True, exist_ok=True)
        for s in self.states:
            self._nic(s, state)
        rules = ["0:\tfrom all lookup local", *(s.rule for s in self.states if s.rule), "32766:\tfrom all lookup main"]
        (state / "host.ip-rule").write_text("\n".join(rules) + "\n")
        return self

    def _nic(self, s: NicState, state: Path) -> None:
        if s.present:
            net = self.sysfs / "class" / "net" / s.netdev
            _write(net / "mtu", s.mtu)
            for p in range(8):
                _write(net / "ecn" / "roce_np" / "enable" / str(p), s.ecn_np[p])
                _write(net / "ecn" / "roce_rp" / "enable" / str(p), s.ecn_rp[p])
            _write(net / "ecn" / "roce_np" / "cnp_dscp", s.cnp_dscp)
            _write(net / "ecn" / "roce_np" / "cnp_802p_prio", s.cnp_prio)
            (state / f"{s.netdev}.mlnx_qos").write_text(mlnx_qos_text(s))
            (state / f"{s.netdev}.dcb-pfc").write_text(dcb_pfc_text(s))
            (state / f"{s.netdev}.dcb-app").write_text(dcb_app_text(s, self.intended[s.netdev]))
            (state / f"{s.netdev}.ethtool").write_text(ethtool_text(s))
            (state / f"{s.netdev}.ip-addr").write_text(ip_addr_text(s))
            _write(net / "operstate", s.operstate)
            _write(net / "speed", s.speed_mbps)
        table = state / f"table-{self.tables[s.netdev]}.ip-route"
        with table.open("a") as f:
            f.write(f"{s.route}\n" if s.route else "")
        ib = self.sysfs / "class" / "infiniband" / s.rdma
        _write(ib / "tc" / "1" / "traffic_class", f"Global tclass={s.tclass}")
        for i, kind in s.gid_types.items():
            _write(ib / "ports" / "1" / "gid_attrs" / "types" / str(i), kind)
        for i, gid in s.gids.items():
            _write(ib / "ports" / "1" / "gids" / str(i), gid)
        cm = self.configfs / "rdma_cm" / s.rdma / "ports" / "1"
        _write(cm / "default_roce_tos", s.cm_tos)
        _write(cm / "default_roce_mode", s.roce_mode)

    def run(self, script: Path, values: Path | None = None) -> subprocess.CompletedProcess[str]:
        """``script`` against the tree; ``values``: the node's roce.env (the shared script reads it)."""
        env = {
            **os.environ,
            "ROCE_CHECK_SYSFS": str(self.sysfs),
            "ROCE_CHECK_CONFIGFS": str(self.configfs),
            "ROCE_CHECK_BIN": str(self.bin),
        }
        if values is not None:
            env["ROCE_CHECK_VALUES"] = str(values)
        return subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=60, check=False)


def _write(path: Path, value: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{value}\n")

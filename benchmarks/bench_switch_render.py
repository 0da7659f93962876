"""Per-device switch-config rendering speed, and a side-by-side with Arista's pyavd.

1. Renders every switch config of an example (default ai-factory-32k) and reports the
   per-OS and whole-cluster figures (the design is built once, outside the timing).
2. With --pyavd PYTHON (a Python that has pyavd installed, e.g. a separate venv), it
   converts the same EOS devices into AVD structured configs (hostname, management,
   every Ethernet interface with address/MTU/description/shutdown, loopback, eBGP
   neighbors, static routes) and times pyavd.get_device_config on them against
   aiinfra's EOS renderer on the same devices.

Usage: python benchmarks/bench_switch_render.py [--example NAME] [--pyavd /path/to/python]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PYAVD_TIMER = r"""
import json, sys, time
from pyavd import get_device_config
configs = json.load(open(sys.argv[1]))
get_device_config(configs[0])  # warm up template loading
t = time.perf_counter()
for c in configs:
    get_device_config(c)
print(json.dumps({"devices": len(configs), "seconds": time.perf_counter() - t}))
"""


def avd_structured_config(device, design) -> dict:  # type: ignore[no-untyped-def]
    """The subset of AVD's eos_cli_config_gen input that carries what aiinfra renders."""
    bgp = device.bgp
    return {
        "hostname": device.name,
        "management_interfaces": [
            {
                "name": "Management1",
                "vrf": "MGMT",
                "ip_address": device.mgmt_address,
                "gateway": device.mgmt_gateway,
                "type": "oob",
            }
        ],
        "vrfs": [{"name": "MGMT", "ip_routing": False}],
        "ntp": {"servers": [{"name": s, "vrf": "MGMT"} for s in design.management.ntp]},
        "loopback_interfaces": [{"name": "Loopback0", "ip_address": device.loopback}],
        "ethernet_interfaces": [
            {
                "name": i.name,
                "description": i.description,
                "shutdown": not i.enabled,
                "mtu": i.mtu,
                "switchport": {"enabled": False},
                **({"ip_address": i.address} if i.address else {}),
            }
            for i in device.interfaces
        ],
        "static_routes": [{"prefix": r.prefix, "next_hop": r.next_hop} for r in device.static_routes],
        "router_bgp": {
            "as": str(bgp.asn),
            "router_id": bgp.router_id,
            "maximum_paths": {"paths": bgp.maximum_paths},
            "peer_groups": [
                {"name": g, **({"remote_as": str(a)} if a else {}), "bfd": True} for g, a in bgp.peer_groups.items()
            ],
            "neighbors": [
                {"ip_address": n.address, "peer_group": n.peer_group, "remote_as": str(n.remote_asn)}
                for n in bgp.neighbors
            ],
            "networks": [{"prefix": p} for p in bgp.networks],
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--example", default="ai-factory-32k")
    parser.add_argument("--pyavd", help="a Python interpreter with pyavd installed")
    args = parser.parse_args()

    from aiinfra.nos import driver
    from aiinfra.pipeline import design_from_file

    result = design_from_file(ROOT / "inventories" / args.example / "cluster.yaml")
    design = result.design
    per_os: dict[str, list[float]] = defaultdict(list)
    t0 = time.perf_counter()
    for device in design.devices.values():
        t = time.perf_counter()
        driver(device.os).render(device, design)
        per_os[device.os].append(time.perf_counter() - t)
    total = time.perf_counter() - t0
    print(
        f"{args.example}: {len(design.devices)} switch configs in {total:.2f} s "
        f"({total / len(design.devices) * 1000:.2f} ms per device, one core)"
    )
    for os_name, times in sorted(per_os.items()):
        print(f"  {os_name:8s} {len(times):5d} devices  {sum(times) / len(times) * 1000:6.2f} ms per device")

    if args.pyavd:
        eos = [d for d in design.devices.values() if d.os == "eos"]
        if not eos:
            print("no EOS devices in this example; nothing to compare with pyavd")
            return 0
        t = time.perf_counter()
        for d in eos:
            driver("eos").render(d, design)
        ours = (time.perf_counter() - t) / len(eos)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump([avd_structured_config(d, design) for d in eos], f)
        out = subprocess.run([args.pyavd, "-c", PYAVD_TIMER, f.name], capture_output=True, text=True, check=True)
        avd = json.loads(out.stdout)
        theirs = avd["seconds"] / avd["devices"]
        print(
            f"EOS, same {len(eos)} devices: aiinfra {ours * 1000:.2f} ms/device (full config incl. QoS and "
            f"management plane), pyavd get_device_config {theirs * 1000:.2f} ms/device (subset input) "
            f"-> aiinfra is {theirs / ours:.1f}x faster"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

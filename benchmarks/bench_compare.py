"""aiinfra against Arista's pyavd and netlab on the same EOS fabrics, side by side in one run.

For each size, an all-EOS variant of ai-factory-32k (every back-end tier on the Arista
7060X6-64PE, ECMP; the front end is already EOS) is scaled to ``--sus`` scalable units:

* **aiinfra**: ``aiinfra render`` end to end, in a fresh process (load, validate, design,
  every file of the cluster to tmpfs: switch configs with QoS, hosts, inventory, cabling,
  verify catalogs, observability...). Its wall time is the figure compared.
* **pyavd** (``eos_designs`` + ``eos_cli_config_gen``): the same EOS switches and the same
  routed links, as an AVD L3LS fabric per aiinfra fabric (super_spine / spine / l3leaf node
  types, eBGP underlay, no overlay, each uplink with its interfaces on both ends, the ASNs
  and management addresses aiinfra chose): ``validate_inputs`` once per fabric and node type
  (every device of one shares its inputs: AVD's fastest way), ``get_avd_facts``,
  ``get_device_structured_config`` and ``get_device_config`` per device, every config
  written to tmpfs, in one process and on a pool of ``--jobs`` processes; the faster counts.
* **netlab** (``netlab create`` then ``netlab initial -o``, which renders the initial,
  normalize and bgp configs of every device with netlab's Ansible templates, to tmpfs): the
  same devices (``device: eos``, the same ASNs) and the same links.

pyavd and netlab generate less than aiinfra does (no PFC/ECN QoS, no hosts), so the ratio
understates aiinfra's lead. Usage::

    python3 -m venv /tmp/avdvenv && /tmp/avdvenv/bin/pip install pyavd==6.4.0
    python3 -m venv /tmp/nlvenv && /tmp/nlvenv/bin/pip install networklab==26.10 'ansible-core<2.20'
    .venv/bin/python benchmarks/bench_compare.py --pyavd /tmp/avdvenv/bin/python \\
        --netlab /tmp/nlvenv/bin/netlab --sus 4 16 40
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "inventories" / "ai-factory-32k" / "cluster.yaml"
TIERS = ("leaf", "spine", "super_spine")
AVD_TYPE = {"leaf": "l3leaf", "spine": "spine", "super-spine": "super_spine"}  # role -> AVD input key
AVD_TYPE_NAME = {"l3leaf": "l3leaf", "spine": "spine", "super_spine": "super-spine"}  # key -> a host's `type`
ROUTED = ("leaf-spine", "spine-super-spine")


def eos_spec(sus: int, directory: Path) -> Path:
    """ai-factory-32k at ``sus`` scalable units with every back-end tier on EOS (ECMP)."""
    import yaml

    data = yaml.safe_load(EXAMPLE.read_text())
    data = copy.deepcopy(data)
    data["compute"]["scalable_units"] = sus
    data.pop("workloads", None)
    backend = data["fabrics"]["backend"]
    backend["switches"] = {tier: {"model": "7060x6-64pe", "os": "eos"} for tier in TIERS}
    backend["load_balancing"] = "ecmp"
    path = directory / f"eos-{sus}su.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def aiinfra_child(spec: str, out: str) -> dict[str, Any]:
    """`aiinfra render` end to end in this (fresh) process; the EOS fabric it designed, for the others."""
    sys.path.insert(0, str(ROOT))
    from aiinfra.pipeline import design_from_file, write_rendered

    t0 = time.perf_counter()
    result = design_from_file(Path(spec), defer_invariants=True)
    files = write_rendered(result, Path(out) / "build")
    seconds = time.perf_counter() - t0
    d = result.design
    eos = {name: dev for name, dev in d.devices.items() if dev.os == "eos" and dev.fabric in ("backend", "frontend")}
    devices = [
        {
            "name": dev.name,
            "fabric": dev.fabric,
            "type": AVD_TYPE[dev.role],
            "asn": dev.bgp.asn if dev.bgp else None,
            "mgmt": dev.mgmt_address,
            "gateway": dev.mgmt_gateway,
        }
        for dev in eos.values()
    ]
    links = [
        [link.a_device, link.a_interface, link.b_device, link.b_interface]
        for link in d.links
        if link.kind in ROUTED and link.a_device in eos and link.b_device in eos
    ]
    return {"seconds": seconds, "files": files, "devices": devices, "links": links}


PYAVD_CHILD = r"""
import json, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from pyavd import get_avd_facts, get_device_config, get_device_structured_config, validate_inputs

fabric, out, jobs = json.load(open(sys.argv[1])), sys.argv[2], int(sys.argv[3])
INPUTS = {}
FACTS = None

def build(name):
    config = get_device_config(get_device_structured_config(name, INPUTS[name], FACTS))
    with open(os.path.join(out, name + ".cfg"), "w") as f:
        f.write(config)
    return config.count(" remote-as ")  # one per eBGP neighbour: the uplinks reached the config

def main():
    global FACTS
    t0 = time.perf_counter()
    validated = {}
    for key, inputs in fabric["inputs"].items():  # one per fabric and node type
        result = validate_inputs(inputs)
        if result.validation_result.violations:
            raise SystemExit(f"pyavd refused the inputs of {key}: {result.validation_result.violations[:3]}")
        validated[key] = result.validated_data
    for name, key in fabric["devices"].items():
        INPUTS[name] = validated[key]
    FACTS = get_avd_facts(INPUTS)
    names = sorted(INPUTS)
    if jobs == 1:
        sizes = [build(n) for n in names]
    else:
        with ProcessPoolExecutor(jobs) as pool:  # forked after the facts: the workers share them
            sizes = list(pool.map(build, names, chunksize=max(1, len(names) // (jobs * 8))))
    print(json.dumps({"seconds": time.perf_counter() - t0, "devices": len(sizes), "neighbors": sum(sizes)}))

main()
"""


def avd_inputs(devices: list[dict[str, Any]], links: list[list[str]]) -> dict[str, Any]:
    """AVD L3LS inputs (one per fabric and node type) and each device's key into them."""
    uplinks: dict[str, list[list[str]]] = {}
    for a, a_if, b, b_if in links:
        uplinks.setdefault(a, []).append([b, a_if, b_if])
    ids: dict[tuple[str, str], int] = {}
    fabrics: dict[str, dict[str, Any]] = {}
    for dev in devices:
        fabric = fabrics.setdefault(dev["fabric"], {t: [] for t in AVD_TYPE.values()})
        ids[(dev["fabric"], dev["type"])] = ids.get((dev["fabric"], dev["type"]), 0) + 1
        node: dict[str, Any] = {
            "name": dev["name"],
            "id": ids[(dev["fabric"], dev["type"])],
            "mgmt_ip": dev["mgmt"],
            "bgp_as": str(dev["asn"]),
        }
        ups = uplinks.get(dev["name"], [])
        if ups:
            node["uplink_switches"] = [u[0] for u in ups]
            node["uplink_interfaces"] = [u[1] for u in ups]
            node["uplink_switch_interfaces"] = [u[2] for u in ups]
        fabric[dev["type"]].append(node)
    inputs: dict[str, Any] = {}
    keys: dict[str, str] = {}
    for index, (name, types) in enumerate(sorted(fabrics.items())):
        ups = [n["uplink_switches"] for nodes in types.values() for n in nodes if "uplink_switches" in n]
        parallel = max((max(u.count(s) for s in set(u)) for u in ups), default=1)
        switches = max((len(set(u)) for u in ups), default=1)
        common: dict[str, Any] = {
            "fabric_name": name.upper(),
            "underlay_routing_protocol": "ebgp",
            "overlay_routing_protocol": "none",
            "mgmt_gateway": devices[0]["gateway"],
        }
        for avd_type, nodes in types.items():
            if nodes:
                common[avd_type] = {
                    "defaults": {
                        "loopback_ipv4_pool": f"10.{200 + index}.0.0/16",
                        "uplink_ipv4_pool": f"{10 + index * 32}.0.0.0/11",
                        "max_uplink_switches": switches,
                        "max_parallel_uplinks": parallel,
                        **({"vtep": False} if avd_type == "l3leaf" else {}),  # underlay only
                    },
                    "nodes": nodes,
                }
        for avd_type, nodes in types.items():
            if nodes:
                key = f"{name}/{avd_type}"
                inputs[key] = {**common, "type": AVD_TYPE_NAME[avd_type]}
                keys.update({n["name"]: key for n in nodes})
    return {"inputs": inputs, "devices": keys}


def netlab_topology(devices: list[dict[str, Any]], links: list[list[str]]) -> dict[str, Any]:
    """The same devices and links as a netlab topology (EOS, BGP module, the same ASNs)."""
    short = {dev["name"]: f"s{i:04d}" for i, dev in enumerate(devices, 1)}  # netlab caps node names
    return {
        "provider": "clab",
        "defaults": {"device": "eos", "const": {"MAX_NODE_ID": len(devices) + 10}},  # default cap: 150 nodes
        "module": ["bgp"],
        "addressing": {
            "loopback": {"ipv4": "10.200.0.0/16"},
            "p2p": {"ipv4": "10.0.0.0/9", "prefix": 31},
            "mgmt": {"ipv4": "10.192.0.0/16", "start": 10},
        },
        "nodes": {short[d["name"]]: {"bgp": {"as": d["asn"]}} for d in devices},
        "links": [f"{short[a]}-{short[b]}" for a, _, b, _ in links],
    }


def run_json(cmd: list[str], **kw: Any) -> dict[str, Any]:
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if proc.returncode:
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}):\n{proc.stderr[-3000:]}{proc.stdout[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def netlab_time(netlab: str, topo: dict[str, Any], work: Path, timeout: int) -> float | None:
    import yaml

    (work / "topology.yml").write_text(yaml.safe_dump(topo, sort_keys=False))
    env = {**os.environ, "PATH": f"{Path(netlab).parent}:{os.environ['PATH']}", "ANSIBLE_NOCOLOR": "1"}
    t0 = time.perf_counter()
    try:
        for cmd in ([netlab, "create", "topology.yml"], [netlab, "initial", "-o", str(work / "config")]):
            proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=timeout)
            if proc.returncode:
                raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr[-3000:]}{proc.stdout[-3000:]}")
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pyavd", required=True, help="a Python with pyavd installed")
    parser.add_argument("--netlab", help="the netlab command (its venv's bin also needs ansible-playbook)")
    parser.add_argument("--sus", type=int, nargs="+", default=[4, 16, 40])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="pyavd's process pool")
    parser.add_argument("--netlab-timeout", type=int, default=1800)
    parser.add_argument("--tmp", default="/dev/shm")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(aiinfra_child(*args.child)))
        return 0
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores, output to {args.tmp}")
    print(
        "| GPUs | EOS switches | routed links | aiinfra s (all files) | pyavd s | netlab s "
        "| pyavd / aiinfra | netlab / aiinfra |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for sus in args.sus:
        with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
            work = Path(tmp)
            spec = eos_spec(sus, work)
            env = {**os.environ, "PYTHONPATH": str(ROOT)}
            ai = run_json([sys.executable, __file__, "--pyavd", args.pyavd, "--child", str(spec), tmp], env=env)
            fabric = avd_inputs(ai["devices"], ai["links"])
            (work / "avd.json").write_text(json.dumps(fabric))
            avd_times = []
            for jobs in sorted({1, args.jobs}):
                out = work / f"avd-{jobs}"
                out.mkdir()
                avd_times.append(run_json([args.pyavd, "-c", PYAVD_CHILD, str(work / "avd.json"), str(out), str(jobs)]))
            avd = min(t["seconds"] for t in avd_times)
            if any(t["neighbors"] != 2 * len(ai["links"]) for t in avd_times):  # both ends of every link
                raise SystemExit(f"pyavd configured {avd_times} eBGP neighbours for {len(ai['links'])} links")
            nl = None
            if args.netlab:
                (work / "nl").mkdir()
                topology = netlab_topology(ai["devices"], ai["links"])
                nl = netlab_time(args.netlab, topology, work / "nl", args.netlab_timeout)
            nl_text = "-" if not args.netlab else f"{nl:.1f}" if nl is not None else f"> {args.netlab_timeout}"
            nl_ratio = f"{nl / ai['seconds']:.1f}x" if nl is not None else "-"
            gpus = sus * 64 * 8
            print(
                f"| {gpus:,} | {len(ai['devices'])} | {len(ai['links']):,} | {ai['seconds']:.1f} | {avd:.1f} | "
                f"{nl_text} | {avd / ai['seconds']:.1f}x | {nl_ratio} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

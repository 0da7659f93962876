"""``aiinfra lab up``: build the namespaces and cables, start FRR and sshd, deploy.

Order matters: the management LAN and sshd must exist before Ansible can deploy, and
FRR must be running (empty) before a config can be loaded into it. The state file is
written first and kept current, so a failure at any step still leaves ``down`` able to
remove everything already created.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import aiinfra
from aiinfra.lab import deploy, frr, inventory, lldp, netns, nodes, requirements, sonic, sshd, state
from aiinfra.lab.context import LabContext
from aiinfra.lab.errors import LabError
from aiinfra.lab.names import namespace_prefixes
from aiinfra.lab.topology import LabPlan, SwitchPlan, mgmt_ip
from aiinfra.pipeline import write_rendered

# What the switch ASIC does without being configured: forward, hash ECMP on L4, never
# use a next hop whose link is down, and answer every traceroute probe (no ICMP rate
# limit, or a full-mesh traceroute sweep would see gaps).
SWITCH_SYSCTLS = (
    ("net.ipv4.ip_forward", "1"),
    ("net.ipv4.conf.all.rp_filter", "0"),
    ("net.ipv4.conf.default.rp_filter", "0"),
    ("net.ipv4.conf.all.ignore_routes_with_linkdown", "1"),
    ("net.ipv4.conf.default.ignore_routes_with_linkdown", "1"),
    ("net.ipv4.fib_multipath_hash_policy", "1"),
    ("net.ipv4.icmp_ratelimit", "0"),
)
WORKERS = 8

Progress = Callable[[str], None]


def up(ctx: LabContext, progress: Progress) -> state.LabState:
    reasons = requirements.missing()
    if reasons:
        raise LabError("; ".join(reasons))
    _refuse_existing(ctx)
    started = time.monotonic()
    ctx.lab_dir.mkdir(parents=True)
    st = state.LabState(lab_id=ctx.lab_id, spec=str(ctx.spec), lab_dir=str(ctx.lab_dir))
    st.save()

    def phase(name: str, since: float) -> float:
        now = time.monotonic()
        st.timings[name] = round(now - since, 2)
        st.save()
        return now

    t = started
    progress(f"rendering {ctx.spec.name} into {ctx.render_dir}")
    write_rendered(ctx.result, ctx.render_dir)  # what `aiinfra render SPEC -o DIR` writes
    t = phase("render_s", t)

    progress(f"creating {len(ctx.plan.namespaces())} namespaces and {len(ctx.plan.cables)} veth pairs")
    _system_dirs(st)
    build_network(ctx.plan)
    t = phase("network_s", t)

    progress(f"starting FRR (zebra, staticd, bgpd, bfdd) in {len(ctx.plan.switches)} switch namespaces")
    before = _frr_tmp_entries()
    _parallel(
        lambda sw: frr.start(sw.namespace, sw.pathspace, inventory.switch_dirs(ctx.lab_dir, sw.name).frr),
        ctx.plan.switches.values(),
    )
    st.frr_tmp_entries = sorted(_frr_tmp_entries() - before)
    t = phase("frr_s", t)

    progress("starting sshd on every switch's management address")
    _start_sshd(ctx)
    progress(f"starting lldpd in {len(ctx.plan.switches) + len(ctx.plan.nodes)} switch and node namespaces")
    _start_lldpd(ctx)
    for node in ctx.plan.nodes.values():
        nodes.configure(node, ctx.result.design, ctx.result.catalog)
    lab_inventory, secrets = _write_inventory(ctx)
    t = phase("sshd_nodes_s", t)

    st.phase = "deploying"
    st.save()
    progress(f"installing the {deploy.COLLECTION} collection into the lab")
    deploy.install_collection(ctx.lab_dir)
    argv = deploy.command(ctx.plan.controller_namespace, ctx.render_dir, lab_inventory, secrets)
    progress("deploying: " + " ".join(argv[4:]))
    try:
        deploy.run(argv, ctx.lab_dir, lambda line: progress("  " + line))
    except LabError:
        st.phase = "deploy-failed"
        st.save()
        raise
    phase("deploy_s", t)
    st.timings["up_s"] = round(time.monotonic() - started, 2)
    st.phase = "up"
    st.save()
    return st


def _refuse_existing(ctx: LabContext) -> None:
    prefixes = namespace_prefixes(ctx.lab_id)
    leftovers = [ns for ns in netns.list_namespaces() if ns.startswith(prefixes)]
    if state.load(ctx.lab_id) is not None or leftovers or ctx.lab_dir.exists():
        raise LabError(f"lab {ctx.lab_id} already exists (or was left behind); run `aiinfra lab down {ctx.spec}` first")


def _system_dirs(st: state.LabState) -> None:
    """Record the shared system dirs this lab creates, so `down` can remove them again."""
    if sshd.ensure_privsep_dir():
        st.created_paths.append(str(sshd.PRIVSEP_DIR))
    if not frr.FRR_TMP.exists():
        st.created_paths.append(str(frr.FRR_TMP))
    st.save()


def _frr_tmp_entries() -> set[str]:
    return {str(p) for p in frr.FRR_TMP.iterdir()} if frr.FRR_TMP.is_dir() else set()


def build_network(plan: LabPlan) -> None:
    """Namespaces, veth pairs, bridges, management addresses; ports up."""
    for ns in plan.namespaces():
        netns.add_namespace(ns)
    for sw in plan.switches.values():
        netns.sysctls(sw.namespace, SWITCH_SYSCTLS)
    for cable in plan.cables:
        netns.add_veth(cable.a.namespace, cable.a.ifname, cable.a.mtu, cable.b.namespace, cable.b.ifname, cable.b.mtu)
    commands: dict[str, list[str]] = {ns: [] for ns in plan.namespaces()}
    for bridge in plan.bridges:
        commands[bridge.namespace].append(f"link add {bridge.ifname} type bridge")
    for cable in plan.cables:
        for port in (cable.a, cable.b):
            if cable.kind in ("mgmt", "mgmt-direct", "oob-uplink") and port.address:
                commands[port.namespace].append(f"address add {port.address} dev {port.ifname}")
            commands[port.namespace].append(f"link set dev {port.ifname} up")
    for bridge in plan.bridges:
        commands[bridge.namespace] += [f"link set dev {m} master {bridge.ifname}" for m in bridge.members]
        if bridge.address:
            commands[bridge.namespace].append(f"address add {bridge.address} dev {bridge.ifname}")
        commands[bridge.namespace].append(f"link set dev {bridge.ifname} up")
    for ns, lines in commands.items():
        netns.batch(ns, lines)


def _start_sshd(ctx: LabContext) -> None:
    ssh_dir = ctx.lab_dir / "ssh"
    sshd.make_keys(ssh_dir)
    sshd.write_known_hosts(ssh_dir, [mgmt_ip(sw.mgmt.address or "") for sw in ctx.plan.switches.values()])

    def one(sw: SwitchPlan) -> None:
        dirs = inventory.switch_dirs(ctx.lab_dir, sw.name)
        dirs.make(sw.pathspace)
        if sw.sonic:
            _sonic_personality(sw, dirs)
        sshd.start(sw.namespace, mgmt_ip(sw.mgmt.address or ""), ssh_dir, dirs.sshd, dirs.bin if sw.sonic else None)

    _parallel(one, ctx.plan.switches.values())


def _start_lldpd(ctx: LabContext) -> None:
    """lldpd on every switch's fabric ports and every node's NICs, each named as the Design names it."""
    jobs = [
        (sw.namespace, sw.name, {k: d for d, k in sw.ports.items() if d != sw.mgmt.design_name})
        for sw in ctx.plan.switches.values()
    ]
    jobs += [(n.namespace, n.name, {port.ifname: nic.netdev for nic, port in n.nics}) for n in ctx.plan.nodes.values()]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for future in [
            pool.submit(lldp.start, ns, name, ports, lldp.workdir(ctx.lab_dir, name)) for ns, name, ports in jobs
        ]:
            future.result()


def _sonic_personality(sw: SwitchPlan, dirs: inventory.SwitchDirs) -> None:
    """`config`, `systemctl` and `sonic-cfggen` for the SONiC tasks of the playbook (see lab/sonic.py)."""
    ports = {name: ifname for name, ifname in sw.ports.items() if name != sw.mgmt.design_name}
    me = sonic.write_personality(
        dirs.root,
        {
            "namespace": sw.namespace,
            "pathspace": sw.pathspace,
            "frr_workdir": str(dirs.frr),
            "frr_confdir": str(dirs.confdir),
            "frr_conf": str(dirs.sonic / "frr.conf"),
            "config_db": str(dirs.sonic / "config_db.json"),
            "ports": ports,
        },
    )
    source_root = Path(aiinfra.__file__).resolve().parent.parent
    for command in ("config", "systemctl", "sonic-cfggen"):
        wrapper = dirs.bin / command
        wrapper.write_text(
            "#!/bin/sh\n# aiinfra lab: SONiC personality of this switch (aiinfra/lab/sonic.py)\n"
            f'PYTHONPATH="{source_root}" exec "{sys.executable}" -m aiinfra.lab.sonic "{me}" {command} "$@"\n',
            encoding="utf-8",
        )
        wrapper.chmod(0o755)


def _write_inventory(ctx: LabContext) -> tuple[Path, Path]:
    frr_dir = ctx.lab_dir / "frr"
    frr_dir.mkdir(exist_ok=True)
    configs: dict[str, Path] = {}
    for name, sw in ctx.plan.switches.items():
        if sw.sonic:
            continue
        path = frr_dir / f"{name}.frr.conf"
        path.write_text(frr.lab_rendering(name, ctx.result.design, sw.ports), encoding="utf-8")
        configs[name] = path
    layer = inventory.write_layer(ctx.plan, ctx.lab_dir, ctx.render_dir, configs)
    return layer, inventory.write_secrets(ctx.render_dir, ctx.lab_dir)


def _parallel(fn: Callable[[SwitchPlan], None], items: Iterable[SwitchPlan]) -> None:
    """Run per-switch setup concurrently; the first failure is raised once all finished."""
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for future in [pool.submit(fn, item) for item in items]:
            future.result()

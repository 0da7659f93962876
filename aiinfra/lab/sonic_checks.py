"""What a lab SONiC switch checks in a config_db.json before it loads it.

A real switch loads a config_db.json with incomplete buffer tables without complaint and
then forwards the RoCE class lossy: buffermgrd/bufferorch skip a PG whose profile or pool
is missing, and ``config reload`` has just replaced CONFIG_DB wholesale, so nothing of
the previous buffers survives. The lab cannot run an ASIC, so it refuses such a file
instead, which makes the deployment fail in the lab rather than drop packets in the
field. The chain followed is SONiC's own (traditional buffer model):

    PORT_QOS_MAP|port pfc_enable -> PFC_PRIORITY_TO_PRIORITY_GROUP_MAP -> BUFFER_PG|port|pg
    -> BUFFER_PROFILE (size, xoff) -> BUFFER_POOL (ingress), and
    MAP_PFC_PRIORITY_TO_QUEUE -> BUFFER_QUEUE|port|queue -> BUFFER_PROFILE -> BUFFER_POOL (egress),

with ``DEVICE_METADATA.buffer_model`` "traditional" and a CABLE_LENGTH for the port.

It also says which FRR daemons the bgp container runs: SONiC 202411 starts bfdd only
with ``DEVICE_METADATA.frr_mgmt_framework_config`` "true" (sonic-buildimage
dockers/docker-fpm-frr/frr/supervisord/supervisord.conf.j2), so the lab does the same.
"""

from __future__ import annotations

from typing import Any

from aiinfra.lab.frr import DAEMONS

WITHOUT_BFDD = tuple(d for d in DAEMONS if d != "bfdd")


def daemons(config_db: dict[str, Any]) -> tuple[str, ...]:
    """The FRR daemons SONiC's bgp container starts for this CONFIG_DB."""
    meta = (config_db.get("DEVICE_METADATA") or {}).get("localhost") or {}
    return DAEMONS if meta.get("frr_mgmt_framework_config") == "true" else WITHOUT_BFDD


def _covering(table: dict[str, Any], port: str, index: int) -> dict[str, Any] | None:
    """The ``port|n`` or ``port|a-b`` row whose index range holds ``index``."""
    for key, row in table.items():
        name, _, span = key.partition("|")
        lo, _, hi = span.partition("-")
        if name == port and lo.isdigit() and (hi or lo).isdigit() and int(lo) <= index <= int(hi or lo):
            return row if isinstance(row, dict) else None
    return None


def _profile(db: dict[str, Any], row: dict[str, Any] | None, where: str, kind: str, out: list[str]) -> None:
    """The row's profile and pool exist, with a size, and the pool is of ``kind``."""
    if row is None:
        out.append(f"{where}: no {('BUFFER_PG' if kind == 'ingress' else 'BUFFER_QUEUE')} row")
        return
    name = row.get("profile", "")
    profile = (db.get("BUFFER_PROFILE") or {}).get(name)
    if not isinstance(profile, dict):
        out.append(f"{where}: BUFFER_PROFILE {name!r} does not exist")
        return
    if not str(profile.get("size", "")).isdigit():
        out.append(f"{where}: BUFFER_PROFILE {name} has no size")
    xoff = str(profile.get("xoff", ""))
    if kind == "ingress" and (not xoff.isdigit() or int(xoff) == 0):
        out.append(f"{where}: BUFFER_PROFILE {name} has no xoff (PFC headroom)")
    pool = (db.get("BUFFER_POOL") or {}).get(profile.get("pool", ""))
    if not isinstance(pool, dict) or pool.get("type") not in (kind, "both") or not pool.get("size"):
        out.append(f"{where}: BUFFER_PROFILE {name} names no sized {kind} BUFFER_POOL ({profile.get('pool')!r})")


def buffer_problems(db: dict[str, Any]) -> list[str]:
    """Why the lossless priorities of this CONFIG_DB would not be lossless; empty when they are."""
    out: list[str] = []
    qos = {p: e for p, e in (db.get("PORT_QOS_MAP") or {}).items() if isinstance(e, dict) and e.get("pfc_enable")}
    if not qos:
        return out
    meta = (db.get("DEVICE_METADATA") or {}).get("localhost") or {}
    if meta.get("buffer_model") != "traditional":
        out.append(f"DEVICE_METADATA buffer_model is {meta.get('buffer_model')!r}; the lab runs the traditional model")
    cables = {port for rows in (db.get("CABLE_LENGTH") or {}).values() if isinstance(rows, dict) for port in rows}
    for port, entry in sorted(qos.items()):
        if port not in cables:
            out.append(f"{port}: no CABLE_LENGTH")
        to_pg = (db.get("PFC_PRIORITY_TO_PRIORITY_GROUP_MAP") or {}).get(entry.get("pfc_to_pg_map", ""), {})
        to_queue = (db.get("MAP_PFC_PRIORITY_TO_QUEUE") or {}).get(entry.get("pfc_to_queue_map", ""), {})
        for prio in (p.strip() for p in str(entry["pfc_enable"]).split(",") if p.strip()):
            pg, queue = to_pg.get(prio, prio), to_queue.get(prio, prio)
            if not (str(pg).isdigit() and str(queue).isdigit()):
                out.append(f"{port}: priority {prio} maps to no PG/queue")
                continue
            where = f"{port} priority {prio}"
            _profile(db, _covering(db.get("BUFFER_PG") or {}, port, int(pg)), f"{where} PG {pg}", "ingress", out)
            queue_row = _covering(db.get("BUFFER_QUEUE") or {}, port, int(queue))
            _profile(db, queue_row, f"{where} queue {queue}", "egress", out)
    return out

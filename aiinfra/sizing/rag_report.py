"""The RAG part of ``aiinfra size``: a JSON-ready dict and the table rendered from it.

Like :mod:`aiinfra.sizing.report`, the dict is the single source and keys carry units.
"""

from __future__ import annotations

from typing import Any

from aiinfra.sizing.rag import GIB, RagSizing

Json = dict[str, Any]


def _gib(b: float) -> float:
    return round(b / GIB, 2)


def rag_json(r: RagSizing) -> Json:
    return {
        "serves": r.serves,
        "embedding_model": r.embedding.name,
        "dimensions": r.embedding.dimensions,
        "vector_db": r.engine,
        "chunks_per_document": r.chunks_per_document,
        "vectors": r.vectors,
        "retrieved_tokens_per_prompt": r.retrieved_tokens,
        "index_gib": _gib(r.index_bytes),
        "memory_gib": _gib(r.memory_bytes),
        "disk_gib": _gib(r.disk_bytes),
        "shards": r.shards,
        "replicas": r.replicas,
        "pods": r.pods,
        "memory_per_pod_gib": _gib(r.memory_per_pod_bytes),
        "disk_per_pod_gib": _gib(r.disk_per_pod_bytes),
        "memory_all_replicas_gib": _gib(r.memory_bytes * r.replicas),
        "embedding_replicas": r.embedding_replicas,
        "reranker_replicas": r.reranker_replicas,
        "ingestion_hours": round(r.ingestion_s / 3600, 2),
        "latency_ms": [{"stage": s.name, "ms": round(s.seconds * 1000, 2), "basis": s.basis} for s in r.stages],
        "ttft_ms": round(r.ttft_s * 1000, 1),
        "ttft_budget_ms": round(r.budget_s * 1000, 1),
        "within_budget": r.within_budget,
    }


def _fmt(x: Any) -> str:
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        return f"{x:,.2f}"
    return str(x)


def rag_table(d: Json) -> str:
    rows = [
        ("serves", d["serves"]),
        ("embedding", f"{d['embedding_model']} ({d['dimensions']} dims)"),
        ("vectors (chunks)", f"{_fmt(d['vectors'])} ({d['chunks_per_document']} per document)"),
        ("retrieved tokens per prompt", d["retrieved_tokens_per_prompt"]),
        (f"{d['vector_db']} index / with overhead (GiB)", f"{_fmt(d['index_gib'])} / {_fmt(d['memory_gib'])}"),
        ("disk per copy (GiB)", d["disk_gib"]),
        ("shards x replicas", f"{d['shards']} x {d['replicas']} = {d['pods']} pods"),
        ("memory / disk per pod (GiB)", f"{_fmt(d['memory_per_pod_gib'])} / {_fmt(d['disk_per_pod_gib'])}"),
        ("memory, all replicas (GiB)", d["memory_all_replicas_gib"]),
        ("embedding / reranker replicas", f"{d['embedding_replicas']} / {d['reranker_replicas']}"),
        ("ingestion (hours)", d["ingestion_hours"]),
    ]
    rows += [(f"latency: {s['stage']} (ms)", s["ms"]) for s in d["latency_ms"]]
    rows.append(("TTFT / budget (ms)", f"{_fmt(d['ttft_ms'])} / {_fmt(d['ttft_budget_ms'])}"))
    rows.append(("within budget", d["within_budget"]))
    width = max(len(label) for label, _ in rows)
    return "\n".join(["  rag pipeline"] + [f"    {label.ljust(width)}  {_fmt(value)}" for label, value in rows])


__all__ = ["rag_json", "rag_table"]

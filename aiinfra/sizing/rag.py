"""RAG sizing: vector-index memory, shards and replicas, ingestion time and a latency budget per stage.

The index memory model is the byte layout of FAISS's own structures (checked against
real FAISS indexes in ``tests/sizing/test_rag_faiss.py``); the engines' documented
overheads multiply it (docs/sizing.md, "RAG"). Retrieved chunks lengthen the prompt
of the workload the pipeline ``serves`` (:func:`with_retrieved_context`), so that
workload's prefill, TTFT and KV memory already count them when the stages are added up.

Units: bytes, seconds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from aiinfra.sizing.errors import SizingError
from aiinfra.spec.rag import EmbeddingModel, HnswIndex, IvfPqIndex, Rag
from aiinfra.spec.workloads import InferenceWorkload, TokenLength, Tokens

DATA = Path(__file__).parent / "data" / "rag_models.yaml"
GIB = 2**30
FLOAT32 = 4
VECTOR_BYTES = {"none": lambda d: FLOAT32 * d, "int8": lambda d: d, "binary": lambda d: math.ceil(d / 8)}
# Resident memory over the raw index (docs/sizing.md "RAG"): Qdrant's capacity-planning 1.5 (metadata,
# point versions, optimizer segments); Weaviate and Milvus: the same 1.5 as an assumption; FAISS: none.
ENGINE_OVERHEAD = {"qdrant": 1.5, "weaviate": 1.5, "milvus": 1.5, "faiss": 1.0}
MEMORY_HEADROOM = 0.8  # a shard fills at most 80% of the pod's memory (assumption)
HNSW_NODE_BYTES = 4 + 8  # FAISS HNSW: an int32 level and an int64 offset per vector
IVF_ID_BYTES = 8  # FAISS inverted lists store an int64 id per code
# Latency model constants, all assumptions (docs/sizing.md "RAG"):
REQUEST_OVERHEAD_S = 0.002  # one HTTP/gRPC hop inside the cluster, per stage
CPU_FLOPS = 2e10  # one core, AVX2 FMA, distance computations
PQ_LOOKUPS_PER_S = 1e9  # one core, table lookups scanning PQ codes


@cache
def _catalog() -> dict[str, EmbeddingModel]:
    doc = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return {k: EmbeddingModel.model_validate(v) for k, v in doc["embedding_models"].items()}


@cache
def embedding_names() -> tuple[str, ...]:
    return tuple(sorted(_catalog()))


def resolve_embedding(ref: str | EmbeddingModel) -> EmbeddingModel:
    if isinstance(ref, EmbeddingModel):
        return ref
    try:
        return _catalog()[ref]
    except KeyError:
        raise SizingError(f"unknown embedding model {ref!r}; known: {', '.join(embedding_names())}") from None


# --------------------------------------------------------------------------- prompts


def retrieved_tokens(rag: Rag) -> int:
    """Tokens the retrieved chunks add to every prompt."""
    return rag.retrieval.top_k * rag.corpus.chunk_tokens


def with_retrieved_context(w: InferenceWorkload, rag: Rag | None) -> InferenceWorkload:
    """The workload with its prompts lengthened by the retrieved chunks, when the RAG pipeline serves it."""
    if rag is None or rag.serves != w.name:
        return w
    from aiinfra.sizing.models import resolve_profile

    if w.tokens.profile is not None:
        prompt, output, _ = resolve_profile(w.tokens.profile)
    else:
        assert w.tokens.prompt is not None and w.tokens.output is not None
        prompt, output = w.tokens.prompt, w.tokens.output
    extra = retrieved_tokens(rag)
    longer = TokenLength(mean=prompt.mean + extra, p95=prompt.tail + extra)
    return w.model_copy(update={"tokens": Tokens(prompt=longer, output=output)})


# --------------------------------------------------------------------------- index memory


def chunks_per_document(mean_tokens: int, chunk: int, overlap: int) -> int:
    """Sliding windows of ``chunk`` tokens advancing by ``chunk - overlap``."""
    if mean_tokens <= chunk:
        return 1
    return math.ceil((mean_tokens - overlap) / (chunk - overlap))


def hnsw_links_per_vector(m: int) -> float:
    """Neighbour slots per vector: 2m on the base layer plus m per upper level.

    A vector reaches level l with probability m^-l (FAISS and hnswlib draw levels with
    mL = 1/ln m), so the expected upper-level slots are m x sum(m^-l) = m / (m - 1).
    """
    return 2 * m + m / (m - 1)


def hnsw_bytes(vectors: int, dims: int, m: int, quantization: str) -> float:
    """An HNSW index in memory: stored vectors plus int32 neighbour ids and per-vector bookkeeping."""
    per_vector = VECTOR_BYTES[quantization](dims) + 4 * hnsw_links_per_vector(m) + HNSW_NODE_BYTES
    return vectors * per_vector


def ivf_pq_bytes(vectors: int, dims: int, index: IvfPqIndex) -> float:
    """IVF-PQ: a code and an id per vector, the coarse centroids and the PQ codebooks."""
    code = math.ceil(index.pq_m * index.nbits / 8)
    fixed = index.nlist * dims * FLOAT32 + (2**index.nbits) * dims * FLOAT32
    return vectors * (code + IVF_ID_BYTES) + fixed


def index_bytes(vectors: int, dims: int, rag: Rag) -> float:
    idx = rag.vector_db.index
    if isinstance(idx, HnswIndex):
        return hnsw_bytes(vectors, dims, idx.m, rag.vector_db.quantization)
    return ivf_pq_bytes(vectors, dims, idx)


# --------------------------------------------------------------------------- the pipeline


@dataclass(frozen=True)
class Stage:
    name: str
    seconds: float
    basis: str


@dataclass(frozen=True)
class RagSizing:
    serves: str
    embedding: EmbeddingModel
    engine: str
    chunks_per_document: int
    vectors: int
    retrieved_tokens: int
    index_bytes: float  # one copy, the model FAISS checks
    memory_bytes: float  # one copy with the engine's overhead
    disk_bytes: float  # one copy: originals, index, payload
    shards: int
    replicas: int
    memory_per_pod_bytes: float
    disk_per_pod_bytes: float
    embedding_replicas: int
    reranker_replicas: int
    ingestion_s: float
    stages: tuple[Stage, ...]
    budget_s: float

    @property
    def pods(self) -> int:
        return self.shards * self.replicas

    @property
    def ttft_s(self) -> float:
        """Time to first token of a RAG request: every stage before decode."""
        return sum(s.seconds for s in self.stages if s.name != "decode")

    @property
    def within_budget(self) -> bool:
        return self.ttft_s <= self.budget_s


def _search_s(rag: Rag, vectors: int, dims: int, shards: int) -> tuple[float, str]:
    """One query against every shard in parallel: distance work on the biggest shard."""
    idx = rag.vector_db.index
    per_shard = vectors / shards
    if isinstance(idx, HnswIndex):
        evaluations = idx.ef_search * 2 * idx.m
        work = evaluations * dims * 2 / CPU_FLOPS
        basis = f"ef_search {idx.ef_search} x 2m {2 * idx.m} distances of {dims} dims on one core"
    else:
        scanned = idx.nprobe * per_shard / idx.nlist
        work = idx.nlist * dims * 2 / CPU_FLOPS + scanned * idx.pq_m / PQ_LOOKUPS_PER_S
        basis = f"{idx.nlist} centroids + {scanned:,.0f} PQ codes (nprobe {idx.nprobe}) on one core"
    return REQUEST_OVERHEAD_S + work, basis


def size_rag(rag: Rag, ttft_s: float | None, itl_s: float | None, output_tokens: float | None) -> RagSizing:
    """Size the pipeline; ``ttft_s``/``itl_s`` come from the served workload's operating point at its SLO."""
    model = resolve_embedding(rag.embedding.model)
    corpus, db, ret = rag.corpus, rag.vector_db, rag.retrieval
    if corpus.chunk_tokens > model.max_tokens:
        raise SizingError(f"chunk_tokens {corpus.chunk_tokens} exceeds {model.name}'s {model.max_tokens}-token input")
    per_doc = chunks_per_document(corpus.mean_tokens, corpus.chunk_tokens, corpus.overlap_tokens)
    vectors = corpus.documents * per_doc
    dims = model.dimensions
    raw = index_bytes(vectors, dims, rag)
    memory = raw * ENGINE_OVERHEAD[db.engine]
    payload = corpus.payload_bytes_per_chunk if corpus.payload_bytes_per_chunk is not None else 4 * corpus.chunk_tokens
    originals = vectors * dims * FLOAT32 if (db.quantization != "none" or isinstance(db.index, IvfPqIndex)) else 0
    disk = raw + originals + vectors * payload
    shards = db.shards or max(1, math.ceil(memory / (db.memory_per_node_gib * GIB * MEMORY_HEADROOM)))
    floor = 1 if db.engine == "faiss" else 2
    replicas = db.replicas or max(floor, math.ceil(ret.queries_per_s / db.queries_per_s_per_replica))
    query_tokens_per_s = ret.queries_per_s * ret.query_tokens
    per_replica = model.tokens_per_s_per_gpu * rag.embedding.gpus_per_replica
    embed_replicas = rag.embedding.replicas or max(1, math.ceil(query_tokens_per_s / per_replica))
    ingestion = vectors * corpus.chunk_tokens / (per_replica * embed_replicas)
    rerank_replicas = 0
    if rag.reranker is not None:
        pair_tokens_per_s = ret.queries_per_s * rag.reranker.candidates * (ret.query_tokens + corpus.chunk_tokens)
        rerank_replicas = max(1, math.ceil(pair_tokens_per_s / rag.reranker.tokens_per_s_per_gpu))
    search, search_basis = _search_s(rag, vectors, dims, shards)
    stages = [
        Stage("embed query", REQUEST_OVERHEAD_S + ret.query_tokens / model.tokens_per_s_per_gpu, model.name),
        Stage("search", search, search_basis),
    ]
    if rag.reranker is not None:
        r = rag.reranker
        pairs = r.candidates * (ret.query_tokens + corpus.chunk_tokens)
        stages.append(Stage("rerank", REQUEST_OVERHEAD_S + pairs / r.tokens_per_s_per_gpu, f"{r.candidates} pairs"))
    stages.append(Stage("prefill (TTFT)", ttft_s or 0.0, f"{rag.serves} at its SLO, +{retrieved_tokens(rag)} tokens"))
    if itl_s is not None and output_tokens is not None:
        stages.append(Stage("decode", max(output_tokens - 1, 0) * itl_s, f"{output_tokens:g} tokens x ITL"))
    return RagSizing(
        serves=rag.serves,
        embedding=model,
        engine=db.engine,
        chunks_per_document=per_doc,
        vectors=vectors,
        retrieved_tokens=retrieved_tokens(rag),
        index_bytes=raw,
        memory_bytes=memory,
        disk_bytes=disk,
        shards=shards,
        replicas=replicas,
        memory_per_pod_bytes=memory / shards,
        disk_per_pod_bytes=disk / shards,
        embedding_replicas=embed_replicas,
        reranker_replicas=rerank_replicas,
        ingestion_s=ingestion,
        stages=tuple(stages),
        budget_s=rag.latency.end_to_end_ttft_ms / 1000,
    )


def size_rag_for(rag: Rag | None, inference: Sequence[Any]) -> RagSizing | None:
    """Size ``rag`` against the sized workload it serves (an ``Outcome`` of :mod:`aiinfra.sizing.cluster`).

    A served workload that could not be sized, or misses its SLO, leaves the prefill and
    decode stages at zero: ``aiinfra validate`` refuses such a workload on its own.
    """
    if rag is None:
        return None
    served = next((o.result for o in inference if o.name == rag.serves), None)
    point = served.chosen.at_slo if served is not None and served.chosen is not None else None
    if point is None:
        return size_rag(rag, None, None, None)
    return size_rag(rag, point.ttft_s, point.itl_s, point.tokens_per_request)


__all__ = [
    "RagSizing",
    "Stage",
    "chunks_per_document",
    "embedding_names",
    "hnsw_bytes",
    "index_bytes",
    "ivf_pq_bytes",
    "resolve_embedding",
    "retrieved_tokens",
    "size_rag",
    "size_rag_for",
    "with_retrieved_context",
]

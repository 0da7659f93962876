"""``workloads.rag``: retrieval-augmented generation in front of one inference workload.

The section names the corpus, the embedding model, the vector database and its index,
and the retrieval targets. ``aiinfra size`` turns it into vector-DB memory and disk,
shards and replicas, ingestion time and a latency budget per pipeline stage
(:mod:`aiinfra.sizing.rag`); the retrieved chunks also lengthen every prompt of the
workload it ``serves``, so prefill and KV memory count them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from aiinfra.spec.base import Strict
from aiinfra.spec.counts import Count
from aiinfra.spec.errors import FieldProblem, raise_field_problems
from aiinfra.spec.serving import ImageRef, Registry
from aiinfra.spec.text import FreeText

VectorEngine = Literal["qdrant", "weaviate", "milvus", "faiss"]
Quantization = Literal["none", "int8", "binary"]


class EmbeddingModel(Strict):
    """An embedding model as sizing needs it; catalog entries (``aiinfra/sizing/data/rag_models.yaml``) share it."""

    name: FreeText = Field(min_length=1)
    dimensions: int = Field(ge=1, le=65_536)
    params: Count = Field(description="Parameters; accepts 335M style.")
    tokens_per_s_per_gpu: float = Field(gt=0, le=1e9, description="Embedding throughput of one GPU.")
    max_tokens: int = Field(default=512, ge=1, le=1_000_000, description="Longest input the model takes.")
    source: FreeText = "inline model in the spec"


def check_embedding_name(value: object) -> object:
    """Reject an unknown catalog embedding model here, so the error points at the field."""
    if isinstance(value, str):
        from aiinfra.sizing.rag import embedding_names

        if value not in embedding_names():
            raise ValueError(
                f"unknown embedding model {value!r}; known: {', '.join(embedding_names())}, or define it inline"
            )
    return value


class Embedding(Strict):
    """The embedding service: embeds the corpus once and every query."""

    model: str | EmbeddingModel = Field(description="Catalog name or an inline model.")
    image: ImageRef = Field(description="Embedding server image (e.g. a Text Embeddings Inference tag).")
    replicas: int | None = Field(default=None, ge=1, le=10_000, description="Default: enough for the query rate.")
    gpus_per_replica: int = Field(default=1, ge=1, le=16)

    _name = field_validator("model", mode="before")(check_embedding_name)


class Corpus(Strict):
    """What is indexed: documents split into overlapping chunks, one vector per chunk."""

    documents: Count
    mean_tokens: int = Field(ge=1, le=100_000_000, description="Mean document length in tokens.")
    chunk_tokens: int = Field(default=512, ge=16, le=32_768)
    overlap_tokens: int = Field(default=64, ge=0, le=32_767)
    payload_bytes_per_chunk: int | None = Field(
        default=None, ge=0, le=100_000_000, description="Stored text and metadata per chunk. Default: 4 x chunk_tokens."
    )

    @model_validator(mode="after")
    def _overlap(self) -> Corpus:
        if self.overlap_tokens >= self.chunk_tokens:
            raise ValueError(f"overlap_tokens {self.overlap_tokens} must be below chunk_tokens {self.chunk_tokens}")
        return self


class HnswIndex(Strict):
    """A hierarchical navigable small-world graph: ``m`` links per vector (2 m on the base layer)."""

    type: Literal["hnsw"] = "hnsw"
    m: int = Field(default=16, ge=2, le=512)
    ef_construct: int = Field(default=100, ge=4, le=100_000)
    ef_search: int = Field(default=128, ge=1, le=100_000)

    @model_validator(mode="after")
    def _ef(self) -> HnswIndex:
        if self.ef_construct < self.m:
            raise ValueError(f"ef_construct {self.ef_construct} is below m {self.m}; the graph would be starved")
        return self


class IvfPqIndex(Strict):
    """Inverted lists over product-quantized codes: ``pq_m`` sub-vectors of ``nbits`` each."""

    type: Literal["ivf_pq"] = "ivf_pq"
    nlist: int = Field(default=4096, ge=1, le=10_000_000, description="Coarse clusters.")
    nprobe: int = Field(default=32, ge=1, le=10_000_000, description="Clusters searched per query.")
    pq_m: int = Field(default=64, ge=1, le=4096, description="Sub-quantizers; must divide the dimensions.")
    nbits: int = Field(default=8, ge=1, le=16, description="Bits per sub-quantizer code.")

    @model_validator(mode="after")
    def _probe(self) -> IvfPqIndex:
        if self.nprobe > self.nlist:
            raise ValueError(f"nprobe {self.nprobe} exceeds nlist {self.nlist}")
        return self


Index = Annotated[HnswIndex | IvfPqIndex, Field(discriminator="type")]


class VectorDb(Strict):
    """The vector database; ``faiss`` is a library embedded in the retriever (no service of its own)."""

    engine: VectorEngine
    image: ImageRef | None = Field(default=None, description="Server image; required except for faiss.")
    index: Index = HnswIndex()
    quantization: Quantization = Field(
        default="none", description="Vector storage: none (float32), int8 (scalar) or binary (1 bit a dimension)."
    )
    replicas: int | None = Field(default=None, ge=1, le=1000, description="Default: enough for the query rate, 2+.")
    shards: int | None = Field(default=None, ge=1, le=10_000, description="Default: enough for memory per node.")
    memory_per_node_gib: float = Field(default=64, gt=0, le=65_536, description="RAM a database pod may use.")
    queries_per_s_per_replica: float = Field(
        default=200, gt=0, le=1e7, description="Assumption: measure yours (ann-benchmarks style) and set it."
    )
    storage_class: str | None = Field(default=None, pattern=r"^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$")

    @model_validator(mode="after")
    def _consistent(self) -> VectorDb:
        if self.engine != "faiss" and self.image is None:
            raise ValueError(f"vector database {self.engine} needs an image")
        if self.engine == "faiss" and (self.image is not None or (self.replicas or 1) > 1 or (self.shards or 1) > 1):
            raise ValueError("faiss is embedded in the retriever: no image, replicas or shards of its own")
        if self.engine == "weaviate" and isinstance(self.index, IvfPqIndex):
            raise ValueError("weaviate has no IVF-PQ index; use hnsw (with quantization)")
        if self.engine == "qdrant" and isinstance(self.index, IvfPqIndex):
            raise ValueError("qdrant indexes with hnsw only; use hnsw (with quantization)")
        return self


class Retrieval(Strict):
    """What each query retrieves, how well and how often."""

    top_k: int = Field(default=5, ge=1, le=1000, description="Chunks added to each prompt.")
    target_recall: float = Field(default=0.95, gt=0, le=1, description="Recall@k the index must reach.")
    queries_per_s: float = Field(gt=0, le=1e7, description="Peak retrieval queries per second.")
    query_tokens: int = Field(default=32, ge=1, le=100_000, description="Mean query length in tokens.")


class Reranker(Strict):
    """A cross-encoder that rescores ``candidates`` chunks and keeps ``top_k``."""

    name: FreeText = Field(min_length=1)
    params: Count
    image: ImageRef
    candidates: int = Field(default=50, ge=1, le=10_000)
    tokens_per_s_per_gpu: float = Field(gt=0, le=1e9, description="Cross-encoder throughput of one GPU.")


class LatencyBudget(Strict):
    """End-to-end target for one RAG request: retrieval stages plus time to first token."""

    end_to_end_ttft_ms: float = Field(default=2000, gt=0, le=3_600_000)


class Rag(Strict):
    """The RAG pipeline in front of the inference workload ``serves``."""

    serves: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", description="An inference workload's name.")
    registry: Registry
    embedding: Embedding
    corpus: Corpus
    vector_db: VectorDb
    retrieval: Retrieval
    reranker: Reranker | None = None
    latency: LatencyBudget = LatencyBudget()

    @model_validator(mode="after")
    def _consistent(self) -> Rag:
        from aiinfra.sizing.rag import embedding_names, resolve_embedding

        problems: list[FieldProblem] = []
        if self.reranker is not None and self.reranker.candidates < self.retrieval.top_k:
            problems.append(
                (
                    ("reranker", "candidates"),
                    f"{self.reranker.candidates} candidates is below retrieval.top_k {self.retrieval.top_k}",
                    self.reranker.candidates,
                )
            )
        model = self.embedding.model
        if isinstance(model, str) and model not in embedding_names():
            raise_field_problems(Rag, problems)  # embedding.model carries its own error
            return self
        embedding = resolve_embedding(model)
        if self.corpus.chunk_tokens > embedding.max_tokens:
            problems.append(
                (
                    ("corpus", "chunk_tokens"),
                    f"{self.corpus.chunk_tokens} tokens exceeds {embedding.name}'s {embedding.max_tokens}-token input",
                    self.corpus.chunk_tokens,
                )
            )
        index = self.vector_db.index
        if isinstance(index, IvfPqIndex) and embedding.dimensions % index.pq_m:
            problems.append(
                (
                    ("vector_db", "index", "pq_m"),
                    f"{index.pq_m} does not divide the embedding's {embedding.dimensions} dimensions",
                    index.pq_m,
                )
            )
        if isinstance(index, IvfPqIndex) and self.vector_db.quantization != "none":
            problems.append(
                (
                    ("vector_db", "quantization"),
                    "IVF-PQ already compresses the vectors; set quantization to none",
                    self.vector_db.quantization,
                )
            )
        raise_field_problems(Rag, problems)
        return self


__all__ = [
    "Corpus",
    "Embedding",
    "EmbeddingModel",
    "HnswIndex",
    "Index",
    "IvfPqIndex",
    "LatencyBudget",
    "Quantization",
    "Rag",
    "Reranker",
    "Retrieval",
    "VectorDb",
]

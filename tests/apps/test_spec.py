"""``serving:`` and ``rag:``: every field refused at its own position, with what is valid."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from aiinfra.errors import SpecError
from aiinfra.spec.load import load_spec
from tests.apps.specs import SERVING_RAG
from tests.sizing.specs import lab_with


def _errors(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(SpecError) as exc:
        load_spec(lab_with(tmp_path, text))
    return [str(d) for d in exc.value.diagnostics]


def _line_of(tmp_path: Path, needle: str) -> int:
    lines = (tmp_path / "cluster.yaml").read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_the_block_loads(tmp_path: Path) -> None:
    spec = load_spec(lab_with(tmp_path, SERVING_RAG)).spec
    assert spec.workloads is not None and spec.workloads.rag is not None
    serving = spec.workloads.inference[0].serving
    assert serving is not None and serving.deploy_or_default == "kserve"
    assert serving.image_ref == "registry.example.org/mirror/vllm/vllm-openai:v0.8.5"
    assert spec.workloads.rag.corpus.documents == 1_000_000


@pytest.mark.parametrize(
    "old,new,where,says",
    [
        ("engine: vllm", "engine: tgi", "serving.engine", "'vllm', 'nim' or 'sglang'"),
        (
            "registry: registry.example.org/mirror\n        model",
            "registry: 'Registry.Example/'\n        model",
            "serving.registry",
            "pattern",
        ),
        ("type: pvc, claim: models", "type: nfs, claim: models", "serving.model_source", "pvc"),
        ("claim: models,", "claim: Models_1,", "serving.model_source.claim", "pattern"),
        ("engine: vllm", "engine: nim", "serving", "engine nim needs an image"),
        ("serves: chat", "serves: 'bad name'", "rag.serves", "pattern"),
        ("model: bge-large-en-v1.5", "model: bge-tiny", "rag.embedding.model", "known: all-minilm-l6-v2"),
        ("overlap_tokens: 64", "overlap_tokens: 512", "rag.corpus", "must be below chunk_tokens"),
        ("chunk_tokens: 512", "chunk_tokens: 1024", "rag.corpus.chunk_tokens", "512-token input"),
        ("engine: qdrant, image: qdrant/qdrant:v1.14.1,", "engine: qdrant,", "rag.vector_db", "needs an image"),
        ("index: {type: hnsw, m: 16}", "index: {type: ivf_pq, pq_m: 48}", "rag.vector_db", "hnsw only"),
        (
            "index: {type: hnsw, m: 16}",
            "index: {type: hnsw, m: 16, ef_construct: 8}",
            "rag.vector_db.index",
            "below m 16",
        ),
        (
            "qdrant, image: qdrant/qdrant:v1.14.1, index: {type: hnsw, m: 16}",
            "milvus, image: milvusdb/milvus:v2.5.10, index: {type: ivf_pq, pq_m: 48}",
            "rag.vector_db.index.pq_m",
            "does not divide the embedding's 1024",
        ),
        (
            "index: {type: hnsw, m: 16}}",
            "index: {type: hnsw, m: 16}, quantization: int4}",
            "rag.vector_db.quantization",
            "'none', 'int8' or 'binary'",
        ),
        ("queries_per_s: 100", "queries_per_s: 0", "rag.retrieval.queries_per_s", "greater than 0"),
        ("top_k: 4,", "top_k: 4, target_recall: 1.5,", "rag.retrieval.target_recall", "less than or equal to 1"),
    ],
)
def test_bad_fields_are_positioned(tmp_path: Path, old: str, new: str, where: str, says: str) -> None:
    assert old in SERVING_RAG
    errors = _errors(tmp_path, SERVING_RAG.replace(old, new, 1))
    prefix = "workloads.inference[0]." if where.startswith("serving") else "workloads."
    hits = [e for e in errors if f"{prefix}{where}" in e and says in e]
    assert hits, errors
    # positioned: file:line:col at the field (or its mapping) in the user's file
    assert "cluster.yaml:" in hits[0]


def test_plaintext_credentials_are_refused(tmp_path: Path) -> None:
    s3 = (
        "model_source: {type: s3, uri: 's3://models/llama', access_key_id: AKIA123, "
        "secret_access_key: {env: S3_SECRET}}"
    )
    text = SERVING_RAG.replace("model_source: {type: pvc, claim: models, path: llama-3.1-8b}", s3)
    errors = _errors(tmp_path, text)
    assert any("model_source.access_key_id" in e and "plaintext secrets are not allowed" in e for e in errors)


def test_reranker_candidates_cover_top_k(tmp_path: Path) -> None:
    reranker = (
        "    reranker: {name: bge-reranker, params: 568M, image: huggingface/text-embeddings-inference:1.7, "
        "candidates: 2, tokens_per_s_per_gpu: 100000}\n"
    )
    errors = _errors(tmp_path, SERVING_RAG + reranker)
    line = _line_of(tmp_path, "reranker:")
    assert any("workloads.rag.reranker.candidates" in e and "below retrieval.top_k 4" in e for e in errors), errors
    assert any(f"cluster.yaml:{line}:" in e for e in errors), errors


RERANKER = (
    "    reranker: {name: bge-reranker, params: 568M, image: huggingface/text-embeddings-inference:1.7, "
    "candidates: 20, tokens_per_s_per_gpu: 100000}\n"
)


def _leaves(node: object, path: tuple[str | int, ...]) -> list[tuple[str | int, ...]]:
    if isinstance(node, dict):
        return [leaf for k, v in node.items() for leaf in _leaves(v, (*path, k))]
    return [path]


def _dotted(path: tuple[str | int, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _serving_rag_leaves() -> list[tuple[str | int, ...]]:
    doc = yaml.safe_load(SERVING_RAG + RERANKER)["workloads"]
    out = [("workloads", "inference", 0, "serving", *leaf) for leaf in _leaves(doc["inference"][0]["serving"], ())]
    return out + [("workloads", "rag", *leaf) for leaf in _leaves(doc["rag"], ())]


@pytest.mark.parametrize("path", _serving_rag_leaves(), ids=_dotted)
def test_every_field_is_refused_at_its_own_position(tmp_path: Path, path: tuple[str | int, ...]) -> None:
    """A list where a scalar belongs, in every field of serving: and rag:, is reported at that field."""
    doc = yaml.safe_load(lab_with(tmp_path, SERVING_RAG + RERANKER).read_text())
    node = doc
    for key in path[:-1]:
        node = node[key]
    if path[-1] == "type":  # the discriminator: an unknown tag is refused at the union itself
        node[path[-1]], where = "nfs", _dotted(path[:-1])
    else:
        node[path[-1]], where = [[1]], _dotted(tuple(p for p in path if p not in ("type",)))
    (tmp_path / "cluster.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    errors = _errors_of(tmp_path / "cluster.yaml")
    assert any(f": {where}" in e for e in errors), errors


def _errors_of(path: Path) -> list[str]:
    with pytest.raises(SpecError) as exc:
        load_spec(path)
    return [str(d) for d in exc.value.diagnostics]

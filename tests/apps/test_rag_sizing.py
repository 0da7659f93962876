"""RAG sizing: retrieved chunks in the served prompt, vector-DB memory from the corpus, the latency budget."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from aiinfra.sizing.cluster import size_cluster
from aiinfra.sizing.rag import GIB, chunks_per_document, hnsw_links_per_vector
from aiinfra.spec.load import load_spec
from aiinfra.spec.model import ClusterSpec
from tests.apps.specs import SERVING_RAG
from tests.sizing.specs import lab_with

ROOT = Path(__file__).resolve().parents[2]


def _spec(tmp_path: Path, text: str = SERVING_RAG) -> ClusterSpec:
    return load_spec(lab_with(tmp_path, text)).spec


def _sized(tmp_path: Path, text: str = SERVING_RAG):  # type: ignore[no-untyped-def]
    from aiinfra.catalog import Catalog

    return size_cluster(_spec(tmp_path, text), Catalog.with_additions(None))


def test_chunking() -> None:
    assert chunks_per_document(300, 512, 64) == 1
    assert chunks_per_document(1200, 512, 64) == 3  # windows at 0, 448, 896
    assert hnsw_links_per_vector(16) == pytest.approx(32 + 16 / 15)


def test_retrieved_chunks_lengthen_prefill_and_kv(tmp_path: Path) -> None:
    with_rag = _sized(tmp_path)
    without = _sized(tmp_path, SERVING_RAG.split("  rag:")[0])
    a, b = with_rag.inference[0].result, without.inference[0].result
    assert a.setup.prompt.mean == b.setup.prompt.mean + 4 * 512  # top_k x chunk_tokens
    assert a.setup.prompt.tail == b.setup.prompt.tail + 4 * 512
    # longer prompts hold more KV per sequence, so fewer sequences fit a replica of the same shape
    assert a.minimal.tensor_parallel == b.minimal.tensor_parallel
    assert a.minimal.max_sequences < b.minimal.max_sequences
    assert a.chosen.single.ttft_s > b.chosen.single.ttft_s  # prefill pays for the chunks


def test_vector_db_memory_from_the_corpus(tmp_path: Path) -> None:
    rag = _sized(tmp_path).rag
    assert rag is not None
    assert rag.vectors == 1_000_000 * 3
    per_vector = 1024 * 4 + 4 * (32 + 16 / 15) + 12
    assert rag.index_bytes == pytest.approx(3e6 * per_vector)
    assert rag.memory_bytes == pytest.approx(1.5 * rag.index_bytes)  # Qdrant's documented overhead
    assert rag.disk_bytes == pytest.approx(rag.index_bytes + 3e6 * 4 * 512)  # payload default 4 bytes a token
    assert rag.replicas == 2 and rag.shards == 1  # HA floor; 100 qps fits one replica's 200


def test_shards_follow_memory_and_replicas_follow_rate(tmp_path: Path) -> None:
    text = SERVING_RAG.replace("documents: 1M", "documents: 20M").replace("queries_per_s: 100", "queries_per_s: 1000")
    rag = _sized(tmp_path, text).rag
    assert rag is not None
    assert rag.shards == pytest.approx(rag.memory_bytes / (64 * GIB * 0.8), abs=1)
    assert rag.memory_per_pod_bytes <= 64 * GIB * 0.8
    assert rag.replicas == 5  # 1000 qps / 200 per replica


def test_quantization_shrinks_memory_but_keeps_originals_on_disk(tmp_path: Path) -> None:
    plain = _sized(tmp_path).rag
    int8 = _sized(tmp_path, SERVING_RAG.replace("m: 16}}", "m: 16}, quantization: int8}")).rag
    assert plain is not None and int8 is not None
    assert int8.index_bytes < plain.index_bytes / 2.5
    assert int8.disk_bytes > int8.index_bytes + 3e6 * 1024 * 4  # originals for rescoring


def test_ingestion_at_the_embedding_throughput(tmp_path: Path) -> None:
    rag = _sized(tmp_path).rag
    assert rag is not None
    assert rag.ingestion_s == pytest.approx(3e6 * 512 / 440_000 / rag.embedding_replicas)


def test_latency_budget_adds_the_stages(tmp_path: Path) -> None:
    sized = _sized(tmp_path)
    rag, chat = sized.rag, sized.inference[0].result
    assert rag is not None
    names = [s.name for s in rag.stages]
    assert names == ["embed query", "search", "prefill (TTFT)", "decode"]
    prefill = rag.stages[2].seconds
    assert prefill == pytest.approx(chat.chosen.at_slo.ttft_s)
    assert rag.ttft_s == pytest.approx(sum(s.seconds for s in rag.stages[:3]))


@pytest.mark.slow
def test_size_reports_rag(tmp_path: Path) -> None:
    path = lab_with(tmp_path, SERVING_RAG)
    run = subprocess.run(
        [sys.executable, "-m", "aiinfra", "size", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin"},
    )
    assert run.returncode == 0, run.stderr
    rag = json.loads(run.stdout)["cluster"]["rag"]
    assert rag["vectors"] == 3_000_000 and rag["shards"] * rag["replicas"] == rag["pods"]
    assert [s["stage"] for s in rag["latency_ms"]][:2] == ["embed query", "search"]
    table = subprocess.run(
        [sys.executable, "-m", "aiinfra", "size", str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin"},
    )
    assert "rag pipeline" in table.stdout and "latency: search (ms)" in table.stdout

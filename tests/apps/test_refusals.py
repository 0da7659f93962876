"""What a platform cannot run is refused at validate, at the field to change."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiinfra.errors import SpecError
from aiinfra.pipeline import design_from_file
from tests.apps.specs import SERVING_RAG
from tests.sizing.specs import lab_with

pytestmark = pytest.mark.slow  # each test designs the lab spec (~7 s)


def _errors(path: Path) -> list[str]:
    with pytest.raises(SpecError) as exc:
        design_from_file(path)
    return [str(d) for d in exc.value.diagnostics]


def test_rag_must_serve_a_declared_workload(tmp_path: Path) -> None:
    errors = _errors(lab_with(tmp_path, SERVING_RAG.replace("serves: chat", "serves: nobody")))
    assert any("workloads.rag.serves: no inference workload 'nobody'; known: chat" in e for e in errors), errors


def test_s3_weights_are_refused_on_bare_metal(tmp_path: Path) -> None:
    s3 = (
        "model_source: {type: s3, uri: 's3://models/llama', access_key_id: {env: S3_KEY}, "
        "secret_access_key: {env: S3_SECRET}}"
    )
    text = SERVING_RAG.replace("model_source: {type: pvc, claim: models, path: llama-3.1-8b}", s3)
    errors = _errors(lab_with(tmp_path, text))
    assert any("workloads.inference[0].serving.model_source: on VMs and bare metal" in e for e in errors), errors


def test_unrendered_vector_db_is_refused(tmp_path: Path) -> None:
    text = SERVING_RAG.replace(
        "engine: qdrant, image: qdrant/qdrant:v1.14.1", "engine: weaviate, image: x/weaviate:1.30"
    )
    errors = _errors(lab_with(tmp_path, text))
    assert any("workloads.rag.vector_db.engine" in e and "weaviate is sized but not rendered" in e for e in errors)


def test_too_many_gpus_for_the_nodes(tmp_path: Path) -> None:
    text = SERVING_RAG.replace("gpus_per_replica", "x").replace(
        "embedding: {model: bge-large-en-v1.5,", "embedding: {replicas: 40, model: bge-large-en-v1.5,"
    )
    errors = _errors(lab_with(tmp_path, text))
    assert any("workloads.rag.embedding: embedding replica" in e and "finds no node with room" in e for e in errors)

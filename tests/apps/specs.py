"""A serving + RAG ``workloads:`` block on the lab spec, for the apps tests."""

from __future__ import annotations

SERVING_RAG = """
workloads:
  inference:
    - name: chat
      model: llama-3.1-8b
      tokens: {profile: chat}
      load: {concurrent_users: 200}
      slo: {ttft_ms: 1500, itl_ms: 50}
      serving:
        engine: vllm
        registry: registry.example.org/mirror
        model_source: {type: pvc, claim: models, path: llama-3.1-8b}
  rag:
    serves: chat
    registry: registry.example.org/mirror
    embedding: {model: bge-large-en-v1.5, image: huggingface/text-embeddings-inference:1.7}
    corpus: {documents: 1M, mean_tokens: 1200, chunk_tokens: 512, overlap_tokens: 64}
    vector_db: {engine: qdrant, image: qdrant/qdrant:v1.14.1, index: {type: hnsw, m: 16}}
    retrieval: {top_k: 4, queries_per_s: 100}
"""

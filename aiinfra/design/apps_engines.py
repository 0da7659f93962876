"""Each serving engine's spelling of the sizing's numbers: flags, health and metrics endpoints.

One table per engine, so adding an engine is a row, never a branch in a renderer. The
flags are the engines' documented CLI: vLLM 0.8 ``vllm serve`` engine arguments;
SGLang 0.4 ``sglang.launch_server`` server arguments; NIM for LLMs 2.0 takes the vLLM
flags through ``NIM_PASSTHROUGH_ARGS`` and its model and port through ``NIM_MODEL_PATH``
and ``NIM_SERVER_PORT``; Hugging Face Text Embeddings Inference 1.x (``tei``)
``text-embeddings-router`` for the embedding and reranker servers.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiinfra.design.apps_model import EngineSettings


@dataclass(frozen=True)
class EngineSpelling:
    readiness_path: str
    metrics_path: str
    queue_metric: str  # waiting requests per pod, for the HPA ("" when the engine has none)


ENGINES: dict[str, EngineSpelling] = {
    "vllm": EngineSpelling("/health", "/metrics", "vllm:num_requests_waiting"),
    "nim": EngineSpelling("/v1/health/ready", "/v1/metrics", "vllm:num_requests_waiting"),
    "sglang": EngineSpelling("/health", "/metrics", "sglang:num_queue_reqs"),
    "tei": EngineSpelling("/health", "/metrics", "te_queue_size"),
    "qdrant": EngineSpelling("/readyz", "/metrics", ""),
}


def vllm_flags(e: EngineSettings, model_path: str, served: str, port: int) -> list[str]:
    return [
        "--model",
        model_path,
        "--served-model-name",
        served,
        "--port",
        str(port),
        "--tensor-parallel-size",
        str(e.tensor_parallel),
        "--pipeline-parallel-size",
        str(e.pipeline_parallel),
        "--gpu-memory-utilization",
        f"{e.gpu_memory_utilization:g}",
        "--max-model-len",
        str(e.max_model_len),
        "--kv-cache-dtype",
        e.kv_cache_dtype,
        "--max-num-seqs",
        str(e.max_num_seqs),
    ]


def sglang_flags(e: EngineSettings, model_path: str, served: str, port: int) -> list[str]:
    kv = "fp8_e4m3" if e.kv_cache_dtype == "fp8" else "auto"
    return [
        "--model-path",
        model_path,
        "--served-model-name",
        served,
        "--host",
        "0.0.0.0",
        "--port",
        str(port),
        "--tp-size",
        str(e.tensor_parallel),
        "--pp-size",
        str(e.pipeline_parallel),
        "--mem-fraction-static",
        f"{e.gpu_memory_utilization:g}",
        "--context-length",
        str(e.max_model_len),
        "--kv-cache-dtype",
        kv,
        "--max-running-requests",
        str(e.max_num_seqs),
    ]


# The image's entrypoint does not start the server: lmsysorg/sglang images start a shell.
COMMANDS: dict[str, tuple[str, ...]] = {"sglang": ("python3", "-m", "sglang.launch_server")}


def llm_command(
    engine: str, e: EngineSettings, model_path: str, served: str, port: int
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """(container arguments, environment) for an LLM engine; the command is ``COMMANDS``'s."""
    if engine == "sglang":
        return tuple(sglang_flags(e, model_path, served, port)), ()
    if engine == "nim":
        flags = vllm_flags(e, model_path, served, port)
        flags = flags[2:4] + flags[6:]  # the model and the port go in NIM_* variables
        env = (
            ("NIM_MODEL_PATH", model_path),
            ("NIM_SERVER_PORT", str(port)),
            ("NIM_PASSTHROUGH_ARGS", " ".join(flags)),
        )
        return (), env
    return tuple(vllm_flags(e, model_path, served, port)), ()


def tei_args(model_path: str, port: int, max_batch_tokens: int) -> tuple[str, ...]:
    return ("--model-id", model_path, "--port", str(port), "--max-batch-tokens", str(max_batch_tokens))


__all__ = ["COMMANDS", "ENGINES", "EngineSpelling", "llm_command", "tei_args"]

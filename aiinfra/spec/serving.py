"""``workloads.inference[].serving``: how one inference workload is deployed.

Sizing says how many replicas of which shape; this section says what runs them: the
engine, the image (always from a registry the spec names, so an air-gapped site
changes one line to point at its mirror), where the weights come from, and how the
platform runs it. Credentials are :class:`SecretRef` references, never values.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, model_validator

from aiinfra.spec.base import SecretRef, Strict

Engine = Literal["vllm", "nim", "sglang"]
Deploy = Literal["kserve", "nim-operator", "deployment"]

# A registry host with an optional port and path: "registry.example.org:5000/mirror".
_REGISTRY = r"^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:[0-9]{1,5})?(/[a-z0-9]([a-z0-9._-]{0,126}[a-z0-9])?){0,8}$"
# repository[:tag] or repository@sha256:digest, relative to the registry (Docker's reference grammar, lower case).
_IMAGE = (
    r"^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*){0,8}"
    r"(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$"
)

Registry = Annotated[
    str,
    Field(
        pattern=_REGISTRY,
        max_length=255,
        description="Registry host[:port][/path] every image of this service is pulled from; "
        "point it at a mirror for an air-gapped site.",
    ),
]
ImageRef = Annotated[
    str,
    Field(
        pattern=_IMAGE,
        max_length=255,
        description="repository:tag or repository@sha256:DIGEST, relative to the registry (a tag is required).",
    ),
]
S3_URI = re.compile(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[A-Za-z0-9!_.*'()/-]*)?$")

DEFAULT_IMAGES: dict[str, str] = {
    "vllm": "vllm/vllm-openai:v0.8.5",
    "sglang": "lmsysorg/sglang:v0.4.6",
}


class PvcSource(Strict):
    """Weights already on a PersistentVolumeClaim (Kubernetes) or a host path (VMs, bare metal)."""

    type: Literal["pvc"] = "pvc"
    claim: str = Field(pattern=r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", description="The PVC's name.")
    path: str = Field(
        default="", pattern=r"^([A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*)?$", description="Folder in the claim."
    )


class S3Source(Strict):
    """Weights in an S3 bucket; the keys are references the playbook resolves at deploy time."""

    type: Literal["s3"] = "s3"
    uri: str = Field(pattern=S3_URI.pattern, max_length=1024, description="s3://bucket/prefix")
    endpoint: str | None = Field(
        default=None, pattern=r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?$", description="S3-compatible endpoint URL."
    )
    access_key_id: SecretRef
    secret_access_key: SecretRef


class OciSource(Strict):
    """Weights packaged as an OCI image (a KServe "modelcar"), pulled from the service's registry."""

    type: Literal["oci"] = "oci"
    image: ImageRef


ModelSource = Annotated[PvcSource | S3Source | OciSource, Field(discriminator="type")]


class Serving(Strict):
    """The serving engine and how the platform runs it."""

    engine: Engine = "vllm"
    deploy: Deploy | None = Field(
        default=None,
        description="Kubernetes/OpenShift only: KServe InferenceService, the NIM operator's NIMService, or a "
        "plain Deployment. Default: nim-operator for nim, kserve otherwise.",
    )
    registry: Registry
    image: ImageRef | None = Field(
        default=None, description="Default: a pinned upstream image for vllm and sglang; nim needs one."
    )
    served_model_name: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,127}$")
    model_source: ModelSource
    pull_secret: SecretRef | None = Field(default=None, description="Registry credentials (a dockerconfigjson).")
    port: int = Field(default=8000, ge=1024, le=65535, description="The engine's HTTP port.")

    @model_validator(mode="after")
    def _consistent(self) -> Serving:
        if self.engine == "nim" and self.image is None:
            raise ValueError("engine nim needs an image (nvcr.io/nim/<vendor>/<model>:<tag> on your mirror)")
        if self.deploy == "nim-operator" and self.engine != "nim":
            raise ValueError(f"nim-operator runs NIM images only; engine {self.engine} takes kserve or deployment")
        if self.deploy == "kserve" and self.engine == "nim":
            raise ValueError("engine nim deploys with nim-operator or deployment, not kserve")
        return self

    @property
    def deploy_or_default(self) -> str:
        if self.deploy is not None:
            return self.deploy
        return "nim-operator" if self.engine == "nim" else "kserve"

    @property
    def image_ref(self) -> str:
        """The full image reference: registry / repository:tag."""
        return f"{self.registry}/{self.image or DEFAULT_IMAGES[self.engine]}"


__all__ = ["DEFAULT_IMAGES", "ImageRef", "ModelSource", "OciSource", "PvcSource", "Registry", "S3Source", "Serving"]

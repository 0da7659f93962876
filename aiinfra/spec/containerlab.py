"""The spec's ``containerlab:`` section: which part of the fabric ``lab/<name>.clab.yml`` emulates, and with
which images.

Nobody emulates a 32k-GPU fabric, so the exported topology has a *scope*: ``full`` (every switch and node
of the data fabrics), ``su:N`` (scalable unit N: its nodes, the leaves they cable to, and the spines those
leaves uplink to), or ``auto`` (the default): ``full`` while the fabric fits in ``max_containers``
containers, else ``su:1``. Images are names only; aiinfra never pulls one.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from aiinfra.nos import profile
from aiinfra.spec.base import Strict, SwitchOs

ImageName = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9._/:-]{0,150}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$",
        max_length=300,
    ),
]
"""A container image reference (``registry[:port]/name:tag``): Docker's lower-case name, any-case tag."""

LabScope = Annotated[str, Field(pattern=r"^(auto|full|su:[1-9][0-9]{0,4})$")]

DEFAULT_MAX_CONTAINERS = 64


class ContainerLab(Strict):
    """The containerlab export: scope, images and, where an OS runs on several kinds, which one."""

    scope: LabScope = Field(
        default="auto", description="auto | full | su:N. auto: full up to max_containers, else su:1."
    )
    max_containers: int = Field(
        default=DEFAULT_MAX_CONTAINERS, ge=2, le=4096, description="The largest lab 'auto' emulates whole."
    )
    images: dict[SwitchOs, ImageName] = Field(
        default_factory=dict, description="Switch OS -> image; absent: the OS driver's default for its release."
    )
    node_image: ImageName = Field(
        default="ghcr.io/srl-labs/network-multitool:latest", description="Linux image the GPU nodes run as."
    )
    kinds: dict[SwitchOs, str] = Field(
        default_factory=dict, description="Switch OS -> containerlab kind, one the OS driver lists."
    )

    @field_validator("kinds")
    @classmethod
    def _kind_runs_the_os(cls, kinds: dict[str, str]) -> dict[str, str]:
        for os_name, kind in kinds.items():
            valid = profile(os_name).clab.kinds
            if kind not in valid:
                raise ValueError(f"containerlab kind {kind!r} does not run {os_name}; valid: {', '.join(valid)}")
        return kinds

"""``naming``: how many digits the numbers in hostnames get.

The widths are settings, never derived from the current count: a cluster that grows from
99 to 100 nodes keeps every hostname (``gpu-099`` stays ``gpu-099``), and so its node facts,
DNS records, inventory and monitoring keep matching. A count that needs more digits than
its setting is refused at ``validate`` with the setting to raise.
"""

from __future__ import annotations

from pydantic import Field

from aiinfra.spec.base import Strict


class Naming(Strict):
    """Zero-padded widths of the numbers in generated hostnames."""

    node_digits: int = Field(default=3, ge=1, le=6, description="Digits of a node's number: 3 gives gpu-001.")
    su_digits: int = Field(default=3, ge=1, le=4, description="Digits of a scalable unit's number: 3 gives su001.")
    switch_digits: int = Field(
        default=2,
        ge=1,
        le=4,
        description="Digits of a spine, super-spine, pod, plane, leaf pair or OOB switch number: 2 gives spine-01.",
    )

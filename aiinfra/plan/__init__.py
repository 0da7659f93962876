"""``aiinfra plan``: per-device semantic diffs, disruption flags, blast radius and remediation.

Public entry point for other reports: :func:`compute_plan` (old files, new files, Design)
returns a :class:`Plan` with ``to_json()``.
"""

from aiinfra.plan.model import DevicePlan, Plan, compute_plan

__all__ = ["DevicePlan", "Plan", "compute_plan"]

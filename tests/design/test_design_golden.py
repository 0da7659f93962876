"""Goldens of the Design itself (netlab's approach): a change in a decision shows up here,
as a reviewable IR diff, before it shows up in a thousand configs.

``AIINFRA_UPDATE_GOLDEN=1`` rewrites them; review the diff before committing.
"""

from __future__ import annotations

import os

import pytest

from aiinfra.design.serialize import design_json
from tests.conftest import ROOT, SMALL_EXAMPLES, example

GOLDEN = ROOT / "tests" / "golden" / "design"
EXAMPLES = SMALL_EXAMPLES


@pytest.mark.parametrize("name", EXAMPLES)
def test_design_matches_golden(name: str) -> None:
    text = design_json(example(name).design)
    path = GOLDEN / f"{name}.json"
    if os.environ.get("AIINFRA_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, (
        f"{path} differs; AIINFRA_UPDATE_GOLDEN=1 rewrites it (review the diff)"
    )

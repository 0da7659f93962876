"""Property: after any few spec changes, an incremental render into the old DIR is byte for byte a
full render into a fresh one.

Hypothesis draws one to three edits of the lab spec (ECN thresholds, a user, nodes added or a
scalable unit, the back-end leaf model, the host MTU, cable lengths, the time zone, BFD, one
node's facts); a drawn spec the validator refuses is discarded. Reproducible
(``derandomize=True``) and slow: each example renders three times.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from aiinfra.errors import SpecError
from aiinfra.pipeline import design_from_file, render_into
from tests.conftest import EXAMPLES, write_spec

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF96/wCIP8Jkvui8FlGt7KN3vSSXO+Go0xp2/6g/uR+a auditor@lab"


def _edit(data: dict[str, Any], work: Path, kind: str, value: int) -> None:
    backend = data["fabrics"]["backend"]
    if kind == "ecn":
        backend["roce"]["ecn"] = {"min_kbytes": 100 + value, "max_kbytes": 1500 + value, "max_probability": 5 + value}
    elif kind == "user":
        data["security"]["users"].append({"name": f"user{value}", "role": "operator", "ssh_keys": [KEY]})
    elif kind == "nodes":
        data["compute"]["nodes"] += 1 + value % 5
    elif kind == "leaf":
        backend["switches"]["leaf"] = [{"model": "sn5600", "os": "sonic"}, {"model": "z9864f-on", "os": "sonic"}][
            value % 2
        ]
    elif kind == "mtu":
        backend["roce"]["host_mtu"] = (4200, 9000, 8192)[value % 3]
    elif kind == "cable":
        backend["roce"]["cable_length_m"]["host_leaf"] = (1, 3, 5, 30)[value % 4]
    elif kind == "timezone":
        data["site"]["timezone"] = ("UTC", "Europe/Paris", "America/New_York")[value % 3]
    elif kind == "bfd":
        backend["underlay"]["bfd"] = bool(value % 2)
    elif kind == "facts":
        rows = "".join(f"lab-gpu-00{i},SN{i}{value if i == 1 + value % 4 else 0}\n" for i in range(1, 5))
        (work / "facts.csv").write_text("host,serial\n" + rows)
        data["compute"]["node_facts"] = "facts.csv"


EDITS = st.lists(
    st.tuples(
        st.sampled_from(("ecn", "user", "nodes", "leaf", "mtu", "cable", "timezone", "bfd", "facts")),
        st.integers(0, 9),
    ),
    min_size=1,
    max_size=3,
)


def _tree(root: Path) -> dict[str, bytes]:
    return {
        os.path.relpath(os.path.join(d, f), root): Path(d, f).read_bytes() for d, _, fs in os.walk(root) for f in fs
    }


def _design(work: Path, data: dict[str, Any]) -> Any:
    try:
        return design_from_file(write_spec(work, data), defer_invariants=True)
    except SpecError:
        assume(False)


@pytest.mark.slow
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
@given(before=EDITS, after=EDITS)
def test_incremental_equals_full_after_random_changes(
    before: list[tuple[str, int]], after: list[tuple[str, int]]
) -> None:
    with tempfile.TemporaryDirectory(prefix="incr-prop-") as tmp:
        work = Path(tmp)
        data = yaml.safe_load((EXAMPLES / "lab" / "cluster.yaml").read_text())
        for kind, value in before:
            _edit(data, work, kind, value)
        old = _design(work, data)
        for kind, value in after:
            _edit(data, work, kind, value)
        new = _design(work, data)
        render_into(old, work / "out")
        written = render_into(new, work / "out")
        render_into(new, work / "fresh", incremental=False)
        assert _tree(work / "out") == _tree(work / "fresh"), (before, after, written)

"""Ansible filters: evaluate collected show output against the acceptance catalog.

``playbooks/verify.yml`` collects each switch's own JSON show output with the OS's
task file (``aiinfra/nos/<driver>/tasks/verify.yml``) and hands it here; the evaluation
is ``aiinfra.verify``'s, the same one ``aiinfra verify`` and ``aiinfra lab verify`` run,
so the playbook cannot judge a device differently from the CLI.

- ``aiinfra_verify(raw, catalog, collector, sections, names)``: one device; a dict with
  ``failed`` (one line per failed check), ``not_collected`` (sections this OS's commands
  do not cover) and ``checked`` (section -> checks run);
- ``aiinfra_verify_swaps(rows)``: every device at once (rows of [catalog, raw, collector,
  names]), the swapped cable pairs, also those whose ends sit on two switches.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def _aiinfra() -> Any:
    """aiinfra.verify of the aiinfra these playbooks came with (a source checkout or the installed wheel)."""
    here = Path(__file__).resolve()
    for root in (here.parents[2], here.parents[3]):  # checkout: beside playbooks/; wheel: site-packages
        if (root / "aiinfra" / "verify").is_dir():
            if str(root) not in sys.path:
                sys.path.insert(0, str(root))  # the aiinfra these playbooks came with
            break
    from aiinfra.verify import collect, evaluate

    return collect, evaluate


def _state(raw: Any, collector: str, names: Any) -> dict[str, Any]:
    collect, _ = _aiinfra()
    return collect.COLLECTORS[collector](dict(raw or {}), dict(names or {}))


def aiinfra_verify(raw: Any, catalog: Any, collector: str, sections: Any = None, names: Any = None) -> dict[str, Any]:
    _, evaluate = _aiinfra()
    chosen = list(sections) if sections else list(evaluate.SECTIONS)
    result, skipped = evaluate.evaluate_collected([(dict(catalog), _state(raw, collector, names))], chosen)
    return {
        "failed": [f.line() for f in sorted(result.failures)],
        "not_collected": skipped.get(catalog["device"], []),
        "checked": result.checked,
    }


def aiinfra_verify_swaps(rows: Any) -> list[str]:
    _, evaluate = _aiinfra()
    pairs = [(dict(cat), _state(raw, collector, names)) for cat, raw, collector, names in rows]
    result, _ = evaluate.evaluate_collected(pairs, ("lldp",))
    return list(result.swaps)


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"aiinfra_verify": aiinfra_verify, "aiinfra_verify_swaps": aiinfra_verify_swaps}

"""The rollout playbook's driver table, generated from the registry.

``playbooks/vars/drivers.yml`` maps each ``ansible_network_os`` to the driver folder whose
``tasks/`` deploy it, the driver whose ``bgp-state.yml`` gates it, and whether it has a
confirm step. It is generated (``python -m aiinfra.nos.playbook_vars --write``) and a test
fails when it differs from the registry, so the playbook cannot offer or miss an OS.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from aiinfra.nos import driver, driver_names

VARS_FILE = Path(__file__).resolve().parent.parent.parent / "playbooks" / "vars" / "drivers.yml"
HEADER = (
    "---\n"
    "# Generated from aiinfra/nos/ by `python -m aiinfra.nos.playbook_vars --write`; do not edit.\n"
    "# ansible_network_os -> the driver folder whose tasks/ deploy it (aiinfra/nos/<driver>/tasks),\n"
    "# the driver whose bgp-state.yml gates it, and whether it has a confirm step.\n"
)


def text() -> str:
    rows = []
    for name in driver_names():
        d = driver(name)
        if not (d.tasks / "deploy.yml").is_file():
            continue
        confirm = "true" if (d.tasks / "confirm.yml").is_file() else "false"
        rows.append(f"  {d.ansible_network_os}: {{driver: {name}, gate: {d.gate_driver}, confirm: {confirm}}}\n")
    return HEADER + "aiinfra_drivers:\n" + "".join(sorted(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write {VARS_FILE} instead of printing it")
    args = parser.parse_args()
    if args.write:
        VARS_FILE.parent.mkdir(exist_ok=True)
        VARS_FILE.write_text(text(), encoding="utf-8")
    else:
        print(text(), end="")


if __name__ == "__main__":
    main()

"""Render the escape hatches the Design carries, and summarise them for the plan.

A device's ``raw_config`` blocks go verbatim into its main config file (``config_file`` of
its OS's capability row), each between two marker comments in the OS's own comment syntax
(``raw_config_comment``), so a reviewer sees exactly where aiinfra's configuration stops and
the site's starts:

    ! ---- raw_config[0] before (group os_eos) ----
    ...the site's text, byte for byte...
    ! ---- end raw_config[0] ----

``before`` blocks open the file; ``after`` blocks close it, ahead of a final ``end`` line
(EOS) so they are still read as configuration. Validate has refused every block the OS
cannot hold (:mod:`aiinfra.design.overrides`), so nothing here can fail on user input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiinfra.design.model import Design, Device, RawBlock
    from aiinfra.nos.capabilities import OsProfile

# The renderer writes these and validate refuses user text that holds them (aiinfra.spec.hatches).
CONFIG_END = "end"  # NX-OS/EOS: leaves configuration mode; the lines after it would not be read as config
MARKER = "---- "  # opens every raw_config marker line


def main_config(device: Device, files: dict[str, str], row: OsProfile) -> str:
    """The key of the device's main config file among the files its driver rendered."""
    name = row.config_file.format(hostname=device.name)
    for path in files:
        if path == name or path.endswith("/" + name):
            return path
    raise KeyError(f"{device.name}: the {row.name} driver rendered no {name} (got {', '.join(sorted(files))})")


def marked(block: RawBlock, comment: str) -> str:
    """One block between its opening and closing marker lines."""
    head = comment.format(text=f"{MARKER}{block.source} {block.position} ({block.selector}) ----")
    tail = comment.format(text=f"{MARKER}end {block.source} ----")
    body = block.text if block.text.endswith("\n") else block.text + "\n"
    return f"{head}\n{body}{tail}\n"


def with_raw_config(device: Device, files: dict[str, str], row: OsProfile) -> dict[str, str]:
    """``files`` with the device's raw blocks placed in its main config file."""
    if not device.raw_config:
        return files
    if row.raw_config_comment is None:  # validate refuses this; a Design edited by hand could still say it
        raise ValueError(f"{device.name}: {row.name} cannot hold raw_config")
    comment = row.raw_config_comment
    path = main_config(device, files, row)
    before = "".join(marked(b, comment) for b in device.raw_config if b.position == "before")
    after = "".join(marked(b, comment) for b in device.raw_config if b.position == "after")
    text = files[path]
    lines = text.splitlines(keepends=True)
    trailer = ""
    if lines and lines[-1].strip() == CONFIG_END:
        trailer = lines.pop()
    body = "".join(lines)
    if after and body and not body.endswith("\n"):
        body += "\n"
    return {**files, path: before + body + after + trailer}


def hatch_summary(design: Design) -> list[dict[str, object]]:
    """Every hatch the Design applies, one row each, in a stable order: for ``design.yaml`` and the plan.

    Rows: ``{"hatch": "override", device, source, selector, field, value, previous}``,
    ``{"hatch": "raw_config", device, source, selector, position, lines}`` and
    ``{"hatch": "template", os, name, lines}``.
    """
    rows: list[dict[str, object]] = []
    for name in sorted(design.devices):
        d = design.devices[name]
        for o in d.overrides:
            rows.append(
                {
                    "hatch": "override",
                    "device": name,
                    "source": o.source,
                    "selector": o.selector,
                    "field": o.field,
                    "value": o.value,
                    "previous": o.previous,
                }
            )
        for b in d.raw_config:
            rows.append(
                {
                    "hatch": "raw_config",
                    "device": name,
                    "source": b.source,
                    "selector": b.selector,
                    "position": b.position,
                    "lines": len(b.text.splitlines()),
                }
            )
    for os_name in sorted(design.user_templates):
        for template, text in sorted(design.user_templates[os_name].items()):
            rows.append({"hatch": "template", "os": os_name, "name": template, "lines": len(text.splitlines())})
    return rows

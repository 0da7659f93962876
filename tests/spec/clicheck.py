"""One helper for the hostile-input suites: render through the CLI and expect a positioned refusal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aiinfra.cli import main


def refused(
    capsys: pytest.CaptureFixture[str], spec: Path, out: Path, path: str, message: str, file: Path | None = None
) -> str:
    """``aiinfra render`` exits 2, prints ``file:line:col: path: ...message...``, and writes nothing."""
    assert main(["render", str(spec), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err, err
    where = re.escape(str(file or spec))
    pattern = re.compile(rf"^{where}:(\d+):(\d+): {re.escape(path)}: (.*)$", re.M)
    found = [m for m in pattern.finditer(err) if message in m.group(3)]
    assert found, f"expected '{path}: ...{message}...' in:\n{err}"
    assert int(found[0].group(1)) > 0
    assert not out.exists(), "nothing may be written when validation fails"
    return err

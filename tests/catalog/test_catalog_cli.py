"""``aiinfra catalog list|show``: every built-in entry is listed with its source, and ``show``
prints an entry a spec's ``catalog:`` section accepts as written."""

from __future__ import annotations

import json

import pytest
import yaml

from aiinfra.catalog import builtin
from aiinfra.catalog.models import CatalogData
from aiinfra.cli import main
from aiinfra.sizing.models import builtin_models


def _out(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_list_names_every_entry_of_every_kind(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _out(capsys, ["catalog", "list", "--format", "json"])
    assert code == 0
    rows = json.loads(out)
    listed = {(r["kind"], r["name"]) for r in rows}
    data = builtin()
    expected = {(kind, name) for kind in ("switches", "servers", "nics", "gpus") for name in getattr(data, kind)}
    expected |= {("models", name) for name in builtin_models()}
    assert listed == expected
    assert all(r["source"] for r in rows), "every catalog fact carries its source"


def test_list_one_kind_as_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _out(capsys, ["catalog", "list", "gpus"])
    assert code == 0
    assert out.startswith(f"gpus ({len(builtin().gpus)})")
    for name, gpu in builtin().gpus.items():
        assert f"  {name} " in out and f"{gpu.memory_gb:g} GB" in out
    assert "switches (" not in out
    assert out.count("source: ") == len(builtin().gpus)


def test_show_prints_a_catalog_section_the_spec_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _out(capsys, ["catalog", "show", "dgx-h200"])
    assert code == 0
    doc = yaml.safe_load(out)
    section = CatalogData.model_validate(doc)  # the same model a spec's catalog: is checked with
    assert section.servers["dgx-h200"] == builtin().servers["dgx-h200"]


def test_show_a_model_in_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _out(capsys, ["catalog", "show", "llama-3.1-70b", "--format", "json"])
    assert code == 0
    assert json.loads(out)["models"]["llama-3.1-70b"]["layers"] == builtin_models()["llama-3.1-70b"].layers


def test_unknown_name_exits_2_with_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _out(capsys, ["catalog", "show", "dgx-h2000"])
    assert code == 2 and not out
    assert "did you mean dgx-h200" in err and "Traceback" not in err


def test_unknown_kind_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["catalog", "list", "routers"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err

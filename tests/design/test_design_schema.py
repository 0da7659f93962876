"""schema/design.schema.json: generated from the Design's type hints, committed, and what
every example's design.json validates against (with jsonschema, a real validator)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from aiinfra.cli import main
from aiinfra.design.schema import design_schema, design_schema_text
from aiinfra.design.serialize import design_json
from tests.conftest import ROOT, SMALL_EXAMPLES, example

SCHEMA = ROOT / "schema" / "design.schema.json"
SMALL = SMALL_EXAMPLES


def test_committed_schema_is_current() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == design_schema_text(), (
        "schema/design.schema.json is stale: aiinfra schema --design > schema/design.schema.json"
    )


def test_cli_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--design"]) == 0
    assert capsys.readouterr().out == SCHEMA.read_text(encoding="utf-8")


def test_schema_is_valid_2020_12() -> None:
    Draft202012Validator.check_schema(design_schema())


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", SMALL)
def test_every_examples_design_json_validates(name: str, validator: Draft202012Validator) -> None:
    design = example(name).design
    doc = json.loads(design_json(design))
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(doc)]
    assert errors == []


def test_the_schema_refuses_what_the_loader_refuses(validator: Draft202012Validator) -> None:
    doc = json.loads(design_json(example("lab").design))
    iface = doc["design"]["devices"]["lab-oob-01"]["interfaces"][0]
    iface["mode"] = "trunk"
    iface["colour"] = "blue"
    del doc["design"]["links"][0]["speed_gbps"]
    messages = sorted(e.message for e in validator.iter_errors(doc))
    assert any("'trunk' is not one of ['routed', 'access', 'disabled']" in m for m in messages)
    assert any("'colour' was unexpected" in m for m in messages)
    assert any("'speed_gbps' is a required property" in m for m in messages)


def test_schema_names_every_design_field() -> None:
    from aiinfra.design.model import Design

    defs = design_schema()["$defs"]
    assert isinstance(defs, dict)
    assert list(defs["Design"]["properties"]) == list(Design.__dataclass_fields__)


def test_the_committed_file_is_in_the_package_tree() -> None:
    assert Path(SCHEMA).is_file()

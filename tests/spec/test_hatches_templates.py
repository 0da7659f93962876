"""``templates: DIR``: the user's templates are read at validate into the Design, or refused there.

Which names a driver has comes from its template folders (``aiinfra/nos/<os>/templates`` and
its parents'); the tests that need an OS with templates give EOS a known set, so they test the
loader and the ChoiceLoader whatever folder the EOS templates live in today.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from aiinfra import nos
from aiinfra.errors import SpecError
from aiinfra.pipeline import design_from_file
from aiinfra.spec import templates
from tests.conftest import ROOT, write_spec
from tests.spec.test_hatches import EOS_SPINE, design_with, only, problems

EOS_TEMPLATES = ["aaa.j2", "config.j2", "interfaces.j2", "management.j2"]
SPECS = ROOT / "tests" / "switches" / "specs"
MANAGEMENT = "! site management, from the user's template\nhostname {{ device.name }}\n"


@pytest.fixture
def eos_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    real = templates.driver_templates
    monkeypatch.setattr(
        templates, "driver_templates", lambda os_name: EOS_TEMPLATES if os_name == "eos" else real(os_name)
    )


def user_dir(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / "site-templates" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path / "site-templates"


def test_user_template_replaces_the_builtin_one(tmp_path: Path, eos_templates: None) -> None:
    user_dir(tmp_path, {"eos/management.j2": MANAGEMENT, ".gitkeep": ""})
    design = design_with(tmp_path, templates="site-templates").design
    assert design.user_templates == {"eos": {"management.j2": MANAGEMENT}}
    device = design.devices[EOS_SPINE]
    text = nos.driver("eos").render_template("management.j2", design, device=device)
    assert text.splitlines() == ["! site management, from the user's template", f"hostname {EOS_SPINE}"]


def test_unknown_template_name_is_refused_with_the_valid_names(tmp_path: Path, eos_templates: None) -> None:
    user_dir(tmp_path, {"eos/managment.j2": MANAGEMENT})
    message = only(problems(tmp_path, templates="site-templates"), "templates")
    assert "eos has no template 'managment.j2'" in message and "did you mean management.j2" in message
    assert ", ".join(EOS_TEMPLATES) in message


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"eos/management.j2": "{% if x %}never closed\n"}, "not a valid Jinja2 template"),
        ({"eos/management.j2": "hostname x\r\n"}, "U+000D is not allowed in a template"),
        ({"eos/management.j2": "hostname \u202ex\n"}, "U+202E"),
        ({"eos/management.j2": "x" * (templates.MAX_TEMPLATE_BYTES + 1)}, "over 262,144 bytes"),
        ({"ios/config.j2": "x"}, "'ios' is not one"),
        ({"README.md": "x"}, "'README.md' is not one"),
    ],
)
def test_bad_template_files_are_refused(
    tmp_path: Path, eos_templates: None, files: dict[str, str], message: str
) -> None:
    user_dir(tmp_path, files)
    assert message in only(problems(tmp_path, templates="site-templates"), "templates")


def test_structured_os_has_no_templates(tmp_path: Path) -> None:
    user_dir(tmp_path, {"cumulus/config.j2": "x"})
    message = only(problems(tmp_path, templates="site-templates"), "templates")
    assert "structured data and has no templates" in message and "overrides" in message


def test_templates_path_must_be_a_folder_of_regular_files(tmp_path: Path, eos_templates: None) -> None:
    assert "cannot read the templates folder" in only(problems(tmp_path, templates="missing"), "templates")
    (tmp_path / "file.j2").write_text("x")
    assert "is not a folder" in only(problems(tmp_path, templates="file.j2"), "templates")
    folder = user_dir(tmp_path, {"eos/aaa.j2": ""})
    (folder / "eos" / "aaa.j2").unlink()
    os.mkfifo(folder / "eos" / "aaa.j2")
    assert "not a regular file" in only(problems(tmp_path, templates="site-templates"), "templates")
    (folder / "eos" / "aaa.j2").unlink()
    (folder / "eos" / "aaa.j2").symlink_to(tmp_path / "file.j2")
    assert "links outside" in only(problems(tmp_path, templates="site-templates"), "templates")


def test_templates_resolve_against_the_spec_folder_not_the_working_directory(
    tmp_path: Path, eos_templates: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_dir(tmp_path, {"eos/aaa.j2": "! aaa\n"})
    monkeypatch.chdir("/")
    assert design_with(tmp_path, templates="site-templates").design.user_templates == {"eos": {"aaa.j2": "! aaa\n"}}


def test_a_folder_for_an_os_no_device_runs_is_refused(tmp_path: Path, eos_templates: None) -> None:
    """A misnamed folder would otherwise be ignored and the built-in templates rendered instead."""
    data = yaml.safe_load((SPECS / "eos-2tier.yaml").read_text())
    assert "junos" not in yaml.safe_dump(data)
    user_dir(tmp_path, {"junos/config.conf.j2": "x", "eos/aaa.j2": "! aaa\n"})
    data["templates"] = "site-templates"
    with pytest.raises(SpecError) as err:
        design_from_file(write_spec(tmp_path, data))
    (diagnostic,) = err.value.diagnostics
    assert diagnostic.path == "templates" and diagnostic.line > 0 and "no device runs junos" in diagnostic.message


def test_a_template_that_is_not_utf8_is_refused(tmp_path: Path, eos_templates: None) -> None:
    folder = user_dir(tmp_path, {"eos/aaa.j2": ""})
    (folder / "eos" / "aaa.j2").write_bytes(b"hostname \xff\n")
    assert "cannot read file as UTF-8" in only(problems(tmp_path, templates="site-templates"), "templates")

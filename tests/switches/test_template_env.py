"""The drivers' Jinja environment joins plain includes: the same text as stock Jinja, in every position."""

from __future__ import annotations

import jinja2
import pytest

from aiinfra.nos.base import _Environment

TEMPLATES = {
    "top.j2": (
        "head {{ x }}\n"
        '{% include "part.j2" %}'
        "{% for item in items %}"
        '{% set inner = item * 2 %}{% include "loop.j2" %}'
        "{% endfor %}"
        "{% macro m(v) %}[{% include 'part.j2' %}{{ v }}]{% endmacro %}{{ m(7) }}\n"
        "{% block b %}<{% include 'part.j2' %}>{% endblock %}\n"
        '{% include "missing.j2" ignore missing %}'
        '{% include "part.j2" without context %}'
        '{% include ["nope.j2", "part.j2"] %}'
        "{% set name = 'part.j2' %}{% include name %}"
        "tail\n"
    ),
    "part.j2": "part {{ x | default('none') }}\n",
    "loop.j2": "item {{ item }} inner {{ inner }} {% include 'part.j2' %}",
    "child.j2": '{% extends "top.j2" %}{% block b %}child {% include "part.j2" %}{% endblock %}',
}


@pytest.mark.parametrize("name", ["top.j2", "child.j2"])
def test_joined_includes_render_what_jinja_renders(name: str) -> None:
    def env(cls: type[jinja2.Environment]) -> jinja2.Environment:
        return cls(loader=jinja2.DictLoader(TEMPLATES), undefined=jinja2.StrictUndefined, trim_blocks=True)

    context = {"x": "X", "items": [1, 2, 3]}
    ours = env(_Environment).get_template(name).render(**context)
    assert ours == env(jinja2.Environment).get_template(name).render(**context)
    assert ours.count("part X") == 8 and "part none" in ours  # every include rendered, in its context


def test_errors_in_an_included_template_still_raise() -> None:
    env = _Environment(
        loader=jinja2.DictLoader({"a.j2": '{% include "b.j2" %}', "b.j2": "{{ nope }}"}),
        undefined=jinja2.StrictUndefined,
    )
    with pytest.raises(jinja2.UndefinedError):
        env.get_template("a.j2").render()

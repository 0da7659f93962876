"""Renderers: every file ``aiinfra render`` writes, read from the Design alone."""

from aiinfra.stage import callable_stage

callable_stage(__name__, "render")  # aiinfra.render(design) is the public API's render() (aiinfra/stage.py)

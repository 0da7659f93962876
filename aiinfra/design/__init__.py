"""Pure functions from a validated spec to a vendor-neutral :class:`Design`.

Nothing here formats text for a device; renderers do that from the Design.
"""

from aiinfra.stage import callable_stage

callable_stage(__name__, "design")  # aiinfra.design(spec) is the public API's design() (aiinfra/stage.py)

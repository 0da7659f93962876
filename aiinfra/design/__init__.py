"""Pure functions from a validated spec to a vendor-neutral :class:`Design`.

Nothing here formats text for a device; renderers do that from the Design.
"""

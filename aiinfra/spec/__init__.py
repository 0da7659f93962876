"""The ``cluster.yaml`` model (pydantic) and its loader.

``aiinfra.spec.load`` reads and validates a file; ``aiinfra.spec.model`` is the
root model. This package init stays empty of imports so the catalog models can
reuse ``aiinfra.spec.base`` without a cycle.
"""

"""aiinfra: one cluster.yaml in, a deployable on-prem AI cluster out.

The pipeline is one-way: ``spec`` (validated input) -> ``design`` (vendor-neutral
decisions) -> ``render`` (text artefacts). Each stage lives in its own sub-package.
"""

__version__ = "0.1.0"

"""containerlab export: ``lab/<name>.clab.yml``, the Design's lab slice as a containerlab topology.

The Design decides the slice (:mod:`aiinfra.design.containerlab`); this package only writes it down.
"""

from aiinfra.clab.topology import clab_files, topology

__all__ = ["clab_files", "topology"]

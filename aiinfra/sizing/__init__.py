"""Workload sizing: from declared AI workloads to GPUs, nodes, network, power and cost.

Every function here is pure and takes its units in its argument names
(``_bytes``, ``_s``, ``_gbps``...). ``cli.py`` and ``report.py`` do the talking;
``check.py`` is what ``aiinfra validate`` calls.
"""

"""Observability as code: collector, exporters, Prometheus, rules, dashboards and monitoring objects.

Everything is built as data from the Design (``Design.telemetry`` and the inventory) and
written under ``observability/``; docs/observability.md describes each file.
"""

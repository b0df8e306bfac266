"""Exporters: pure functions from query results (DataFrames) to tables, and writers from tables to .xlsx/.csv.

Nothing here imports Flask or touches a database: the app queries, this package computes and writes.
"""
from exports import schemes, supervision, survey  # noqa: F401  (each module registers its exporter)
from exports import documents  # noqa: F401  (after the workbooks: their buttons come first)
from exports.base import EXPORTERS, Exporter, exporters_for

__all__ = ["EXPORTERS", "Exporter", "exporters_for"]

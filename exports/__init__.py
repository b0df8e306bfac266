"""Exporters: pure functions from query results (DataFrames) to tables, and writers from tables to .xlsx/.csv.

Nothing here imports Flask or touches a database: the app queries, this package computes and writes.
"""

"""The export and results benchmarks run at a tiny size on the real databases, so they do not rot
(their figures are not checked here: the goals are for the full sizes of `make bench`)."""
from __future__ import annotations

from benchmarks import export, results


def test_export_benchmark_runs_at_the_smoke_size_from_a_real_database(capsys):
    assert export.main(["--small", "--questions", "3", "--responses", "300", "--repeat", "1"]) == 0
    output = capsys.readouterr().out
    assert "floor (data cells)" in output and "ratio full / floor, sqlite" in output


def test_results_benchmark_runs_at_the_smoke_size(capsys):
    assert results.main(["--small", "--repeat", "1"]) == 0
    output = capsys.readouterr().out
    assert "sqlite" in output and "x" in output


def test_report_benchmark_runs_at_the_smoke_size_from_a_real_database(capsys):
    from benchmarks import report

    assert report.main(["--small", "--questions", "3"]) == 0
    output = capsys.readouterr().out
    assert "appendix  sqlite" in output and "ratio appendix / workbook, sqlite" in output

"""The export benchmark runs at a tiny size, so it does not rot (its figures are not checked here)."""
from __future__ import annotations

from benchmarks import export


def test_export_benchmark_runs_at_the_smoke_size(capsys):
    assert export.main(["--small", "--questions", "3"]) == 0
    output = capsys.readouterr().out
    assert "floor (data cells)" in output and "ratio full / floor" in output


def test_a_single_measurement_reports_time_and_peak_memory():
    result = export.measure("full", 200, 2)
    assert result["sheets"] == 2 + 6 and result["max_rss_mb"] > 0 and result["seconds"] > 0

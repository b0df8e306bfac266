"""The submission benchmark still runs (tiny sizes, no timing asserted) and reads wrk's report right."""
from __future__ import annotations

import shutil

from benchmarks.submit import parse_wrk
from tests.conftest import skip_or_fail

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000/svar
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    55.10ms   12.01ms 210.00ms   80.00%
  Latency Distribution
     50%   52.30ms
     75%   60.00ms
     90%   70.00ms
     99%    1.20s
  5521 requests in 10.01s, 1.20MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:    551.50
Transfer/sec:    122.00KB
"""


def test_wrk_report_is_parsed_with_units_and_every_kind_of_error():
    result = parse_wrk(WRK_OUTPUT)
    assert result["rate"] == 551.5 and result["requests"] == 5521
    assert result["p50"] == 52.3 and result["p99"] == 1200.0
    assert result["errors"] == 7


def test_benchmark_harness_runs_end_to_end_on_sqlite(capsys):
    if not shutil.which("wrk"):
        skip_or_fail("wrk is not installed (apt-get install wrk)")
    from benchmarks.submit import main

    status = main(["--duration=1s", "--connections=2", "--threads=1", "--slots=4", "--backends=sqlite"])
    output = capsys.readouterr().out
    assert status == 0, output
    assert "ratio real/baseline" in output and "20 answers each: yes" in output


def test_small_option_gives_a_smoke_size_and_unknown_options_are_ignored(capsys):
    from benchmarks.submit import parse_options

    chosen = parse_options(["--small", "--rows=5", "--backends=sqlite"])
    assert chosen["duration"] == "2s" and chosen["connections"] == "4" and chosen["backends"] == "sqlite"
    assert "ignores --rows=5" in capsys.readouterr().out

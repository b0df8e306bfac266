"""Results page benchmark: the page against the bare aggregate query over the same rows, on SQLite and PostgreSQL.

A real database per backend is filled with N responses x 20 Likert questions over 2 waves and 11
municipalities (`_survey_db.py`). Then, in a fresh process, a logged-in coordinator requests the results
page through the app (Flask's test client: the whole view, queries, tables, significance tests and
template), and the same process times the bare query
`SELECT wave, municipality, question, option, count(*) ... GROUP BY` over the same rows. Each figure is
the median of `--repeat` runs (after one warm-up of each); the ratio is page / bare query, measured in the
same run. The process's growth is its peak resident memory during the measured requests (the peak is reset
after the warm-up request) minus its memory before them.

Goal at every full size: the page within 2x of the bare query, and growth under 100 MB; the benchmark
exits non-zero when a full size misses it. Sizes: 10,000 and 100,000 responses (`--million` adds
1,000,000 on PostgreSQL); `--small` is a smoke size (300 responses) whose goal is not checked.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._survey_db import EMAIL, PASSWORD, SLUG, fill, in_subprocess, make_app, peak_mb, reset_peak, rss_mb
from benchmarks.submit import database

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = 20


def measure(url: str, repeat: int) -> dict:
    """In this process: median seconds of the bare query and of the page, and the memory growth."""
    import re

    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Answer, Response

    folder = Path(tempfile.mkdtemp(prefix="boelge-results-"))
    app = make_app(url, folder)
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    client.post("/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    bare = (select(Response.wave_id, Response.municipality_id, Answer.question_id, Answer.option_code, func.count())
            .join(Answer, Answer.response_id == Response.id).where(Response.status == "submitted")
            .group_by(Response.wave_id, Response.municipality_id, Answer.question_id, Answer.option_code))

    def query() -> float:
        start = time.perf_counter()
        with app.app_context():
            rows = db.session.execute(bare).all()
            db.session.remove()
        assert rows
        return time.perf_counter() - start

    def page() -> float:
        start = time.perf_counter()
        response = client.get(f"/resultater/survey/{SLUG}")
        assert response.status_code == 200 and 'class="marker' in response.get_data(as_text=True)
        return time.perf_counter() - start

    query(), page()  # warm-up, as a running server has done: imports, connections, templates
    reset_peak()
    before = rss_mb()
    queries, pages = [], []
    for _ in range(repeat):
        queries.append(query())
        pages.append(page())
    return {"query": statistics.median(queries), "page": statistics.median(pages),
            "growth_mb": peak_mb() - before}


def _measure_in_subprocess(url: str, repeat: int) -> dict:
    return in_subprocess("benchmarks.results", url, "--repeat", str(repeat))


def main(options: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks results")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--million", action="store_true", help="add 1,000,000 responses on PostgreSQL")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--measure")
    args, _unknown = parser.parse_known_args(options)
    if args.measure:
        print(json.dumps(measure(args.measure, args.repeat)))
        return 0
    sizes = [300] if args.small else [int(s) for s in args.sizes.split(",") if s]
    status = 0
    print(f"results: page vs bare GROUP BY query, {QUESTIONS} Likert questions, 2 waves, 11 municipalities; "
          f"median of {args.repeat} runs")
    print(f"  {'database':<11}{'responses':>10}{'bare query':>12}{'page':>10}{'ratio':>8}{'growth':>10}")
    for backend in args.backends.split(","):
        backend_sizes = sizes + ([1_000_000] if args.million and backend == "postgresql" and not args.small else [])
        for size in backend_sizes:
            with tempfile.TemporaryDirectory(prefix="boelge-results-") as folder, \
                    database(backend, Path(folder)) as url:
                if url is None:
                    break
                fill(url, Path(folder), size, QUESTIONS)
                figures = _measure_in_subprocess(url, args.repeat)
            ratio = figures["page"] / figures["query"]
            missed = ratio > 2 or figures["growth_mb"] >= 100
            print(f"  {backend:<11}{size:>10,}{figures['query']:>11.3f}s{figures['page']:>9.3f}s{ratio:>7.2f}x"
                  f"{figures['growth_mb']:>8.0f} MB{'  (goal missed)' if missed and not args.small else ''}",
                  flush=True)
            if missed and not args.small:
                status = 1
    print("  goal at the full sizes: page within 2x of the bare query, growth under 100 MB")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

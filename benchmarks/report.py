"""Report benchmark: the survey appendix (Bilag 2, a Word document) against the survey workbook, both from
the same real database in the same run.

Data: N responses x Q Likert questions over 2 waves and 11 municipalities (`_survey_db.py`), in a real
SQLite file and a real PostgreSQL schema. Each figure comes from a fresh subprocess (its own peak memory,
Linux's VmHWM, which starts afresh with the process; ru_maxrss would carry the filling parent's peak):

- workbook: what `flask export survey` writes, the workbook and the long CSV beside it;
- appendix: what `flask export report survey` writes, the .docx with a table and a chart per question.

The appendix needs only the aggregates (no answer rows), so it must never cost more than the workbook.
Goal at the full size: the appendix within 1x of the workbook's time; exits non-zero when missed.
`python -m benchmarks report [--responses=N] [--questions=Q] [--backends=sqlite,postgresql] [--small]`.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._survey_db import in_subprocess

GOAL = 1.0  # appendix seconds / workbook seconds at the full size


def measure(kind: str, url: str) -> dict:
    """One measurement in this process: seconds to write the file from the database, and peak memory."""
    from app.results import service
    from benchmarks._survey_db import SLUG, make_app, peak_mb
    from exports.documents.survey_report import SurveyReportExporter
    from exports.survey import SurveyExporter

    folder = Path(tempfile.mkdtemp(prefix="boelge-bench-"))
    app = make_app(url, folder)
    result: dict = {"kind": kind}
    with app.app_context():
        start = time.perf_counter()
        if kind == "workbook":
            exporter = SurveyExporter(service.survey_data(SLUG))
            exporter.write(folder / "survey.xlsx")
            exporter.write_csvs(folder / "survey.xlsx")
            target = folder / "survey.xlsx"
        else:
            target = folder / "bilag.docx"
            SurveyReportExporter(service.survey_data(SLUG)).write(target)
        result["seconds"] = time.perf_counter() - start
    result["bytes"] = target.stat().st_size
    result["max_rss_mb"] = peak_mb()
    for child in folder.iterdir():
        if child.is_file():
            child.unlink()
    return result


def _run(kind: str, url: str) -> dict:
    return in_subprocess("benchmarks.report", kind, "--url", url)


def main(options: list[str]) -> int:
    from benchmarks._survey_db import fill
    from benchmarks.submit import database

    parser = argparse.ArgumentParser(prog="python -m benchmarks report")
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--small", action="store_true", help="a smoke-test size (500 responses)")
    parser.add_argument("--measure", choices=["workbook", "appendix"])
    parser.add_argument("--url")
    args, _unknown = parser.parse_known_args(options)
    if args.measure:
        print(json.dumps(measure(args.measure, args.url)))
        return 0
    responses = 500 if args.small else args.responses
    print(f"report: {responses:,} responses x {args.questions} questions, 2 waves, 11 municipalities, "
          "survey appendix (.docx) against the survey workbook (.xlsx and long CSV) from a real database")
    status = 0
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory(prefix="boelge-report-") as folder, database(backend, Path(folder)) as url:
            if url is None:
                continue
            fill(url, Path(folder), responses, args.questions)
            workbook = _run("workbook", url)
            appendix = _run("appendix", url)
        ratio = appendix["seconds"] / workbook["seconds"] if workbook["seconds"] else float("nan")
        missed = not ratio <= GOAL
        for name, figures in (("workbook", workbook), ("appendix", appendix)):
            print(f"  {name:<9} {backend:<11} {figures['seconds']:7.2f} s   peak {figures['max_rss_mb']:6.0f} MB   "
                  f"{figures['bytes'] / 1e6:.2f} MB")
        print(f"  ratio appendix / workbook, {backend:<11}{ratio:6.2f}x"
              f"{'   (goal missed)' if missed and not args.small else ''}", flush=True)
        if missed and not args.small:
            status = 1
    print(f"  goal at the full size: the appendix within {GOAL:g}x of the workbook's time")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

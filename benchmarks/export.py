"""Export benchmark: the full survey workbook from a real database against the floor of writing its data cells.

Data: N responses x Q Likert questions over 2 waves and 11 municipalities, inserted into a real SQLite
file and a real PostgreSQL schema (`_survey_db.py`); the export runs the same queries as `flask export
survey` (aggregates for the tables, the answers streamed from a server-side cursor for the data sheet
and the long CSV). Each figure is measured in a fresh subprocess, so its peak memory (Linux's VmHWM,
which sees C allocations too and starts afresh with the process; ru_maxrss would carry the peak of the
parent that filled the database) is its own:

- floor: the same data cells (one row per response: wave, municipality, number, a code per question)
         generated in memory and written with XlsxWriter in constant-memory mode, nothing else;
- full:  the complete survey workbook from the database (overview, a table and a chart per question,
         comparability, anonymity, wide data sheet, codebook), and separately the long CSV of every answer.

Goal at the full size: within 2x of the floor and a peak under 400 MB; exits non-zero when missed.
`python -m benchmarks export [--responses=N] [--questions=Q] [--backends=sqlite,postgresql] [--repeat=3] [--small]`.
The floor and the full workbook are measured in turn, `--repeat` times each; the figures are medians.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._survey_db import in_subprocess, peak_mb

MUNICIPALITIES = ["Aalborg", "Brønderslev", "Frederikshavn", "Hjørring", "Jammerbugt", "Læsø", "Mariagerfjord",
                  "Morsø", "Rebild", "Thisted", "Vesthimmerland"]
# Roughly the municipalities' relative sizes; Læsø is small enough to be suppressed at small sizes.
WEIGHTS = [30, 6, 10, 11, 6, 0.3, 7, 3, 5, 7, 6]


def _codes(responses: int, questions: int, seed: int = 2019):
    import numpy as np

    rng = np.random.default_rng(seed)
    codes = rng.integers(1, 6, size=(responses, questions))
    codes[rng.random((responses, questions)) < 0.05] = 9
    weights = np.array(WEIGHTS) / sum(WEIGHTS)
    municipality = rng.choice(len(MUNICIPALITIES), size=responses, p=weights) + 1
    wave = np.where(np.arange(responses) < responses // 2, 1, 2)
    return codes, municipality, wave


def _floor(path: Path, responses: int, questions: int) -> float:
    import xlsxwriter

    codes, municipality, wave = _codes(responses, questions)
    rows = codes.tolist()
    labels = {1: "Bølge 1", 2: "Bølge 2"}
    start = time.perf_counter()
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, ["Bølge", "Kommune", "Besvarelse", *[f"q{i + 1:02d}" for i in range(questions)]])
    for r, values in enumerate(rows):
        sheet.write_row(r + 1, 0, [labels[int(wave[r])], MUNICIPALITIES[int(municipality[r]) - 1], r + 1, *values])
    book.close()
    return time.perf_counter() - start


def measure(kind: str, responses: int, questions: int, url: str | None = None) -> dict:
    """One measurement, in this process: seconds of the measured step and this process's peak memory."""
    folder = Path(tempfile.mkdtemp(prefix="boelge-bench-"))
    result: dict = {"kind": kind}
    if kind == "floor":
        result["seconds"] = _floor(folder / "floor.xlsx", responses, questions)
    else:
        from app.results import service
        from benchmarks._survey_db import SLUG, make_app
        from exports.survey import SurveyExporter

        app = make_app(url, folder)
        with app.app_context():
            start = time.perf_counter()
            exporter = SurveyExporter(service.survey_data(SLUG))
            sheets = exporter.write_xlsx(folder / "full.xlsx")
            result["seconds"] = time.perf_counter() - start
            result["sheets"] = len(sheets)
            start = time.perf_counter()
            exporter.write_csvs(folder / "full.xlsx")
            result["csv_seconds"] = time.perf_counter() - start
        result["bytes"] = (folder / "full.xlsx").stat().st_size
    result["max_rss_mb"] = peak_mb()
    for child in folder.iterdir():
        if child.is_file():
            child.unlink()
    return result


def _run(kind: str, responses: int, questions: int, url: str | None = None) -> dict:
    return in_subprocess("benchmarks.export", kind, "--responses", str(responses), "--questions", str(questions),
                         *(["--url", url] if url else []))


def main(options: list[str]) -> int:
    from benchmarks._survey_db import fill
    from benchmarks.submit import database

    parser = argparse.ArgumentParser(prog="python -m benchmarks export")
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--small", action="store_true", help="a smoke-test size (500 responses)")
    parser.add_argument("--measure", choices=["floor", "full"])
    parser.add_argument("--url")
    parser.add_argument("--repeat", type=int, default=3)
    args, _unknown = parser.parse_known_args(options)
    responses = 500 if args.small else args.responses
    if args.measure:
        print(json.dumps(measure(args.measure, responses, args.questions, args.url)))
        return 0
    print(f"export: {responses:,} responses x {args.questions} questions, 2 waves, 11 municipalities "
          f"({responses * args.questions:,} answers) from a real database; floor and full workbook measured in turn, "
          f"median of {args.repeat}")
    status = 0
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory(prefix="boelge-export-") as folder, database(backend, Path(folder)) as url:
            if url is None:
                continue
            fill(url, Path(folder), responses, args.questions)
            floors, fulls = [], []
            for _ in range(args.repeat):  # in turn, so that a busy spell of the machine weighs on both
                floors.append(_run("floor", responses, args.questions))
                fulls.append(_run("full", responses, args.questions, url))
        floor = statistics.median(f["seconds"] for f in floors)
        seconds = statistics.median(f["seconds"] for f in fulls)
        peak = max(f["max_rss_mb"] for f in fulls)
        full = fulls[-1]
        ratio = seconds / floor if floor else float("nan")
        missed = ratio > 2 or peak >= 400
        print(f"  floor (data cells), {backend:<11}{floor:7.2f} s   peak {max(f['max_rss_mb'] for f in floors):7.0f} MB")
        print(f"  full workbook, {backend:<11}     {seconds:7.2f} s   peak {peak:7.0f} MB   "
              f"{full['sheets']} sheets, {full['bytes'] / 1e6:.1f} MB; long CSV "
              f"{statistics.median(f['csv_seconds'] for f in fulls):.2f} s")
        print(f"  ratio full / floor, {backend:<11}{ratio:7.2f}x{'   (goal missed)' if missed and not args.small else ''}",
              flush=True)
        if missed and not args.small:
            status = 1
    print("  goal at the full size: within 2x of the floor, peak under 400 MB")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

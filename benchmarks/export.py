"""Export benchmark: the full survey workbook against the floor of writing its data cells alone.

Data: N responses x Q Likert questions over W waves and M municipalities, generated directly as the long
DataFrame the export query returns (no database: this measures the exporter, not the query). Each figure
is measured in a fresh subprocess, so its peak memory (ru_maxrss, which sees C allocations too) is its own:

- data:  generating the input only (the memory every run starts from);
- floor: the same data cells (one row per response: wave, municipality, number, a code per question)
         written with XlsxWriter in constant-memory mode, nothing else;
- full:  the complete survey workbook (overview, a table and a chart per question, comparability,
         anonymity, wide data sheet, codebook), and separately the long CSV of every answer.

`python -m benchmarks export [--responses N] [--questions Q] [--small]`; `--small` is the smoke size.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

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


def survey_input(responses: int, questions: int):
    """The SurveyData of the benchmark: Likert questions on the 5-point extent scale."""
    import numpy as np
    import pandas as pd

    from exports.survey_data import LONG_COLUMNS, SurveyData, WaveInfo
    from forms import Option, Question, Scale, Text

    scale = Scale("extent5", Text("Grad"), tuple(Option(c, Text(label)) for c, label in [
        (1, "Slet ikke"), (2, "I mindre grad"), (3, "Hverken eller"), (4, "I nogen grad"), (5, "I høj grad")])
        + (Option(9, Text("Ved ikke"), True),), True, (4, 5))
    qs = [Question(f"q{i + 1:02d}", "likert", Text(f"Spørgsmål {i + 1}: i hvor høj grad?"), scale=scale)
          for i in range(questions)]
    waves = [WaveInfo(w, f"Bølge {w}", datetime(2018 + w, 1, 7, tzinfo=timezone.utc),
                      datetime(2018 + w, 2, 1, tzinfo=timezone.utc), 1, {q.id: q.fingerprint for q in qs},
                      {q.id: q.text.da for q in qs}) for w in (1, 2)]
    codes, municipality, wave = _codes(responses, questions)
    ids = np.arange(1, responses + 1)
    frame = pd.DataFrame({
        "response_id": np.repeat(ids, questions), "wave_id": np.repeat(wave, questions),
        "municipality_id": np.repeat(municipality, questions),
        "question_id": np.tile(np.array([q.id for q in qs], dtype=object), responses),
        "option_code": codes.ravel().astype("float64"), "number": np.nan, "text": None, "date_value": None,
    })[LONG_COLUMNS]
    return SurveyData("Benchmark", "benchmark", qs, waves, dict(enumerate(MUNICIPALITIES, start=1)), frame)


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


def measure(kind: str, responses: int, questions: int) -> dict:
    """One measurement, in this process: seconds of the measured step and this process's peak memory."""
    folder = Path(tempfile.mkdtemp(prefix="boelge-bench-"))
    result: dict = {"kind": kind}
    if kind == "data":
        survey_input(responses, questions)
        result["seconds"] = 0.0
    elif kind == "floor":
        result["seconds"] = _floor(folder / "floor.xlsx", responses, questions)
    else:
        from exports.survey import SurveyExporter

        data = survey_input(responses, questions)
        start = time.perf_counter()
        exporter = SurveyExporter(data)
        sheets = exporter.write_xlsx(folder / "full.xlsx")
        result["seconds"] = time.perf_counter() - start
        result["sheets"] = len(sheets)
        start = time.perf_counter()
        exporter.write_csvs(folder / "full.xlsx")
        result["csv_seconds"] = time.perf_counter() - start
        result["bytes"] = (folder / "full.xlsx").stat().st_size
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()
    return result


def _run(kind: str, responses: int, questions: int) -> dict:
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, "-m", "benchmarks.export", "--measure", kind, "--responses",
                           str(responses), "--questions", str(questions)], capture_output=True, text=True,
                          env=env, cwd=root, check=True, timeout=900)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(options: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks export")
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--small", action="store_true", help="a smoke-test size (2,000 responses)")
    parser.add_argument("--measure", choices=["data", "floor", "full"])
    args, _unknown = parser.parse_known_args(options)
    responses = 2_000 if args.small else args.responses
    if args.measure:
        print(json.dumps(measure(args.measure, responses, args.questions)))
        return 0
    print(f"export: {responses:,} responses x {args.questions} questions, 2 waves, 11 municipalities "
          f"({responses * args.questions:,} answers; input generated as the long DataFrame, no database)")
    data, floor, full = (_run(kind, responses, args.questions) for kind in ("data", "floor", "full"))
    ratio = full["seconds"] / floor["seconds"] if floor["seconds"] else float("nan")
    print(f"  input only            peak {data['max_rss_mb']:7.0f} MB")
    print(f"  floor (data cells)    {floor['seconds']:7.2f} s   peak {floor['max_rss_mb']:7.0f} MB")
    print(f"  full workbook         {full['seconds']:7.2f} s   peak {full['max_rss_mb']:7.0f} MB   "
          f"{full['sheets']} sheets, {full['bytes'] / 1e6:.1f} MB")
    print(f"  long CSV (extra)      {full['csv_seconds']:7.2f} s")
    print(f"  ratio full / floor    {ratio:7.2f}x   (aim at the full size: within 3x and under 1 GB)")
    if args.small:
        return 0  # at the smoke size the fixed cost of the tables dominates; the aim is for the full size
    return 0 if ratio <= 3 and full["max_rss_mb"] < 1024 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

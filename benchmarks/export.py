"""Export benchmark: `flask export survey` as a coordinator runs it, against the floor of writing its data cells.

Data: N responses x Q Likert questions over 2 waves and 11 municipalities, inserted into a real SQLite
file and a real PostgreSQL schema (`_survey_db.py`). Two arms, each a process of its own, timed from its
start to its exit (start-up included), its peak memory from the OS (the child's ru_maxrss from wait4):

- floor: `python -m benchmarks.export --measure floor`: the same data cells (one row per response: wave,
         municipality, number, a code per question) generated in memory and written with XlsxWriter in
         constant-memory mode, nothing else;
- full:  `flask export survey --questionnaire ... -o FILE.xlsx`: the whole survey workbook (overview, a
         table and a chart per question, comparability, anonymity, wide data sheet, codebook) and the long
         CSV of every answer beside it, from the database.

The arms are interleaved (their order alternating), `--repeat` rounds (at least 3 at the full size); each
round prints its ratio and the load averages, and the figures are medians. Python's bytecode is compiled
first, as an installed package has it. Goal at the full size (100,000 responses x 20 questions): the full
export within 2x of the floor and its peak under 400 MB; exits non-zero when missed.
`python -m benchmarks export [--responses=N] [--questions=Q] [--backends=sqlite,postgresql] [--repeat=3] [--small]`.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUNICIPALITIES = ["Aalborg", "Brønderslev", "Frederikshavn", "Hjørring", "Jammerbugt", "Læsø", "Mariagerfjord",
                  "Morsø", "Rebild", "Thisted", "Vesthimmerland"]
# Roughly the municipalities' relative sizes; Læsø is small enough to be suppressed at small sizes.
WEIGHTS = [30, 6, 10, 11, 6, 0.3, 7, 3, 5, 7, 6]
FULL_SIZE = 100_000
GOAL_RATIO, GOAL_PEAK_MB = 2.0, 400


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
    """Write the data cells; returns the seconds of the writing alone."""
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


def _env(url: str | None, folder: Path) -> dict[str, str]:
    from benchmarks._survey_db import SECRET_KEY

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "MAIL_", "DATABASE_URL"))}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    if url is not None:
        env.update({"BOELGE_ENV": "development", "FLASK_APP": "app:create_app", "DATABASE_URL": url,
                    "SECRET_KEY": SECRET_KEY, "EXPORT_DIR": str(folder / "exports"), "MAIL_BACKEND": "console",
                    "SERVER_BASE_URL": "http://127.0.0.1"})
    return env


# A small process that starts the arms and reports each one's resource use. A child's ru_maxrss keeps the
# high-water mark of the memory it was forked with, so forked from this benchmark (which holds the data it
# filled the database with) every arm would seem to need that much; forked from the launcher, at most the
# launcher's own ~10 MB.
LAUNCHER = """
import json, os, subprocess, sys, time
for line in sys.stdin:
    job = json.loads(line)
    with open(job["out"], "w") as out, open(job["err"], "w") as err:
        start = time.perf_counter()
        child = subprocess.Popen(job["command"], cwd=job["cwd"], env=job["env"], stdout=out, stderr=err)
        _pid, status, usage = os.wait4(child.pid, 0)
    print(json.dumps({"seconds": time.perf_counter() - start, "status": os.waitstatus_to_exitcode(status),
                      "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}), flush=True)
"""
_launcher: list[subprocess.Popen] = []


def _process(command: list[str], env: dict[str, str]) -> dict:
    """Run a process to its end: wall seconds, CPU seconds and peak resident memory (its own, from wait4)."""
    if not _launcher:
        _launcher.append(subprocess.Popen([sys.executable, "-c", LAUNCHER], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, text=True))
    launcher = _launcher[0]
    with tempfile.TemporaryDirectory(prefix="boelge-arm-") as folder:
        out, err = Path(folder) / "out", Path(folder) / "err"
        launcher.stdin.write(json.dumps({"command": command, "env": env, "cwd": str(ROOT), "out": str(out),
                                         "err": str(err)}) + "\n")
        launcher.stdin.flush()
        result = json.loads(launcher.stdout.readline())
        if result.pop("status") != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{err.read_text()[-3000:]}")
        result["stdout"] = out.read_text()
    return result


def _floor_process(responses: int, questions: int, folder: Path) -> dict:
    result = _process([sys.executable, "-m", "benchmarks.export", "--measure", "floor", "--responses", str(responses),
                       "--questions", str(questions), "--output", str(folder / "floor.xlsx")], _env(None, folder))
    result["write_seconds"] = json.loads(result["stdout"].strip().splitlines()[-1])["seconds"]
    return result


def _full_process(url: str, folder: Path) -> dict:
    from benchmarks._survey_db import SLUG

    target = folder / "full.xlsx"
    result = _process([sys.executable, "-m", "flask", "export", "survey", "--questionnaire", SLUG, "-o", str(target)],
                      _env(url, folder))
    result["xlsx_mb"] = target.stat().st_size / 1e6
    result["csv_mb"] = target.with_name("full-svar.csv").stat().st_size / 1e6
    return result


def _load() -> str:
    return "load " + " ".join(f"{v:.2f}" for v in os.getloadavg())


def main(options: list[str]) -> int:
    if not _launcher:  # started while this process is still small
        _process([sys.executable, "-c", "pass"], dict(os.environ))
    parser = argparse.ArgumentParser(prog="python -m benchmarks export")
    parser.add_argument("--responses", type=int, default=FULL_SIZE)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--small", action="store_true", help="a smoke-test size (500 responses)")
    parser.add_argument("--measure", choices=["floor"])
    parser.add_argument("--output")
    parser.add_argument("--repeat", type=int, default=3)
    args, _unknown = parser.parse_known_args(options)
    responses = 500 if args.small else args.responses
    if args.measure:  # inside the floor's own process
        print(json.dumps({"seconds": _floor(Path(args.output), responses, args.questions)}))
        return 0
    from benchmarks._survey_db import fill
    from benchmarks.submit import database

    full_size = responses >= FULL_SIZE and not args.small
    print(f"export: {responses:,} responses x {args.questions} questions, 2 waves, 11 municipalities "
          f"({responses * args.questions:,} answers) from a real database; the floor process and the "
          f"`flask export survey` process (workbook and long CSV) interleaved, {args.repeat} rounds", flush=True)
    # The bytecode an installed package has, so that no round compiles the sources.
    subprocess.run([sys.executable, "-m", "compileall", "-q", "app", "exports", "forms", "config.py", "benchmarks"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    status = 0
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory(prefix="boelge-export-") as name, database(backend, Path(name)) as url:
            if url is None:
                continue
            folder = Path(name)
            fill(url, folder, responses, args.questions)
            floors, fulls = [], []
            for round_number in range(args.repeat):
                load = _load()
                for arm in ("floor", "full") if round_number % 2 == 0 else ("full", "floor"):
                    if arm == "floor":
                        floors.append(_floor_process(responses, args.questions, folder))
                    else:
                        fulls.append(_full_process(url, folder))
                floor, full = floors[-1], fulls[-1]
                print(f"  round {round_number + 1}, {backend:<11} floor {floor['seconds']:6.2f} s "
                      f"(writing {floor['write_seconds']:5.2f} s)   full {full['seconds']:6.2f} s "
                      f"(cpu {full['cpu']:5.2f} s)   ratio {full['seconds'] / floor['seconds']:5.2f}x   {load}",
                      flush=True)
        floor = statistics.median(f["seconds"] for f in floors)
        seconds = statistics.median(f["seconds"] for f in fulls)
        ratio = statistics.median(f["seconds"] / g["seconds"] for f, g in zip(fulls, floors))
        peak = max(f["peak_mb"] for f in fulls)
        missed = ratio > GOAL_RATIO or peak >= GOAL_PEAK_MB
        print(f"  floor (data cells), {backend:<11}{floor:7.2f} s   peak {max(f['peak_mb'] for f in floors):5.0f} MB"
              f"   (writing alone {statistics.median(f['write_seconds'] for f in floors):.2f} s)")
        print(f"  flask export survey, {backend:<11}{seconds:6.2f} s   peak {peak:5.0f} MB   workbook "
              f"{fulls[-1]['xlsx_mb']:.1f} MB, long CSV {fulls[-1]['csv_mb']:.1f} MB")
        print(f"  ratio full / floor, {backend:<11}{ratio:7.2f}x (median of the rounds' ratios)"
              f"{'   (goal missed)' if missed and full_size else ''}", flush=True)
        if missed and full_size:
            status = 1
    print(f"  goal at {FULL_SIZE:,} responses: within {GOAL_RATIO:g}x of the floor, peak under {GOAL_PEAK_MB} MB")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Start-up: a `flask` command that needs no table, chart or document loads none of their libraries.

pandas, numpy, scipy, matplotlib, python-docx, openpyxl and XlsxWriter together took two seconds and
250 MB before the first line of any command; now they are imported where a workbook, a table or a
document is built. Each command runs as its own process, as an operator runs it, and the process reports
what it imported (`python -X importtime`): a test on which modules load, never on time.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Only a command that builds a workbook, a results table or a document needs these.
HEAVY = ("pandas", "numpy", "scipy", "matplotlib", "docx", "openpyxl", "xlsxwriter")


def _imported(args: list[str], tmp_path: Path) -> set[str]:
    """The top-level packages a `flask ...` process imported (it must succeed)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "MAIL_"))}
    env.update({"BOELGE_ENV": "development", "FLASK_APP": "app:create_app",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'startup.db'}", "SERVER_BASE_URL": "http://localhost",
                "EXPORT_DIR": str(tmp_path / "exports")})
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "flask", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    assert "flask" in names  # the report was read
    return names


@pytest.mark.parametrize("args", [
    ["--help"],
    ["export", "--help"],
    ["export", "survey", "--help"],
    ["export", "report", "survey", "--help"],
    ["worker", "--help"],
    ["scheduler", "--help"],
    ["questionnaires", "check"],
], ids=" ".join)
def test_a_command_without_tables_loads_no_table_library(args, tmp_path):
    loaded = _imported(args, tmp_path) & set(HEAVY)
    assert not loaded, f"flask {' '.join(args)} imported {sorted(loaded)}"


def test_only_the_migration_commands_load_alembic_and_they_still_migrate(tmp_path):
    import sqlite3

    assert "alembic" not in _imported(["--help"], tmp_path)
    assert "alembic" in _imported(["db", "upgrade"], tmp_path)
    with sqlite3.connect(tmp_path / "startup.db") as connection:
        (revision,), = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert revision and {"responses", "answers", "waves"} <= tables

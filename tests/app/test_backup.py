"""A backup taken while answers are arriving restores to a consistent database."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import threading

import pytest
from sqlalchemy import insert, select

from app.extensions import db
from app.models import Answer, Municipality, QuestionnaireVersion, Response
from tests.conftest import skip_or_fail

ANSWERS_PER_RESPONSE = 20


def _writer(app, stop: threading.Event, written: list[int]) -> None:
    with app.app_context():
        version_id = db.session.scalar(select(QuestionnaireVersion.id).limit(1))
        municipality_id = db.session.scalar(select(Municipality.id).limit(1))
        while not stop.is_set():
            response = Response(questionnaire_version_id=version_id, municipality_id=municipality_id, status="submitted")
            db.session.add(response)
            db.session.flush()
            db.session.execute(insert(Answer), [
                {"response_id": response.id, "question_id": f"q{i}", "option_code": i % 5 + 1}
                for i in range(ANSWERS_PER_RESPONSE)
            ])
            db.session.commit()
            written.append(response.id)
        db.session.remove()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sqlite_backup_during_writes_passes_integrity_check_and_holds_whole_responses(app, runner, tmp_path):
    stop, written = threading.Event(), []
    writer = threading.Thread(target=_writer, args=(app, stop, written))
    writer.start()
    try:
        while len(written) < 20:
            threading.Event().wait(0.01)
        target = tmp_path / "backup.db"
        result = runner.invoke(args=["backup", str(target)])
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("PRAGMA foreign_key_check").fetchall() == []
    counts = copy.execute("SELECT COUNT(*) FROM answers GROUP BY response_id").fetchall()
    assert counts and all(n == ANSWERS_PER_RESPONSE for (n,) in counts)  # no half-written response
    assert copy.execute("SELECT COUNT(*) FROM responses").fetchone()[0] >= 20


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_backup_refuses_to_overwrite_a_file(app, runner, tmp_path):
    target = tmp_path / "exists.db"
    target.write_text("keep me")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0
    assert target.read_text() == "keep me"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgres_backup_is_a_pg_dump_archive_that_pg_restore_reads(app, runner, tmp_path):
    if not shutil.which("pg_dump") or not shutil.which("pg_restore"):
        skip_or_fail("pg_dump/pg_restore are not installed (postgresql-client)")
    target = tmp_path / "backup.dump"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    listing = subprocess.run(["pg_restore", "--list", str(target)], capture_output=True, text=True, check=True).stdout
    assert "TABLE DATA" in listing and "responses" in listing

"""The restore of docs/deployment.md, done as written: a backup restores to a database with every row."""
from __future__ import annotations

import secrets
import shutil
import sqlite3
import subprocess

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from app.extensions import db
from tests.conftest import POSTGRES_URL, make_app, skip_or_fail
from tests.waves.factories import open_wave_with_invitations, submit_response


def _fill(app) -> dict[str, int]:
    """A wave with invitations and answers; the row count of every table."""
    with app.app_context():
        _wave, invitations = open_wave_with_invitations({"aalborg": 6, "rebild": 4})
        for invitation, _token in invitations[:7]:
            submit_response(invitation, invitation.wave.opens_at)
        db.session.commit()
        return _counts(db.session)


def _counts(session) -> dict[str, int]:
    return {table.name: session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_sqlite_backup_copied_into_place_is_the_whole_database(app, runner, tmp_path):
    before = _fill(app)
    backup = tmp_path / "boelge-backup.db"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    restored = tmp_path / "restored" / "boelge.db"  # the documented restore: copy over the stopped database
    restored.parent.mkdir()
    shutil.copyfile(backup, restored)
    with sqlite3.connect(restored) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    other = make_app(f"sqlite:///{restored}", tmp_path / "other")
    with other.app_context():
        assert _counts(db.session) == before
        db.engine.dispose()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_pg_dump_backup_restores_into_a_fresh_database_with_every_row(app, runner, database_url, tmp_path):
    for tool in ("pg_restore", "createdb", "dropdb"):
        if not shutil.which(tool):
            skip_or_fail(f"{tool} is not installed (postgresql-client)")
    before = _fill(app)
    backup = tmp_path / "boelge.dump"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    server = make_url(POSTGRES_URL)
    name = f"restore_{secrets.token_hex(4)}"
    connection = ["-h", server.host or "127.0.0.1", "-p", str(server.port or 5432), "-U", server.username or "postgres"]
    subprocess.run(["createdb", *connection, name], check=True)
    try:
        subprocess.run(["pg_restore", "--no-owner", f"--role={server.username or 'postgres'}", "--exit-on-error",
                        *connection, "-d", name, str(backup)],
                       check=True, capture_output=True)
        schema = make_url(database_url).query["options"].split("search_path=", 1)[1]
        restored = create_engine(server.set(database=name), connect_args={"options": f"-csearch_path={schema}"})
        with restored.connect() as conn:
            from sqlalchemy.orm import Session

            with Session(conn) as session:
                assert _counts(session) == before
            assert conn.execute(text("SELECT count(*) FROM responses WHERE status = 'submitted'")).scalar() == 7
        restored.dispose()
    finally:
        subprocess.run(["dropdb", *connection, name], check=True)

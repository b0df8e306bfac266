"""Consistent backups of a live database: SQLite's online backup API, pg_dump for PostgreSQL."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import Engine, make_url


class BackupError(RuntimeError):
    """The backup could not be made; the message says why."""


def backup_database(engine: Engine, target: Path) -> Path:
    """Write a consistent copy of the database to `target` while it stays in use.

    SQLite is copied page by page through the online backup API (never a file copy, which can
    catch a half-written WAL); PostgreSQL is dumped with pg_dump in its custom format.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        return _backup_sqlite(engine, target)
    if engine.dialect.name == "postgresql":
        return _backup_postgres(engine, target)
    raise BackupError(f"no backup method for {engine.dialect.name}")


def _backup_sqlite(engine: Engine, target: Path) -> Path:
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name")
    source = engine.raw_connection()
    try:
        destination = sqlite3.connect(target)
        try:
            source.driver_connection.backup(destination, pages=256)
            check = destination.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            destination.close()
    finally:
        source.close()
    if check != "ok":
        raise BackupError(f"the backup failed its integrity check: {check}")
    return target


def _backup_postgres(engine: Engine, target: Path) -> Path:
    pg_dump = shutil.which("pg_dump")
    if not pg_dump:
        raise BackupError("pg_dump is not installed (Debian package postgresql-client)")
    url = make_url(engine.url)
    options = url.query.get("options")
    libpq_url = url.set(drivername="postgresql").difference_update_query(["options"])
    command = [pg_dump, "--format=custom", "--file", str(target), "--no-owner"]
    if options and "search_path=" in str(options):
        command += ["--schema", str(options).split("search_path=", 1)[1].split()[0]]
    command.append(libpq_url.render_as_string(hide_password=False))
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return target

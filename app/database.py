"""Engine settings: SQLite with foreign keys, WAL, a busy timeout and BEGIN IMMEDIATE writes."""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine


def configure_engine(engine: Engine, busy_timeout_ms: int) -> None:
    """Make a SQLite engine safe for concurrent writers; leave other databases alone.

    Each transaction starts with BEGIN IMMEDIATE, so two writers queue on the busy timeout
    instead of failing with "database is locked" when a read lock is upgraded.
    """
    if engine.dialect.name != "sqlite":
        return
    in_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A connection opened only to read (an export streaming its answers) takes no write lock: in WAL
        # mode its snapshot then never blocks the writers beside it.
        if connection.get_execution_options().get("read_only"):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def read_only_transaction(session) -> None:
    """End the session's transaction and go on in one that only reads: on SQLite a plain BEGIN, which in
    WAL mode takes no write lock, so a long export never holds up respondents' answers or the workers.

    The session must not write before its next commit."""
    session.commit()
    session.connection(execution_options={"read_only": True})

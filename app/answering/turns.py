"""Taking turns to write answers on SQLite: an OS file lock that hands over at once.

SQLite lets one writer in at a time; a writer that finds the database busy is put to sleep by the
busy handler in growing steps (1, 2, 5, 10, 15, 20 ms ...), which under load costs far more than the
write itself. Answer writers therefore queue on an exclusive `flock` first (the kernel wakes the
next one as soon as the lock is free) and only then begin their BEGIN IMMEDIATE transaction. Other
writers (the scheduler, coordinator pages) still queue on the busy timeout, so correctness never
depends on this lock; on PostgreSQL, row locks do the job and this is a no-op.
"""
from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager

from app.extensions import db


@contextmanager
def write_turn() -> Iterator[None]:
    engine = db.engine
    database = engine.url.database
    if engine.dialect.name != "sqlite" or database in (None, "", ":memory:"):
        yield
        return
    # A descriptor of its own per turn, so threads of one process exclude each other too.
    with open(f"{database}.write-turn", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

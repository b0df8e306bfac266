"""Writing an export file so that no reader sees it half-written and no two writers share one."""
from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def written_in_place(path: str | Path) -> Iterator[Path]:
    """A file of its own beside `path` to write into. It replaces `path` when the block ends, and is
    removed when the block fails: a reader sees the old file or the whole new one, and two runs writing
    the same name (a worker that stalled and the one that took over its job) each write their own."""
    path = Path(path)
    partial = path.with_name(f"{path.name}.{secrets.token_hex(6)}.part")
    try:
        yield partial
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)

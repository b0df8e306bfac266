"""The audit log: who changed what, when, with the values before and after (flushes, never commits)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from app.extensions import db
from app.models import AuditEntry


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def record(user, action: str, entity: str, entity_id: int | None, before: dict | None,
           after: dict | None, municipality_id: int | None) -> AuditEntry:
    """Add one audit entry; `user` may be None for changes made from the command line."""
    entry = AuditEntry(
        user_id=getattr(user, "id", None),
        action=action,
        entity=entity,
        entity_id=entity_id,
        municipality_id=municipality_id,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
    )
    db.session.add(entry)
    db.session.flush()
    return entry

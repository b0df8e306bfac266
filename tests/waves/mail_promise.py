"""The outbox's promise, checked on what an SMTP server received: nobody missed, and each mail that came
twice is the same mail (one Message-ID, one recipient), at most one repeat per killed sender."""
from __future__ import annotations

from collections import Counter


def assert_mail_promise(messages, recipients, kills: int) -> int:
    """`messages` as the server parsed them, `recipients` everyone who must have one; returns the repeats."""
    copies = Counter(m["Message-ID"] for m in messages)
    addressed = {}
    for message in messages:
        addressed.setdefault(message["Message-ID"], set()).add(message["To"])
    assert all(len(to) == 1 for to in addressed.values()), "one Message-ID went to several recipients"
    reached = Counter(next(iter(to)) for to in addressed.values())
    assert set(reached) == set(recipients), f"missed: {sorted(set(recipients) - set(reached))[:5]}"
    assert max(reached.values()) == 1, "a recipient got two different mails of one kind"
    repeats = sum(count - 1 for count in copies.values())
    assert repeats <= kills, f"{repeats} repeated mails after {kills} killed senders"
    return repeats


def wait_for_leases_to_end() -> None:
    """Wait (inside an app context) until every claim on a message has run out, as after a killed sender."""
    import time

    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Message, utcnow

    last = db.session.scalar(select(func.max(Message.claimed_until)).where(Message.status == "sending"))
    db.session.commit()
    while last is not None and utcnow() <= last:
        time.sleep(0.1)

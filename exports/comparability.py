"""One comparability rule for survey waves and supervision rounds: a question is compared between two periods
only when both asked it with the same fingerprint (its wording, type, scale and options) in their stored
versions. Every output that shows a change asks this module, and says why and since when it shows none."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

NOT_COMPARABLE = "ikke sammenlignelig"  # the cell where a change would stand


class Period(Protocol):
    """A wave or a round as the exports see it: its label, and its version's fingerprints and wordings."""

    label: str
    fingerprints: Mapping[str, str]
    wordings: Mapping[str, str]


def asked(question_id: str, period: Period) -> bool:
    return period.fingerprints.get(question_id) is not None


def comparable(question_id: str, before: Period, after: Period) -> bool:
    """True when both periods asked the question with the same fingerprint."""
    a, b = before.fingerprints.get(question_id), after.fingerprints.get(question_id)
    return a is not None and a == b


def changed(question_id: str, before: Period, after: Period) -> bool:
    """True when both periods asked the question, but not alike: the change is not computed."""
    return asked(question_id, before) and asked(question_id, after) and not comparable(question_id, before, after)


def breaks(question_id: str, periods: Sequence[Period]) -> list[tuple[Period, Period]]:
    """The consecutive pairs of periods between which the question changed."""
    return [(a, b) for a, b in zip(periods, periods[1:]) if changed(question_id, a, b)]


def break_note(question_id: str, periods: Sequence[Period], label=lambda p: p.label) -> str | None:
    """Why and since when a question's change is not shown ("Spørgsmålet er ændret fra og med Juli 2020 …"),
    or None when every pair that asked it is comparable."""
    found = breaks(question_id, periods)
    if not found:
        return None
    since = ", ".join(f"{label(b)} (før: {label(a)})" for a, b in found)
    return (f"Spørgsmålet er ændret fra og med {since}: formulering, type, skala eller svarmuligheder er ikke de "
            "samme, så ændringen og testen beregnes ikke (ikke sammenlignelig).")


def break_note_en(question_id: str, periods: Sequence[Period], label=lambda p: p.label) -> str | None:
    """The note of `break_note` in English."""
    found = breaks(question_id, periods)
    if not found:
        return None
    since = ", ".join(f"{label(b)} (before: {label(a)})" for a, b in found)
    return (f"The question changed as of {since}: its wording, type, scale or options are not the same, so "
            "no change or test is computed (not comparable).")


def wordings(question_id: str, current: str, periods: Sequence[Period]) -> str:
    """The wording; a question reworded between the periods lists every wording with the periods that used it."""
    used: dict[str, list[str]] = {}
    for period in periods:
        if question_id in period.wordings:
            used.setdefault(period.wordings[question_id], []).append(period.label)
    if len(used) <= 1:
        return next(iter(used), current)
    return " / ".join(f"{text} ({', '.join(labels)})" for text, labels in used.items())

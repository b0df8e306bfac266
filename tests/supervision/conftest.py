"""Helpers for supervision tests: rounds in the database and form posts with a real CSRF token."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from tests.conftest import extract_csrf

SUPERVISION_C = "revalidering-tilsyn"  # Aalborg, Jammerbugt, Thisted, Vesthimmerland


# References the form tests post directly: make_round(listed=POSTED_REFERENCES) lists them everywhere.
POSTED_REFERENCES = ("X", "NY", "ÆNDRET", "AAL-LUKKET", "AAL-SENT", "AAL-1-RETTET", "AAL-2", "AAL-X", "AAL-10b")


@pytest.fixture
def make_round(app):
    """make_round(status="open", municipalities=("aalborg", "thisted"), label="Juli 2019") -> round id."""

    def factory(status: str = "open", municipalities=("aalborg", "thisted"), label: str = "Juli 2019",
                slug: str = SUPERVISION_C, listed=()) -> int:
        from app.models import CaseListEntry, Municipality, SupervisionRound
        from app.questionnaires.service import latest_version

        with app.app_context():
            places = list(db.session.scalars(select(Municipality).where(Municipality.slug.in_(municipalities))))
            round_ = SupervisionRound(questionnaire_version=latest_version(slug), label=label,
                                      period_start=date(2019, 7, 1), period_end=date(2019, 7, 31),
                                      status=status, municipalities=places)
            db.session.add(round_)
            db.session.flush()
            db.session.add_all(CaseListEntry(round_id=round_.id, municipality_id=m.id, case_reference=r)
                               for m in places for r in listed)
            db.session.commit()
            return round_.id

    return factory


@pytest.fixture
def municipality_id(app):
    def lookup(slug: str) -> int:
        from app.models import Municipality

        with app.app_context():
            return db.session.scalar(select(Municipality.id).where(Municipality.slug == slug))

    return lookup


def hidden_phase(html: str) -> dict:
    """The evaluation scheme's hidden field naming the phase the page was rendered for, as a browser posts it."""
    match = re.search(r'name="phase" value="(\d)"', html)
    return {"phase": match.group(1)} if match else {}


def post_form(client, page_url: str, data: dict, action: str | None = None, **kwargs):
    """GET the page for its CSRF token, then POST `data` to `action` (default: the page itself)."""
    page = client.get(page_url)
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    payload = {"csrf_token": extract_csrf(html), **hidden_phase(html), **data}
    return client.post(action or page_url, data=payload, **kwargs)


# Answers that make the LÆ265 section complete: decided without LÆ265 (1 = yes), own doctor involved.
COMPLETE_ANSWERS = {"q_lae265_uden": "1", "q_lae265_egen_laege": "1", "q_lae265_tvivl": "2",
                    "q_lae265_forlaenget": "2", "q_lae265_indhentet": "2"}


def list_cases(app, round_id: int, references, municipalities=None) -> None:
    """Put references on the case lists of the round's municipalities (all, or the slugs given)."""
    from app.models import CaseListEntry, SupervisionRound

    with app.app_context():
        round_ = db.session.get(SupervisionRound, round_id)
        for municipality in round_.municipalities:
            if municipalities is not None and municipality.slug not in municipalities:
                continue
            listed = set(db.session.scalars(select(CaseListEntry.case_reference).where(
                CaseListEntry.round_id == round_id, CaseListEntry.municipality_id == municipality.id)))
            db.session.add_all(CaseListEntry(round_id=round_id, municipality_id=municipality.id, case_reference=r)
                               for r in references if r not in listed)
        db.session.commit()


def log_case(client, round_id: int, reference: str, comment: str = "", listed: bool = True, **answers):
    """Post the record form; the case is first put on the round's case lists unless `listed` is False."""
    if listed:
        list_cases(client.application, round_id, [reference.strip()])
    data = {"case_reference": reference, "comment": comment, **COMPLETE_ANSWERS, **answers}
    return post_form(client, f"/tilsyn/runder/{round_id}/sager/ny", data)

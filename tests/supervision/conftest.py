"""Helpers for supervision tests: rounds in the database and form posts with a real CSRF token."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from tests.conftest import extract_csrf

SUPERVISION_C = "revalidering-tilsyn"  # Aalborg, Jammerbugt, Thisted, Vesthimmerland


@pytest.fixture
def make_round(app):
    """make_round(status="open", municipalities=("aalborg", "thisted"), label="Juli 2019") -> round id."""

    def factory(status: str = "open", municipalities=("aalborg", "thisted"), label: str = "Juli 2019",
                slug: str = SUPERVISION_C) -> int:
        from app.models import Municipality, SupervisionRound
        from app.questionnaires.service import latest_version

        with app.app_context():
            places = list(db.session.scalars(select(Municipality).where(Municipality.slug.in_(municipalities))))
            round_ = SupervisionRound(questionnaire_version=latest_version(slug), label=label,
                                      period_start=date(2019, 7, 1), period_end=date(2019, 7, 31),
                                      status=status, municipalities=places)
            db.session.add(round_)
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


def log_case(client, round_id: int, reference: str, comment: str = "", **answers):
    data = {"case_reference": reference, "comment": comment, **COMPLETE_ANSWERS, **answers}
    return post_form(client, f"/tilsyn/runder/{round_id}/sager/ny", data)

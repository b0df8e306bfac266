"""Helpers for answering tests: an open wave with personal links, and posting the answer form."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Answer, Response
from tests.conftest import extract_csrf
from tests.waves.factories import T0, open_wave_with_invitations

NOW_OPEN = {"opens": T0}


def open_wave(app, slug: str = "ledighedsydelse-raadgiver", **kwargs):
    """(wave id, [(invitation id, token)]) of an open wave that is open right now."""
    from datetime import timedelta

    from app.models import utcnow

    with app.app_context():
        wave, invitations = open_wave_with_invitations(slug=slug, opens=utcnow() - timedelta(days=1),
                                                       closes=utcnow() + timedelta(days=20), **kwargs)
        db.session.commit()
        return wave.id, [(inv.id, token) for inv, token in invitations]


def start(client, token: str):
    response = client.get(f"/s/{token}")
    assert response.status_code == 302, response.status_code
    return client.get("/svar")


def post_answers(client, data: dict, action: str = "submit", page=None):
    page = page if page is not None else client.get("/svar")
    html = page.get_data(as_text=True)
    form = {"csrf_token": extract_csrf(html), "action": action, **data}
    import re

    ref = re.search(r'name="respondent_ref" value="([^"]+)"', html)
    if ref:
        form["respondent_ref"] = ref.group(1)
    return client.post("/svar", data=form)


def responses(app) -> list[tuple[int, str, dict]]:
    with app.app_context():
        result = []
        for r in db.session.scalars(select(Response).order_by(Response.id)):
            answers = {a.question_id: a.option_code if a.option_code is not None else a.text
                       for a in db.session.scalars(select(Answer).where(Answer.response_id == r.id))}
            count = len(db.session.scalars(select(Answer).where(Answer.response_id == r.id)).all())
            result.append((r.invitation_id, r.status, answers, count))
        return result


def checked(html: str, name: str) -> list[str]:
    """Values of the checked inputs named `name` in a page."""
    import re

    values = []
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and re.search(r"\bchecked\b", tag):
            values.append(re.search(r'value="([^"]*)"', tag).group(1))
    return values

"""A team leader of one municipality asking for another municipality's personal data gets nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Wave
from tests.conftest import extract_csrf
from tests.privacy.test_access_request import _respondent_with_an_answer


@pytest.fixture
def thisted_leader(app, make_user, login):
    _uid, email, password = make_user("team_leader", "thisted")
    leader = app.test_client()
    login(leader, email, password)
    return leader


def test_an_access_request_with_a_valid_csrf_token_is_refused_and_reveals_nothing(app, thisted_leader):
    address = _respondent_with_an_answer(app)  # a respondent in Aalborg
    token = extract_csrf(thisted_leader.get("/konto").get_data(as_text=True))
    response = thisted_leader.post("/personoplysninger/indsigt", data={"csrf_token": token, "email": address})
    assert response.status_code == 403
    body = response.get_data(as_text=True)
    assert address not in body and "Januar 2019" not in body and "Aalborg" not in body
    assert "attachment" not in response.headers.get("Content-Disposition", "")
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "access_request")) is None


@pytest.mark.parametrize("path", ["/personoplysninger/", "/personoplysninger/cpr",
                                  "/personoplysninger/runde/{wave}/udskyd"])
def test_the_privacy_pages_are_refused_to_a_team_leader(app, thisted_leader, path):
    address = _respondent_with_an_answer(app)
    with app.app_context():
        wave_id = db.session.scalar(select(Wave.id))
    response = thisted_leader.get(path.format(wave=wave_id))
    assert response.status_code in (403, 404)
    body = response.get_data(as_text=True)
    assert address not in body and "Januar 2019" not in body


def test_postponing_another_municipalitys_deletion_is_refused(app, thisted_leader):
    _respondent_with_an_answer(app)
    with app.app_context():
        wave_id = db.session.scalar(select(Wave.id))
    token = extract_csrf(thisted_leader.get("/konto").get_data(as_text=True))
    response = thisted_leader.post(f"/personoplysninger/runde/{wave_id}/udskyd",
                                   data={"csrf_token": token, "until": "2099-01-01", "reason": "x"})
    assert response.status_code in (403, 404)
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.entity == "wave",
                                                             AuditEntry.action.like("%postpone%"))) is None

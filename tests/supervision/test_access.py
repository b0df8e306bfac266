"""Attacks on supervision: URL tampering across municipalities, tampered fields, CSRF-less posts, XSS."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import SupervisionRecord
from tests.conftest import extract_csrf
from tests.supervision.conftest import POSTED_REFERENCES, COMPLETE_ANSWERS, log_case, post_form

XSS = "<script>alert(1)</script>"


@pytest.fixture
def thisted_record(app, make_user, login, make_round):
    """A round covering Aalborg and Thisted with one Thisted record; returns (round id, record id)."""
    round_id = make_round(listed=POSTED_REFERENCES)
    _uid, email, password = make_user("team_leader", "thisted")
    client = app.test_client()
    login(client, email, password)
    assert log_case(client, round_id, "THI-HEMMELIG-1", comment="fortroligt").status_code == 302
    with app.app_context():
        return round_id, db.session.scalar(select(SupervisionRecord.id))


def test_aalborg_leader_gets_404_for_a_thisted_record(app, client, make_user, login, thisted_record):
    round_id, record_id = thisted_record
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    page = client.get(f"/tilsyn/runder/{round_id}")
    token = extract_csrf(page.get_data(as_text=True))
    for response in (
        client.get(f"/tilsyn/sager/{record_id}"),
        client.post(f"/tilsyn/sager/{record_id}", data={"csrf_token": token, "case_reference": "X", **COMPLETE_ANSWERS}),
        client.post(f"/tilsyn/sager/{record_id}/slet", data={"csrf_token": token}),
    ):
        assert response.status_code == 404
        body = response.get_data(as_text=True)
        assert "THI-HEMMELIG-1" not in body and "fortroligt" not in body
    with app.app_context():
        assert db.session.get(SupervisionRecord, record_id).case_reference == "THI-HEMMELIG-1"
    assert "THI-HEMMELIG-1" not in page.get_data(as_text=True)


def test_round_of_another_municipality_is_404_with_no_data(app, client, make_user, login, make_round):
    other = make_round(listed=POSTED_REFERENCES, municipalities=("thisted",), label="Kun Thisted")
    draft = make_round(listed=POSTED_REFERENCES, status="draft", municipalities=("aalborg",), label="Kladde-runde")
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    for url in (f"/tilsyn/runder/{other}", f"/tilsyn/runder/{other}/sager/ny", f"/tilsyn/runder/{other}/stikproeve",
                f"/tilsyn/runder/{draft}"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Kun Thisted" not in response.get_data(as_text=True)
    listing = client.get("/tilsyn/").get_data(as_text=True)
    assert "Kun Thisted" not in listing and "Kladde-runde" not in listing


def test_team_leader_cannot_use_coordinator_pages(app, client, make_user, login, make_round):
    round_id = make_round(listed=POSTED_REFERENCES, municipalities=("aalborg",))
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    for url in ("/tilsyn/runder/ny", f"/tilsyn/runder/{round_id}/gentag", f"/tilsyn/runder/{round_id}/log"):
        assert client.get(url).status_code == 403, url
    response = post_form(client, f"/tilsyn/runder/{round_id}", {"status": "closed"},
                         action=f"/tilsyn/runder/{round_id}/status")
    assert response.status_code == 403


def test_coordinator_cannot_log_cases(app, client, make_user, login, make_round):
    round_id = make_round(listed=POSTED_REFERENCES)
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    assert client.get(f"/tilsyn/runder/{round_id}/sager/ny").status_code == 403


def test_tampered_municipality_id_in_post_is_ignored(app, client, make_user, login, make_round, municipality_id):
    round_id = make_round(listed=POSTED_REFERENCES)
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    assert log_case(client, round_id, "AAL-T", municipality_id=str(municipality_id("thisted"))).status_code == 302
    aalborg = municipality_id("aalborg")
    with app.app_context():
        record = db.session.scalar(select(SupervisionRecord))
        assert record.municipality_id == aalborg


@pytest.mark.parametrize("action", ["create", "edit", "delete", "status", "scheme", "import", "sample"])
def test_posts_without_csrf_token_are_refused(app, client, make_user, login, make_round, action):
    round_id = make_round(listed=POSTED_REFERENCES)
    _uid, email, password = make_user("coordinator" if action == "status" else "team_leader", None if action == "status" else "aalborg")
    leader = app.test_client()
    _lid, lemail, lpassword = make_user("team_leader", "aalborg")
    login(leader, lemail, lpassword)
    log_case(leader, round_id, "AAL-CSRF")
    with app.app_context():
        from app.models import Experiment

        record_id = db.session.scalar(select(SupervisionRecord.id))
        experiment = db.session.scalar(select(Experiment).where(Experiment.slug == "revalidering-bevillingsgrundlag"))
        aalborg = next(m.id for m in experiment.municipalities if m.slug == "aalborg")
        scheme_url = f"/tilsyn/evalueringsskemaer/{experiment.id}/{aalborg}"
    login(client, email, password)
    url, data = {
        "create": (f"/tilsyn/runder/{round_id}/sager/ny", {"case_reference": "NY", **COMPLETE_ANSWERS}),
        "edit": (f"/tilsyn/sager/{record_id}", {"case_reference": "ÆNDRET", **COMPLETE_ANSWERS}),
        "delete": (f"/tilsyn/sager/{record_id}/slet", {}),
        "status": (f"/tilsyn/runder/{round_id}/status", {"status": "closed"}),
        "scheme": (scheme_url, {"q_p01": "tekst", "phase": "1", "action": "save"}),
        "import": (f"/tilsyn/runder/{round_id}/sagsliste", {}),
        "sample": (f"/tilsyn/runder/{round_id}/stikproeve", {"size": "1", "seed": "x"}),
    }[action]
    refused = client.post(url, data=data)
    assert refused.status_code == 400 and "Siden er udløbet" in refused.get_data(as_text=True)
    with app.app_context():
        from app.models import EvaluationScheme, SupervisionRound

        assert [r.case_reference for r in db.session.scalars(select(SupervisionRecord))] == ["AAL-CSRF"]
        assert db.session.get(SupervisionRound, round_id).status == "open"
        assert db.session.scalar(select(EvaluationScheme)) is None


def test_script_in_reference_and_comment_is_escaped_everywhere(app, client, make_user, login, make_round):
    round_id = make_round(listed=POSTED_REFERENCES)
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    assert log_case(client, round_id, XSS, comment=XSS).status_code == 302
    with app.app_context():
        record_id = db.session.scalar(select(SupervisionRecord.id))
    pages = [client.get(f"/tilsyn/runder/{round_id}"), client.get(f"/tilsyn/runder/{round_id}?q=script"),
             client.get(f"/tilsyn/sager/{record_id}")]
    coordinator = app.test_client()
    _cid, cemail, cpassword = make_user("coordinator")
    login(coordinator, cemail, cpassword)
    pages += [coordinator.get(f"/tilsyn/runder/{round_id}"), coordinator.get(f"/tilsyn/runder/{round_id}/log")]
    for page in pages:
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert XSS not in html
        assert "&lt;script&gt;" in html or "\\u003cscript\\u003e" in html

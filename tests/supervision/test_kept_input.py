"""What was typed survives a round closing, a phase submitted in another tab and an expired CSRF token."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import EvaluationScheme, SupervisionRecord, SupervisionRound
from tests.conftest import extract_csrf
from tests.supervision.conftest import POSTED_REFERENCES, COMPLETE_ANSWERS, hidden_phase, log_case, post_form
from tests.supervision.test_schemes import PHASE1, _url, aalborg_leader, ids  # noqa: F401 (fixtures)


@pytest.fixture
def leader(app, make_user, login):
    _uid, email, password = make_user("team_leader", "aalborg")
    client = app.test_client()
    login(client, email, password)
    return client


def _references(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(SupervisionRecord.case_reference)))


def _close(app, round_id: int) -> None:
    with app.app_context():
        db.session.get(SupervisionRound, round_id).status = "closed"
        db.session.commit()


def _scheme_answers(app) -> dict:
    from app.supervision import schemes

    with app.app_context():
        return schemes.answers_for(db.session.scalar(select(EvaluationScheme)))


def test_a_round_closed_while_typing_shows_the_typed_record_again(app, leader, make_round):
    round_id = make_round(listed=POSTED_REFERENCES)
    url = f"/tilsyn/runder/{round_id}/sager/ny"
    token = extract_csrf(leader.get(url).get_data(as_text=True))
    _close(app, round_id)
    refused = leader.post(url, data={"csrf_token": token, "case_reference": "AAL-LUKKET",
                                     "comment": "En lang bemærkning om sagen", **COMPLETE_ANSWERS})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "Runden blev lukket" in html
    assert 'value="AAL-LUKKET"' in html and "En lang bemærkning om sagen" in html
    assert _references(app) == []


def test_an_expired_token_keeps_a_new_record_and_the_next_press_stores_it(app, leader, make_round):
    round_id = make_round(listed=POSTED_REFERENCES)
    url = f"/tilsyn/runder/{round_id}/sager/ny"
    app.config["WTF_CSRF_TIME_LIMIT"] = 1
    token = extract_csrf(leader.get(url).get_data(as_text=True))
    time.sleep(2)
    data = {"case_reference": "AAL-SENT", "comment": "Skrevet over lang tid", **COMPLETE_ANSWERS}
    refused = leader.post(url, data={"csrf_token": token, **data})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "tryk på knappen igen" in html
    assert 'value="AAL-SENT"' in html and "Skrevet over lang tid" in html
    assert _references(app) == []
    fresh = extract_csrf(html)
    assert fresh != token
    assert leader.post(url, data={"csrf_token": fresh, **data}).status_code == 302
    assert _references(app) == ["AAL-SENT"]


def test_an_expired_token_keeps_an_edited_record(app, leader, make_round):
    round_id = make_round(listed=POSTED_REFERENCES)
    log_case(leader, round_id, "AAL-1")
    with app.app_context():
        record_id = db.session.scalar(select(SupervisionRecord.id))
    url = f"/tilsyn/sager/{record_id}"
    app.config["WTF_CSRF_TIME_LIMIT"] = 1
    token = extract_csrf(leader.get(url).get_data(as_text=True))
    time.sleep(2)
    data = {"case_reference": "AAL-1-RETTET", "comment": "Rettet bemærkning", **COMPLETE_ANSWERS}
    refused = leader.post(url, data={"csrf_token": token, **data})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'value="AAL-1-RETTET"' in html and "Rettet bemærkning" in html
    assert _references(app) == ["AAL-1"]
    assert leader.post(url, data={"csrf_token": extract_csrf(html), **data}).status_code == 302
    assert _references(app) == ["AAL-1-RETTET"]


def test_an_expired_token_keeps_the_scheme_and_the_next_press_stores_it(app, aalborg_leader, ids):
    url = _url(ids)
    app.config["WTF_CSRF_TIME_LIMIT"] = 1
    page = aalborg_leader.get(url).get_data(as_text=True)
    time.sleep(2)
    data = {**hidden_phase(page), "q_p01": "Et langt svar på punkt 1", "action": "save"}
    refused = aalborg_leader.post(url, data={"csrf_token": extract_csrf(page), **data})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "tryk på knappen igen" in html and "Et langt svar på punkt 1" in html
    assert _scheme_answers(app) == {}
    assert aalborg_leader.post(url, data={"csrf_token": extract_csrf(html), **data}).status_code == 302
    assert _scheme_answers(app)["p01"] == "Et langt svar på punkt 1"


def test_a_stale_phase_one_page_never_touches_the_phase_two_draft(app, aalborg_leader, ids):
    url = _url(ids)
    stale = aalborg_leader.get(url).get_data(as_text=True)  # a second tab, still showing phase 1
    assert post_form(aalborg_leader, url, {**PHASE1, "action": "submit"}).status_code == 302
    assert post_form(aalborg_leader, url, {"q_p06": "Kladde til 6", "action": "save"}).status_code == 302
    assert "Kladde til 6" in aalborg_leader.get(url).get_data(as_text=True)  # shows the draft and its notice
    refused = aalborg_leader.post(url, data={"csrf_token": extract_csrf(stale), **hidden_phase(stale),
                                             "q_p01": "Tekst fra den gamle fane", "action": "save"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "Skemaet er ændret" in html and "Tekst fra den gamle fane" in html
    assert "<textarea" not in html and "Kladden er gemt" not in html
    answers = _scheme_answers(app)
    assert answers["p06"] == "Kladde til 6" and answers["p01"] == PHASE1["q_p01"]
    assert "Kladde til 6" in aalborg_leader.get(url).get_data(as_text=True)


def test_a_post_without_the_phase_stores_nothing(app, aalborg_leader, ids):
    url = _url(ids)
    token = extract_csrf(aalborg_leader.get(url).get_data(as_text=True))
    refused = aalborg_leader.post(url, data={"csrf_token": token, "q_p01": "Uden fase", "action": "save"})
    assert refused.status_code == 409 and "Uden fase" in refused.get_data(as_text=True)
    assert _scheme_answers(app) == {}


def test_a_fully_submitted_scheme_shows_the_late_text_instead_of_dropping_it(app, aalborg_leader, ids):
    url = _url(ids)
    page = aalborg_leader.get(url).get_data(as_text=True)
    post_form(aalborg_leader, url, {**PHASE1, "action": "submit"})
    phase2 = aalborg_leader.get(url).get_data(as_text=True)
    post_form(aalborg_leader, url, {"q_p06": "a", "q_p07": "b", "q_p08": "c", "q_p09": "d", "q_p10": "e",
                                    "action": "submit"})
    late = aalborg_leader.post(url, data={"csrf_token": extract_csrf(page), **hidden_phase(phase2),
                                          "q_p10": "Sen bemærkning", "action": "save"})
    html = late.get_data(as_text=True)
    assert late.status_code == 409 and "Sen bemærkning" in html and "Skemaet er ændret" in html
    assert _scheme_answers(app)["p10"] == "e"


def test_a_phase_submitted_during_the_request_is_a_409_not_a_500(app, aalborg_leader, ids, monkeypatch):
    from app.models import utcnow
    from app.supervision import schemes

    url = _url(ids)
    post_form(aalborg_leader, url, {"q_p01": "Gemt kladde", "action": "save"})
    original = schemes.save

    def submitted_meanwhile(user, experiment, municipality, *args):
        schemes.find_scheme(experiment, municipality).phase1_submitted_at = utcnow()  # the other tab's submit
        db.session.flush()
        return original(user, experiment, municipality, *args)

    monkeypatch.setattr(schemes, "save", submitted_meanwhile)
    refused = post_form(aalborg_leader, url, {"q_p01": "Skrevet i kapløb", "action": "save"})
    monkeypatch.undo()
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "Skrevet i kapløb" in html
    assert _scheme_answers(app)["p01"] == "Gemt kladde"


@pytest.mark.parametrize("target", ["new", "edit", "scheme"])
def test_without_a_token_nothing_is_stored(app, leader, make_round, ids, target):
    round_id = make_round(listed=POSTED_REFERENCES)
    log_case(leader, round_id, "AAL-1")
    with app.app_context():
        record_id = db.session.scalar(select(SupervisionRecord.id))
    url, data = {
        "new": (f"/tilsyn/runder/{round_id}/sager/ny", {"case_reference": "AAL-2", **COMPLETE_ANSWERS}),
        "edit": (f"/tilsyn/sager/{record_id}", {"case_reference": "AAL-X", **COMPLETE_ANSWERS}),
        "scheme": (_url(ids), {"q_p01": "Uden nøgle", "phase": "1", "action": "save"}),
    }[target]
    for token in ({}, {"csrf_token": "forfalsket"}):
        refused = leader.post(url, data={**token, **data})
        assert refused.status_code == 400 and "Siden er udløbet" in refused.get_data(as_text=True)
    assert _references(app) == ["AAL-1"] and _scheme_answers(app) == {}

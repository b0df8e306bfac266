"""The record form says each number question's unit, bounds and required mark, and its error names them;
a coordinator includes a case reviewed outside the sample in the figures, audited."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, SupervisionRecord
from tests.conftest import extract_csrf
from tests.supervision.conftest import list_cases, post_form

RESSOURCEFORLOEB = "ressourceforloeb-tilsyn"  # Frederikshavn, Læsø
ANSWERS = {"q_rf_oensket": "1", "q_rf_fleksjob_fp": "2", "q_rf_forelagt": "2"}


@pytest.fixture
def leader(app, make_user, login):
    _uid, email, password = make_user("team_leader", "frederikshavn")
    client = app.test_client()
    login(client, email, password)
    return client


def test_the_months_question_shows_its_unit_bounds_and_required_mark(leader, make_round):
    round_id = make_round(municipalities=("frederikshavn", "laesoe"), slug=RESSOURCEFORLOEB)
    html = leader.get(f"/tilsyn/runder/{round_id}/sager/ny").get_data(as_text=True)
    block = html[html.index('id="question-rf_varighed"'):]
    block = block[:block.index('id="question-rf_fleksjob_fp"')]
    assert "(skal besvares)" in block and 'aria-required="true"' in block
    assert "Angiv et helt antal måneder mellem 1 og 60." in block  # the rule, before anyone breaks it
    assert '<span class="unit" aria-hidden="true">måneder</span>' in block


@pytest.mark.parametrize("value", ["61", "0", "halvandet år"])
def test_a_wrong_number_of_months_is_refused_with_a_message_naming_unit_and_bounds(app, leader, make_round, value):
    round_id = make_round(municipalities=("frederikshavn", "laesoe"), slug=RESSOURCEFORLOEB)
    list_cases(app, round_id, ["FRE-1"])
    response = post_form(leader, f"/tilsyn/runder/{round_id}/sager/ny",
                         {"case_reference": "FRE-1", "q_rf_varighed": value, **ANSWERS})
    html = response.get_data(as_text=True)
    errors = re.search(r'<ul class="field-errors" id="q_rf_varighed-error">(.*?)</ul>', html, re.S)
    assert response.status_code == 200 and errors
    assert "Angiv et helt antal måneder mellem 1 og 60." in errors.group(1)
    with app.app_context():
        assert db.session.scalar(select(SupervisionRecord.id)) is None


def test_the_english_form_names_the_unit_in_english(app, leader, make_round):
    round_id = make_round(municipalities=("frederikshavn", "laesoe"), slug=RESSOURCEFORLOEB)
    with leader.session_transaction() as session:
        session["lang"] = "en"
    html = leader.get(f"/tilsyn/runder/{round_id}/sager/ny").get_data(as_text=True)
    assert "Enter a whole number of months between 1 and 60." in html and ">months</span>" in html


def _outside_record(app, leader, round_id) -> int:
    from app.models import CaseListEntry

    list_cases(app, round_id, ["FRE-I", "FRE-U"], municipalities=("frederikshavn",))
    with app.app_context():
        entry = db.session.scalar(select(CaseListEntry).where(CaseListEntry.case_reference == "FRE-I"))
        entry.sample_rank, entry.sample_seed = 1, "s"
        db.session.commit()
    assert post_form(leader, f"/tilsyn/runder/{round_id}/sager/ny",
                     {"case_reference": "FRE-U", "q_rf_varighed": "6", "outside_sample": "y", **ANSWERS}
                     ).status_code == 302
    with app.app_context():
        return db.session.scalar(select(SupervisionRecord.id).where(SupervisionRecord.case_reference == "FRE-U"))


def test_a_coordinator_includes_an_outside_case_and_it_is_audited(app, leader, make_user, login, make_round):
    round_id = make_round(municipalities=("frederikshavn", "laesoe"), slug=RESSOURCEFORLOEB)
    record_id = _outside_record(app, leader, round_id)
    _uid, email, password = make_user("coordinator")
    coordinator = app.test_client()
    login(coordinator, email, password)
    page = coordinator.get(f"/tilsyn/runder/{round_id}").get_data(as_text=True)
    assert "udenfor stikprøven" in page and "Medtag i tallene" in page
    token = extract_csrf(page)
    assert coordinator.post(f"/tilsyn/sager/{record_id}/medtag", data={"include": "1"}).status_code == 400
    response = coordinator.post(f"/tilsyn/sager/{record_id}/medtag", data={"csrf_token": token, "include": "1"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(SupervisionRecord, record_id).include_outside is True
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "supervision_record")
                                   .order_by(AuditEntry.id.desc())).first()
        assert entry.action == "include" and entry.before["include_outside"] is False
        assert entry.after["include_outside"] is True and entry.after["in_sample"] is False
    assert coordinator.get(f"/tilsyn/sager/{record_id}/medtag").status_code == 405  # no change on GET


def test_a_team_leader_cannot_include_an_outside_case(app, leader, make_round):
    round_id = make_round(municipalities=("frederikshavn", "laesoe"), slug=RESSOURCEFORLOEB)
    record_id = _outside_record(app, leader, round_id)
    token = extract_csrf(leader.get(f"/tilsyn/runder/{round_id}").get_data(as_text=True))
    assert leader.post(f"/tilsyn/sager/{record_id}/medtag",
                       data={"csrf_token": token, "include": "1"}).status_code == 403
    with app.app_context():
        assert db.session.get(SupervisionRecord, record_id).include_outside is False

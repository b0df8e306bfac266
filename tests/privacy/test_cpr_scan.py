"""CPR numbers stored before the forms refused them: found everywhere people type, shown masked, removed."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import insert, select

from app.extensions import db
from app.models import (
    Answer,
    AuditEntry,
    CaseListEntry,
    Respondent,
    SupervisionRecord,
    SupervisionRound,
)
from app.privacy import cpr_scan
from app.questionnaires.service import latest_version
from tests.conftest import extract_csrf
from tests.results.factory import add_responses, make_wave, municipality_ids

# Valid dates, so they count as CPR numbers; typed the ways people type them.
NUMBERS = ["010190-1234", "2412851234", "31.12.99-4321", "０５０３７０－１２３４"]
HARMLESS = "Sag 2019-1234-5678, tlf. 12345678, beløb 123456 kr."


@pytest.fixture
def stored(app):
    """One CPR number in each kind of typed text, stored directly (as before the forms refused them)."""
    now = datetime(2020, 1, 1, tzinfo=timezone.utc)
    with app.app_context():
        ids = municipality_ids()
        wave_id = make_wave("ledighedsydelse-raadgiver", "Januar 2019", datetime(2019, 1, 7, tzinfo=timezone.utc),
                            [ids["aalborg"]])
        (response_id,) = add_responses(wave_id, ids["aalborg"], [{"ly_forenklet": 4}])
        answer_id = db.session.execute(insert(Answer).values(
            response_id=response_id, question_id="ly_bemaerkninger",
            text=f"Borgeren ({NUMBERS[0]}) fik hjælp. {HARMLESS}")).inserted_primary_key[0]
        version = latest_version("revalidering-tilsyn")
        round_id = db.session.execute(insert(SupervisionRound).values(
            questionnaire_version_id=version.id, label="Juli 2019", period_start=date(2019, 7, 1),
            period_end=date(2019, 7, 31), status="open")).inserted_primary_key[0]
        record_ids = [db.session.execute(insert(SupervisionRecord).values(
            round_id=round_id, municipality_id=ids["aalborg"], case_reference=reference, comment=comment,
            created_at=now, updated_at=now)).inserted_primary_key[0]
            for reference, comment in ((NUMBERS[1], "God sag"), (f"{NUMBERS[1][:6]}-9999", f"Se {NUMBERS[2]}"),
                                       ("SAG-17", HARMLESS))]
        db.session.execute(insert(CaseListEntry).values(round_id=round_id, municipality_id=ids["aalborg"],
                                                        case_reference=NUMBERS[3], imported_at=now))
        db.session.execute(insert(Respondent).values(name=f"Rådgiver {NUMBERS[2]}", email="r@example.dk",
                                                     municipality_id=ids["aalborg"], active=True, created_at=now))
        db.session.execute(insert(AuditEntry).values(at=now, action="update", entity="supervision_record",
                                                     entity_id=record_ids[0], before={"comment": f"x {NUMBERS[0]}"},
                                                     after={"comment": "x"}))
        db.session.commit()
    return {"answer": answer_id, "records": record_ids}


def _texts(app) -> list[str]:
    """Every typed text the fixture stored, as it is now."""
    with app.app_context():
        texts = list(db.session.scalars(select(Answer.text).where(Answer.text.is_not(None))))
        for reference, comment in db.session.execute(select(SupervisionRecord.case_reference,
                                                            SupervisionRecord.comment)):
            texts += [reference, comment or ""]
        texts += list(db.session.scalars(select(CaseListEntry.case_reference)))
        texts += list(db.session.scalars(select(Respondent.name)))
        texts += [str(before) for before in db.session.scalars(select(AuditEntry.before))]
        return texts


def test_the_scan_finds_each_number_in_every_kind_of_text_and_nothing_harmless(app, stored):
    with app.app_context():
        findings = cpr_scan.scan()
    places = sorted((f.source.key, f.column) for f in findings)
    assert places == sorted([("answers", "text"), ("record_comments", "comment"),
                             ("record_references", "case_reference"), ("record_references", "case_reference"),
                             ("case_lists", "case_reference"), ("respondents", "name"), ("audit", "before")])
    shown = {m for f in findings for m in f.masked}
    assert "010190-••••" in shown and "241285••••" in shown
    assert not any(n in str(findings) for n in NUMBERS)  # never whole


def test_the_page_lists_them_masked_and_a_get_changes_nothing(app, client, stored, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    before = _texts(app)
    page = client.get("/personoplysninger/cpr")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "7 rækker indeholder et CPR-nummer." in html and "010190-••••" in html
    assert not any(n in html for n in NUMBERS)
    assert _texts(app) == before


def test_a_team_leader_cannot_see_or_remove_them(app, client, stored, make_user, login):
    _id, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    assert client.get("/personoplysninger/cpr").status_code in (302, 403)
    before = _texts(app)
    token = extract_csrf(client.get("/", follow_redirects=True).get_data(as_text=True))  # a valid token
    assert client.post("/personoplysninger/cpr/fjern", data={"csrf_token": token}).status_code in (302, 403)
    assert _texts(app) == before


def test_removing_needs_the_form_token(app, client, stored, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    before = _texts(app)
    assert client.post("/personoplysninger/cpr/fjern").status_code == 400
    assert _texts(app) == before


def test_removing_replaces_every_number_keeps_the_rest_and_logs_it_without_the_number(app, client, stored,
                                                                                         make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    page = client.get("/personoplysninger/cpr")
    done = client.post("/personoplysninger/cpr/fjern", data={"csrf_token": extract_csrf(page.get_data(as_text=True))},
                       follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "CPR-numrene er fjernet fra 7 rækker." in html and "Der er ingen CPR-numre" in html
    texts = _texts(app)
    assert not any(cpr_scan.find_cpr(t) for t in texts)
    assert not any(n in t for t in texts for n in NUMBERS)
    with app.app_context():
        answer = db.session.get(Answer, stored["answer"]).text
        references = list(db.session.scalars(select(SupervisionRecord.case_reference).order_by(SupervisionRecord.id)))
        logged = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "cpr_removed")).all()
        assert answer == f"Borgeren ({cpr_scan.REMOVED}) fik hjælp. {HARMLESS}"
        assert references == [f"{cpr_scan.REMOVED} #{stored['records'][0]}", f"{cpr_scan.REMOVED} #{stored['records'][1]}",
                              "SAG-17"]  # still unique, and found by the record's number
        assert len(logged) == 6 and all(e.user_id is not None for e in logged)
        assert not any(n in str(e.before) + str(e.after) for e in logged for n in NUMBERS)


def test_the_command_lists_them_exits_1_and_removes_them_when_asked(app, runner, stored):
    listed = runner.invoke(args=["privacy", "find-cpr"])
    assert listed.exit_code == 1
    assert "7 row(s) with a CPR number" in listed.output and "010190-••••" in listed.output
    assert not any(n in listed.output for n in NUMBERS)
    removed = runner.invoke(args=["privacy", "find-cpr", "--remove"])
    assert removed.exit_code == 0, removed.output
    assert "Removed the numbers from 7 row(s)." in removed.output
    assert runner.invoke(args=["privacy", "find-cpr"]).exit_code == 0
    assert not any(cpr_scan.find_cpr(t) for t in _texts(app))


def test_find_cpr_finds_the_variants_stored_before_and_removes_them_but_not_the_look_alikes(app, runner):
    from tests.forms.test_cpr import ATTACK_VARIANTS, HARMLESS_NUMBERS

    now = datetime(2020, 1, 1, tzinfo=timezone.utc)
    with app.app_context():
        ids = municipality_ids()
        version = latest_version("revalidering-tilsyn")
        round_id = db.session.execute(insert(SupervisionRound).values(
            questionnaire_version_id=version.id, label="Juli 2019", period_start=date(2019, 7, 1),
            period_end=date(2019, 7, 31), status="open")).inserted_primary_key[0]
        wave_id = make_wave("ledighedsydelse-raadgiver", "Januar 2019", datetime(2019, 1, 7, tzinfo=timezone.utc),
                            [ids["aalborg"]])
        (response_id,) = add_responses(wave_id, ids["aalborg"], [{"ly_forenklet": 4}])
        for n, text in enumerate(ATTACK_VARIANTS + HARMLESS_NUMBERS):
            db.session.execute(insert(SupervisionRecord).values(
                round_id=round_id, municipality_id=ids["aalborg"], case_reference=text, comment=None,
                created_at=now, updated_at=now))
            db.session.execute(insert(Answer).values(response_id=response_id, question_id=f"fritekst_{n}",
                                                     text=f"Borgeren {text} ringede"))
        db.session.commit()
    listed = runner.invoke(args=["privacy", "find-cpr"])
    assert listed.exit_code == 1
    expected = 2 * len(ATTACK_VARIANTS)
    assert f"{expected} row(s) with a CPR number" in listed.output, listed.output
    removed = runner.invoke(args=["privacy", "find-cpr", "--remove"])
    assert f"Removed the numbers from {expected} row(s)." in removed.output, removed.output
    assert runner.invoke(args=["privacy", "find-cpr"]).exit_code == 0
    with app.app_context():
        references = set(db.session.scalars(select(SupervisionRecord.case_reference)))
        texts = set(db.session.scalars(select(Answer.text).where(Answer.question_id.like("fritekst_%"))))
    assert set(HARMLESS_NUMBERS) <= references and not set(ATTACK_VARIANTS) & references
    assert {f"Borgeren {t} ringede" for t in HARMLESS_NUMBERS} <= texts
    assert texts - {f"Borgeren {t} ringede" for t in HARMLESS_NUMBERS} == {f"Borgeren {cpr_scan.REMOVED} ringede"}

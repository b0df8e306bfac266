"""The readable audit log: sentences in Danish and English, filters, CSV with formula-safe cells."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models import AuditEntry, SupervisionRecord, User
from tests.conftest import extract_csrf
from tests.supervision.conftest import COMPLETE_ANSWERS, log_case, make_round, post_form  # noqa: F401

LAE265 = "'Er sagen afgjort uden indhentelse af LÆ265?' Ja → Nej"
LAE265_EN = "'Was the case decided without obtaining LÆ265?' Yes → No"


@pytest.fixture
def logged_case(app, client, make_user, login, make_round):
    """Karen, a team leader in Aalborg, logs case ABC-123 in "Juli 2019" and changes one answer."""
    round_id = make_round()
    uid, email, password = make_user("team_leader", "aalborg")
    with app.app_context():
        db.session.execute(update(User).where(User.id == uid).values(name="Karen Koordinator"))
        db.session.commit()
    leader = app.test_client()
    login(leader, email, password)
    assert log_case(leader, round_id, "ABC-123").status_code == 302
    with app.app_context():
        record_id = db.session.scalar(select(SupervisionRecord.id))
    data = {"case_reference": "ABC-123", "comment": "", **COMPLETE_ANSWERS, "q_lae265_uden": "2"}
    data.pop("q_lae265_egen_laege")
    assert post_form(leader, f"/tilsyn/sager/{record_id}", data).status_code == 302
    return {"round_id": round_id, "user_id": uid}


@pytest.fixture
def coordinator(client, make_user, login):
    uid, email, password = make_user("coordinator")
    login(client, email, password)
    return uid


def test_an_answer_change_reads_as_a_sentence(app, client, logged_case, coordinator):
    html = client.get("/log/").get_data(as_text=True)
    assert "Karen Koordinator ændrede sag ABC-123 (Aalborg, Juli 2019): " in html
    assert LAE265.replace("'", "&#39;") in html
    assert "Karen Koordinator registrerede sag ABC-123 (Aalborg, Juli 2019)" in html
    assert "supervision_record" not in html


def test_the_same_log_in_english(app, client, logged_case, coordinator):
    client.post("/sprog", data={"lang": "en", "next": "/log/",
                                "csrf_token": extract_csrf(client.get("/log/").get_data(as_text=True))})
    html = client.get("/log/").get_data(as_text=True)
    assert "Karen Koordinator changed case ABC-123 (Aalborg, Juli 2019): " in html
    assert LAE265_EN.replace("'", "&#39;") in html


def test_filters_by_person_kind_round_and_date(app, client, logged_case, coordinator, make_round):
    other_round = make_round(label="Juli 2020")
    token = extract_csrf(client.get("/konto").get_data(as_text=True))
    client.post(f"/tilsyn/runder/{other_round}/status", data={"status": "closed", "csrf_token": token})
    uid, rid = logged_case["user_id"], logged_case["round_id"]
    by_person = client.get(f"/log/?person={uid}").get_data(as_text=True)
    assert by_person.split('<ol class="audit-log">')[1].count("<li>") == 2
    by_round = client.get(f"/log/?tilsynsrunde={rid}").get_data(as_text=True)
    assert "ABC-123" in by_round and "Juli 2020" not in by_round.split('<ol class="audit-log">')[1]
    users_only = client.get("/log/?type=users").get_data(as_text=True)
    assert "ABC-123" not in users_only
    with app.app_context():
        db.session.execute(update(AuditEntry).values(at=datetime(2026, 1, 10, 23, 30, tzinfo=timezone.utc)))
        db.session.commit()
    # 23:30 UTC on 10 January is 00:30 on the 11th in Copenhagen.
    assert "ABC-123" in client.get("/log/?fra=2026-01-11&til=2026-01-11").get_data(as_text=True)
    assert "ABC-123" not in client.get("/log/?til=2026-01-10").get_data(as_text=True)


def test_account_changes_read_as_sentences(app, client, coordinator, make_user):
    uid, _e, _p = make_user("team_leader", "aalborg")
    token = extract_csrf(client.get("/konto").get_data(as_text=True))
    client.post(f"/brugere/{uid}/deaktiver", data={"csrf_token": token})
    html = client.get("/log/?type=users").get_data(as_text=True)
    assert "coordinator deaktiverede team_leader aalborg" in html


def test_csv_download_has_the_sentences_and_formula_safe_cells(app, client, logged_case, coordinator, make_user):
    with app.app_context():
        db.session.execute(update(User).where(User.id == logged_case["user_id"]).values(name="=HYPERLINK(\"x\")"))
        db.session.commit()
    response = client.get(f"/log/log.csv?tilsynsrunde={logged_case['round_id']}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Tidspunkt", "Hvem", "Slags", "Kommune", "Hvad"]
    assert len(rows) == 3
    assert all(row[1] == "'=HYPERLINK(\"x\")" for row in rows[1:])
    assert rows[1][2] == "Ledelsestilsyn" and rows[1][3] == "Aalborg"
    assert LAE265 in rows[1][4]


def test_a_team_leader_cannot_read_the_log(app, client, make_user, login):
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    assert client.get("/log/").status_code == 403
    assert client.get("/log/log.csv").status_code == 403


def test_wave_changes_are_logged_and_filtered_by_wave(app, client, coordinator):
    from datetime import timedelta

    from app.models import utcnow
    from tests.waves.factories import add_wave

    with app.app_context():
        first = add_wave(status="draft", opens=utcnow() + timedelta(days=3), label="Januar 2027")
        other = add_wave(status="draft", opens=utcnow() + timedelta(days=3), label="Juni 2027")
        db.session.commit()
        first_id, other_id = first.id, other.id
    token = extract_csrf(client.get("/konto").get_data(as_text=True))
    for wave_id in (first_id, other_id):
        assert client.post(f"/runder/{wave_id}/planlaeg", data={"csrf_token": token}).status_code == 302
    html = client.get(f"/log/?runde={first_id}").get_data(as_text=True).split('<ol class="audit-log">')[1]
    assert "satte runden Januar 2027 i gang" in html and "Juni 2027" not in html
    assert "Juni 2027" in client.get("/log/?type=waves").get_data(as_text=True).split('<ol class="audit-log">')[1]

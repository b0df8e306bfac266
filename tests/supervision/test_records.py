"""A team leader logs, lists, searches, edits and deletes reviewed cases of their own municipality."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from app.extensions import db
from app.models import Answer, AuditEntry, Response, SupervisionRecord
from tests.supervision.conftest import list_cases, COMPLETE_ANSWERS, log_case, post_form


def _records(app):
    with app.app_context():
        return list(db.session.scalars(select(SupervisionRecord).order_by(SupervisionRecord.id)))


def _answers(app, record_id):
    with app.app_context():
        response = db.session.scalar(select(Response).where(Response.supervision_record_id == record_id))
        rows = db.session.execute(select(Answer.question_id, Answer.option_code).where(Answer.response_id == response.id))
        return response.status, dict(rows.all())


def test_team_leader_logs_a_case_with_answers_as_a_submitted_response(app, client, make_user, login, make_round, municipality_id):
    round_id = make_round()
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    response = log_case(client, round_id, "AAL-2019-001", comment="Fin sag")
    assert response.status_code == 302
    [record] = _records(app)
    assert (record.case_reference, record.comment, record.municipality_id) == ("AAL-2019-001", "Fin sag", municipality_id("aalborg"))
    status, answers = _answers(app, record.id)
    assert status == "submitted"
    assert answers == {"lae265_uden": 1, "lae265_egen_laege": 1, "lae265_tvivl": 2, "lae265_forlaenget": 2, "lae265_indhentet": 2}
    page = client.get(f"/tilsyn/runder/{round_id}").get_data(as_text=True)
    assert "AAL-2019-001" in page


def test_hidden_conditional_answer_is_dropped_on_the_server(app, client, make_user, login, make_round):
    round_id = make_round()
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    # "Nej" to LÆ265-less decision hides the own-doctor question; a value sent anyway is not stored.
    assert log_case(client, round_id, "AAL-2", q_lae265_uden="2", q_lae265_egen_laege="1").status_code == 302
    _status, answers = _answers(app, _records(app)[0].id)
    assert "lae265_egen_laege" not in answers and answers["lae265_uden"] == 2


def test_required_question_missing_keeps_what_was_typed(app, client, make_user, login, make_round):
    round_id = make_round()
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    response = log_case(client, round_id, "AAL-3", comment="Min bemærkning", q_lae265_tvivl="")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "AAL-3" in html and "Min bemærkning" in html and "error-summary" in html
    assert _records(app) == []


def test_duplicate_case_reference_is_a_field_error_not_a_500(app, client, make_user, login, make_round):
    round_id = make_round()
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    assert log_case(client, round_id, "AAL-9").status_code == 302
    again = log_case(client, round_id, "AAL-9", comment="anden gang")
    assert again.status_code == 200
    assert "allerede registreret" in again.get_data(as_text=True)
    assert len(_records(app)) == 1


def test_same_reference_is_allowed_in_another_municipality(app, client, make_user, login, make_round):
    round_id = make_round()
    for place in ("aalborg", "thisted"):
        _uid, email, password = make_user("team_leader", place)
        fresh = app.test_client()
        login(fresh, email, password)
        assert log_case(fresh, round_id, "SAG-1").status_code == 302
    assert len(_records(app)) == 2


def test_unique_constraint_race_becomes_a_field_error(app, client, make_user, login, make_round, monkeypatch):
    """Two tabs passing the pre-check at once: the database constraint decides, and the user sees why."""
    from app.supervision import service

    round_id = make_round()
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    assert log_case(client, round_id, "RACE-1").status_code == 302
    monkeypatch.setattr(service, "reference_taken", lambda *a, **k: False)
    again = log_case(client, round_id, "RACE-1")
    assert again.status_code == 200
    assert "allerede registreret" in again.get_data(as_text=True)
    assert len(_records(app)) == 1


def test_edit_changes_answers_and_is_audited_with_before_and_after(app, client, make_user, login, make_round):
    round_id = make_round()
    uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    log_case(client, round_id, "AAL-10", comment="før")
    list_cases(app, round_id, ["AAL-10b"])
    record_id = _records(app)[0].id
    data = {"case_reference": "AAL-10b", "comment": "efter", **COMPLETE_ANSWERS, "q_lae265_tvivl": "1"}
    assert post_form(client, f"/tilsyn/sager/{record_id}", data).status_code == 302
    [record] = _records(app)
    assert (record.case_reference, record.comment) == ("AAL-10b", "efter")
    assert _answers(app, record_id)[1]["lae265_tvivl"] == 1
    with app.app_context():
        entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "supervision_record").order_by(AuditEntry.id)))
    assert [e.action for e in entries] == ["create", "update"]
    update = entries[1]
    assert update.user_id == uid and update.entity_id == record_id and update.at is not None
    assert update.before["case_reference"] == "AAL-10" and update.after["case_reference"] == "AAL-10b"
    assert update.before["answers"]["lae265_tvivl"] == 2 and update.after["answers"]["lae265_tvivl"] == 1


def test_edit_form_is_prefilled_from_stored_answers(app, client, make_user, login, make_round):
    round_id = make_round()
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    log_case(client, round_id, "AAL-11", comment="husk mig")
    html = client.get(f"/tilsyn/sager/{_records(app)[0].id}").get_data(as_text=True)
    assert 'value="AAL-11"' in html and "husk mig" in html
    assert re.search(r'<input checked[^>]*name="q_lae265_uden"[^>]*value="1"', html)


def test_delete_removes_record_and_response_and_is_audited(app, client, make_user, login, make_round):
    round_id = make_round()
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    log_case(client, round_id, "AAL-12")
    record_id = _records(app)[0].id
    response = post_form(client, f"/tilsyn/sager/{record_id}", {}, action=f"/tilsyn/sager/{record_id}/slet")
    assert response.status_code == 302
    assert _records(app) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "delete"))
        assert entry.before["case_reference"] == "AAL-12" and entry.after is None


def test_search_matches_reference_and_comment(app, client, make_user, login, make_round):
    round_id = make_round()
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    log_case(client, round_id, "REV-100", comment="borger i jobafklaring")
    log_case(client, round_id, "REV-200", comment="sygedagpenge")
    client.get(f"/tilsyn/runder/{round_id}")  # shows (and clears) the confirmation message
    by_reference = client.get(f"/tilsyn/runder/{round_id}?q=rev-1").get_data(as_text=True)
    assert "REV-100" in by_reference and "REV-200" not in by_reference
    by_comment = client.get(f"/tilsyn/runder/{round_id}?q=SYGEDAG").get_data(as_text=True)
    assert "REV-200" in by_comment and "REV-100" not in by_comment
    wildcard = client.get(f"/tilsyn/runder/{round_id}?q=%25").get_data(as_text=True)
    assert "REV-100" not in wildcard and "REV-200" not in wildcard


def test_closed_round_refuses_new_edits_and_deletes(app, client, make_user, login, make_round):
    round_id = make_round()
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    log_case(client, round_id, "AAL-20")
    record_id = _records(app)[0].id
    with app.app_context():
        from app.models import SupervisionRound

        db.session.get(SupervisionRound, round_id).status = "closed"
        db.session.commit()
    page = client.get(f"/tilsyn/sager/{record_id}")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    edit = client.post(f"/tilsyn/sager/{record_id}", data={"csrf_token": token, "case_reference": "NY",
                                                          "comment": "Skrevet før lukningen", **COMPLETE_ANSWERS})
    delete = client.post(f"/tilsyn/sager/{record_id}/slet", data={"csrf_token": token})
    add = client.get(f"/tilsyn/runder/{round_id}/sager/ny")
    assert delete.status_code == add.status_code == 302
    html = edit.get_data(as_text=True)
    assert edit.status_code == 409 and "Runden blev lukket" in html
    assert 'value="NY"' in html and "Skrevet før lukningen" in html
    assert [r.case_reference for r in _records(app)] == ["AAL-20"]


def test_counts_per_municipality_show_progress(app, client, make_user, login, make_round):
    round_id = make_round()
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    for ref in ("A-1", "A-2", "A-3"):
        log_case(client, round_id, ref)
    from app.models import SupervisionRound
    from app.supervision.service import counts_by_municipality

    with app.app_context():
        counts = {row["municipality"].slug: (row["listed"], row["reviewed"], row["outside"])
                  for row in counts_by_municipality(db.session.get(SupervisionRound, round_id), None)}
    assert counts == {"aalborg": (3, 3, 0), "thisted": (3, 0, 0)}

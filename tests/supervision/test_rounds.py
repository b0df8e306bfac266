"""A coordinator creates, opens, closes and repeats supervision rounds and reads their audit log."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, SupervisionRound
from app.questionnaires.service import latest_version
from tests.supervision.conftest import log_case, post_form


def _version_id(app, slug="revalidering-tilsyn"):
    with app.app_context():
        return latest_version(slug).id


def _rounds(app):
    with app.app_context():
        rounds = list(db.session.scalars(select(SupervisionRound).order_by(SupervisionRound.id)))
        return [(r.label, r.status, sorted(m.slug for m in r.municipalities), r.period_start.isoformat(),
                 r.repeats_id) for r in rounds]


def test_new_round_defaults_to_the_experiments_municipalities_as_a_draft(app, client, make_user, login):
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    page = client.get("/tilsyn/runder/ny").get_data(as_text=True)
    assert "Ledelsestilsyn – tilkendelsesgrundlaget i revalideringssager" in page
    response = post_form(client, "/tilsyn/runder/ny", {
        "questionnaire": str(_version_id(app)), "label": "Juli 2019",
        "period_start": "2019-07-01", "period_end": "2019-07-31"})
    assert response.status_code == 302
    assert _rounds(app) == [("Juli 2019", "draft", ["aalborg", "jammerbugt", "thisted", "vesthimmerland"], "2019-07-01", None)]


def test_new_round_with_chosen_municipalities_and_bad_period(app, client, make_user, login, municipality_id):
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    data = {"questionnaire": str(_version_id(app)), "label": "Juli 2019", "period_start": "2019-07-31",
            "period_end": "2019-07-01", "municipalities": [str(municipality_id("thisted"))]}
    refused = post_form(client, "/tilsyn/runder/ny", data)
    assert refused.status_code == 200 and "slutte før" in refused.get_data(as_text=True)
    data["period_end"] = "2019-08-31"
    assert post_form(client, "/tilsyn/runder/ny", data).status_code == 302
    assert _rounds(app)[0][2] == ["thisted"]


def test_open_close_and_team_leader_sees_round_only_once_opened(app, client, make_user, login, make_round):
    round_id = make_round(status="draft", municipalities=("aalborg",))
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    leader = app.test_client()
    _lid, lemail, lpassword = make_user("team_leader", "aalborg")
    login(leader, lemail, lpassword)
    assert leader.get(f"/tilsyn/runder/{round_id}").status_code == 404
    page = f"/tilsyn/runder/{round_id}"
    assert post_form(client, page, {"status": "open"}, action=f"{page}/status").status_code == 302
    assert leader.get(page).status_code == 200
    assert log_case(leader, round_id, "AAL-1").status_code == 302
    assert post_form(client, page, {"status": "closed"}, action=f"{page}/status").status_code == 302
    assert _rounds(app)[0][1] == "closed"
    assert "Registrér en sag" not in leader.get(page).get_data(as_text=True)
    assert post_form(client, page, {"status": "draft"}, action=f"{page}/status").status_code == 400


def test_repeat_round_suggests_next_year_and_keeps_questionnaire_and_municipalities(app, client, make_user, login, make_round):
    round_id = make_round(status="closed", municipalities=("aalborg", "thisted"), label="Juli 2019")
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    form = client.get(f"/tilsyn/runder/{round_id}/gentag").get_data(as_text=True)
    assert 'value="Juli 2020"' in form and 'value="2020-07-01"' in form and 'value="2020-07-31"' in form
    response = post_form(client, f"/tilsyn/runder/{round_id}/gentag",
                         {"label": "Juli 2020", "period_start": "2020-07-01", "period_end": "2020-07-31"})
    assert response.status_code == 302
    rounds = _rounds(app)
    assert rounds[1] == ("Juli 2020", "draft", ["aalborg", "thisted"], "2020-07-01", round_id)
    with app.app_context():
        first, second = db.session.scalars(select(SupervisionRound).order_by(SupervisionRound.id))
        assert first.questionnaire_version_id == second.questionnaire_version_id


def test_next_label_moves_the_last_year_on():
    from app.supervision.views import _next_label

    assert _next_label("Juli 2019") == "Juli 2020"
    assert _next_label("Runde 2 (juli 2021)") == "Runde 2 (juli 2022)"
    assert _next_label("Første runde") == "Første runde"


def test_coordinator_reads_the_audit_log_of_a_round(app, client, make_user, login, make_round):
    round_id = make_round()
    leader = app.test_client()
    _lid, lemail, lpassword = make_user("team_leader", "aalborg")
    login(leader, lemail, lpassword)
    log_case(leader, round_id, "LOG-1", comment="første")
    other_round = make_round(label="Anden runde")
    log_case(leader, other_round, "ANDEN-1")
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    html = client.get(f"/tilsyn/runder/{round_id}/log").get_data(as_text=True)
    assert "team_leader aalborg registrerede sag LOG-1 (Aalborg, Juli 2019)" in html
    assert "supervision_record" not in html
    assert "ANDEN-1" not in html
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "create")).municipality_id is not None


def test_coordinator_sees_every_municipalitys_counts_and_leader_only_own(app, client, make_user, login, make_round):
    round_id = make_round()
    for place, refs in (("aalborg", ["A-1", "A-2"]), ("thisted", ["T-1"])):
        leader = app.test_client()
        _lid, lemail, lpassword = make_user("team_leader", place)
        login(leader, lemail, lpassword)
        for ref in refs:
            log_case(leader, round_id, ref)
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    html = client.get(f"/tilsyn/runder/{round_id}").get_data(as_text=True)
    assert "Aalborg" in html and "Thisted" in html and "T-1" in html and "A-2" in html
    html = leader.get(f"/tilsyn/runder/{round_id}").get_data(as_text=True)
    assert "T-1" in html and "A-1" not in html and "Aalborg" not in html

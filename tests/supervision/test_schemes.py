"""Evaluation schemes: drafts, submission per phase, read-only phases, CPR guard and the compiled view."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import EvaluationScheme, Experiment, Response
from tests.supervision.conftest import post_form

EXPERIMENT = "revalidering-bevillingsgrundlag"  # Aalborg, Jammerbugt, Thisted, Vesthimmerland
PHASE1 = {f"q_p0{i}": f"Punkt {i} fra kommunen" for i in range(1, 6)}
PHASE2 = {"q_p06": "Ingen justeringer", "q_p07": "Resultater", "q_p08": "Konklusion", "q_p09": "Ingen",
          "q_p10": "Ingen bemærkninger"}


@pytest.fixture
def ids(app):
    with app.app_context():
        experiment = db.session.scalar(select(Experiment).where(Experiment.slug == EXPERIMENT))
        return experiment.id, {m.slug: m.id for m in experiment.municipalities}


@pytest.fixture
def aalborg_leader(app, make_user, login):
    _uid, email, password = make_user("team_leader", "aalborg")
    client = app.test_client()
    login(client, email, password)
    return client


def _url(ids, slug="aalborg"):
    experiment_id, places = ids
    return f"/tilsyn/evalueringsskemaer/{experiment_id}/{places[slug]}"


def _scheme(app):
    with app.app_context():
        scheme = db.session.scalar(select(EvaluationScheme))
        if scheme is None:
            return None
        response = db.session.scalar(select(Response).where(Response.scheme_id == scheme.id))
        return scheme.phase1_submitted_at, scheme.phase2_submitted_at, response.status


def test_draft_is_saved_and_shown_again(app, aalborg_leader, ids):
    url = _url(ids)
    assert post_form(aalborg_leader, url, {"q_p01": "Første udkast", "action": "save"}).status_code == 302
    assert "Første udkast" in aalborg_leader.get(url).get_data(as_text=True)
    assert _scheme(app) == (None, None, "draft")


def test_phase_one_submit_needs_every_point_and_then_locks_it(app, aalborg_leader, ids):
    url = _url(ids)
    incomplete = post_form(aalborg_leader, url, {"q_p01": "Kun punkt 1", "action": "submit"})
    assert incomplete.status_code == 400 and "Udfyld punktet" in incomplete.get_data(as_text=True)
    assert "Kun punkt 1" in incomplete.get_data(as_text=True)
    assert post_form(aalborg_leader, url, {**PHASE1, "action": "submit"}).status_code == 302
    submitted, _phase2, status = _scheme(app)
    assert submitted is not None and status == "draft"
    page = aalborg_leader.get(url).get_data(as_text=True)
    assert 'name="q_p01"' not in page and "Punkt 1 fra kommunen" in page and 'name="q_p06"' in page
    # A phase-1 value posted now is ignored: only phase 2 is editable.
    post_form(aalborg_leader, url, {"q_p01": "Ændret bagefter", "q_p06": "Kladde til 6", "action": "save"})
    page = aalborg_leader.get(url).get_data(as_text=True)
    assert "Ændret bagefter" not in page and "Kladde til 6" in page


def test_phase_two_only_after_phase_one_and_then_all_read_only(app, aalborg_leader, ids):
    url = _url(ids)
    post_form(aalborg_leader, url, {**PHASE2, "action": "save"})
    assert "Ingen justeringer" not in aalborg_leader.get(url).get_data(as_text=True)  # phase 2 not editable yet
    post_form(aalborg_leader, url, {**PHASE1, "action": "submit"})
    assert post_form(aalborg_leader, url, {**PHASE2, "action": "submit"}).status_code == 302
    assert _scheme(app)[2] == "submitted"
    page = aalborg_leader.get(url)
    assert "<textarea" not in page.get_data(as_text=True)
    from tests.conftest import extract_csrf

    token = extract_csrf(page.get_data(as_text=True))
    assert aalborg_leader.post(url, data={"csrf_token": token, "q_p10": "x", "action": "save"}).status_code == 409


def test_cpr_in_one_point_refuses_the_save_and_keeps_every_other_text(app, aalborg_leader, ids):
    url = _url(ids)
    data = {**PHASE1, "q_p03": "Borger 010203-1234 deltog", "action": "save"}
    refused = post_form(aalborg_leader, url, data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "CPR" in html
    assert all(value in html for key, value in PHASE1.items() if key != "q_p03")
    assert _scheme(app) is None


def test_other_municipalitys_scheme_is_404(app, aalborg_leader, ids):
    assert aalborg_leader.get(_url(ids, "thisted")).status_code == 404
    experiment_id, _places = ids
    with app.app_context():
        from app.models import Municipality

        rebild = db.session.scalar(select(Municipality.id).where(Municipality.slug == "rebild"))
    assert aalborg_leader.get(f"/tilsyn/evalueringsskemaer/{experiment_id}/{rebild}").status_code == 404
    assert aalborg_leader.get(f"/tilsyn/evalueringsskemaer/{experiment_id}/samlet").status_code == 403


def test_coordinator_sees_schemes_compiled_point_by_point(app, make_user, login, ids, client):
    texts = {"aalborg": "Aalborg fritager fra LÆ265", "thisted": "Thisted <script>alert(1)</script>"}
    for slug, text in texts.items():
        _uid, email, password = make_user("team_leader", slug)
        leader = app.test_client()
        login(leader, email, password)
        post_form(leader, _url(ids, slug), {**PHASE1, "q_p01": text, "action": "submit"})
    _cid, email, password = make_user("coordinator")
    login(client, email, password)
    experiment_id, _places = ids
    html = client.get(f"/tilsyn/evalueringsskemaer/{experiment_id}/samlet").get_data(as_text=True)
    point1, point2 = html.index("1. Beskrivelse af forsøget"), html.index("2. Formål med forsøget")
    section = html[point1:point2]
    # Under point 1, each municipality in turn (alphabetical), with its own answer.
    assert section.index("Aalborg") < section.index(texts["aalborg"]) < section.index("Jammerbugt") \
        < section.index("Thisted") < section.index("Thisted &lt;script&gt;")
    assert "<script>alert(1)</script>" not in html
    assert html.index("10. Bemærkninger i øvrigt") > point2
    # The workbook of every experiment's schemes is one button away (an export job).
    assert 'action="/resultater/eksport"' in html and 'name="exporter" value="schemes"' in html
    listing = client.get("/tilsyn/evalueringsskemaer").get_data(as_text=True)
    assert "fase 1 indsendt" in listing and "ikke påbegyndt" in listing


def test_a_parallel_first_save_keeps_one_scheme(app, aalborg_leader, ids, monkeypatch):
    """Two first saves at once: the second finds no scheme, tries to create one, and uses the first's."""
    from app.supervision import schemes

    url = _url(ids)
    post_form(aalborg_leader, url, {"q_p01": "Første", "action": "save"})
    monkeypatch.setattr(schemes, "find_scheme", lambda *_args: None)
    assert post_form(aalborg_leader, url, {"q_p01": "Anden", "action": "save"}).status_code == 302
    with app.app_context():
        assert len(list(db.session.scalars(select(EvaluationScheme)))) == 1
        assert len(list(db.session.scalars(select(Response)))) == 1
    monkeypatch.undo()
    assert "Anden" in aalborg_leader.get(url).get_data(as_text=True)


@pytest.mark.parametrize("typed", ["010203\u20131234", "01 02 03 1234", "010203/1234"])
def test_cpr_typed_with_other_separators_in_a_point_is_refused(app, aalborg_leader, ids, typed):
    refused = post_form(aalborg_leader, _url(ids), {**PHASE1, "q_p03": f"Borger {typed} deltog", "action": "save"})
    assert refused.status_code == 400 and "CPR" in refused.get_data(as_text=True)
    assert _scheme(app) is None


def test_compiled_page_marks_a_draft_apart_from_a_submitted_answer(app, make_user, login, aalborg_leader, ids,
                                                                    client):
    post_form(aalborg_leader, _url(ids), {**PHASE1, "action": "submit"})
    post_form(aalborg_leader, _url(ids), {**PHASE2, "q_p07": "Foreløbige resultater", "action": "save"})
    _cid, email, password = make_user("coordinator")
    login(client, email, password)
    experiment_id, _places = ids
    html = client.get(f"/tilsyn/evalueringsskemaer/{experiment_id}/samlet").get_data(as_text=True)
    point1 = html[html.index("1. Beskrivelse af forsøget"):html.index("2. Formål med forsøget")]
    point7 = html[html.index("7. Forsøgets resultater"):html.index("8. Konklusion")]
    assert "Foreløbige resultater" in point7
    draft = point7[point7.index("Aalborg"):point7.index("Foreløbige resultater")]
    assert "Kladde, ikke indsendt" in draft
    submitted = point1[point1.index("Aalborg"):point1.index("Punkt 1 fra kommunen")]
    assert "Indsendt " in submitted and "Kladde" not in submitted
    # a municipality that has not started is no draft
    assert "Kladde" not in point7[point7.index("Jammerbugt"):]

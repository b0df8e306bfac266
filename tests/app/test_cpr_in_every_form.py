"""A CPR number is refused in every typed text field of the app's own forms, with the field's error, and
nothing is stored; passwords and hidden fields are not text that is shown or kept."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, PasswordField, StringField, TextAreaField

from app.extensions import db
from app.forms_base import Form
from app.models import Municipality, Respondent, User, Wave
from app.questionnaires.service import latest_version
from tests.conftest import extract_csrf
from tests.waves.factories import T0, add_wave, open_wave_with_invitations

CPR = "010203-1234"
MESSAGE = "Teksten ser ud til at indeholde et CPR-nummer. Fjern det, og gem igen."


def _coordinator(client, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)


def _post(client, path: str, data: dict, page: str):
    token = extract_csrf(client.get(page).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=True)


def test_the_base_form_refuses_it_in_text_and_leaves_passwords_and_hidden_fields_alone(app):
    class Sample(Form):
        name = StringField()
        note = TextAreaField()
        secret = PasswordField()
        token = HiddenField()

    with app.test_request_context():
        typed = Sample(formdata=MultiDict({"name": f"Anna {CPR}", "note": "ok", "secret": CPR, "token": CPR}),
                       meta={"csrf": False})
        assert not typed.validate()
        assert typed.errors == {"name": [MESSAGE]}
        ten_digits = Sample(formdata=MultiDict({"note": "0102031234"}), meta={"csrf": False})
        assert not ten_digits.validate() and ten_digits.errors == {"note": [MESSAGE]}
        clean = Sample(formdata=MultiDict({"name": "Anna", "note": "Sag 2019-0042", "secret": CPR}),
                       meta={"csrf": False})
        assert clean.validate()


def test_a_wave_name_with_a_cpr_number_is_refused_and_no_wave_is_planned(app, client, make_user, login):
    _coordinator(client, make_user, login)
    with app.app_context():
        version_id = latest_version("ledighedsydelse-raadgiver").id
        aalborg = db.session.scalar(select(Municipality.id).where(Municipality.slug == "aalborg"))
    page = client.get("/runder/ny").get_data(as_text=True)
    response = client.post("/runder/ny", data={
        "csrf_token": extract_csrf(page), "version_id": version_id, "label": f"Januar {CPR}",
        "label_en": "January", "opens_local": "2027-01-11T09:00", "closes_local": "2027-02-01T12:00",
        "municipality_ids": [aalborg], "reminder_days": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and MESSAGE in html
    assert f"Januar {CPR}" in html  # what was typed is kept in the form
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Wave)) == 0


def test_an_english_wave_name_with_a_cpr_number_is_refused(app, client, make_user, login):
    _coordinator(client, make_user, login)
    with app.app_context():
        wave = add_wave(status="closed")
        db.session.commit()
        wave_id = wave.id
    done = _post(client, f"/runder/{wave_id}/engelsk-navn", {"label_en": f"Winter {CPR}"}, f"/runder/{wave_id}")
    assert MESSAGE in done.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Wave, wave_id).label_en is None


def test_a_user_invited_under_a_cpr_number_is_refused(app, client, make_user, login):
    _coordinator(client, make_user, login)
    with app.app_context():
        aalborg = db.session.scalar(select(Municipality.id).where(Municipality.slug == "aalborg"))
        users = db.session.scalar(select(func.count()).select_from(User))
    response = _post(client, "/brugere/inviter", {"name": f"Nina {CPR}", "email": "nina@example.dk",
                                                  "role": "team_leader", "municipality_id": aalborg},
                     "/brugere/inviter")
    assert MESSAGE in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == users


def test_an_exclusion_reason_with_a_cpr_number_is_refused(app, client, make_user, login):
    _coordinator(client, make_user, login)
    with app.app_context():
        _wave, pairs = open_wave_with_invitations({"aalborg": 1}, municipalities=("aalborg",))
        db.session.commit()
        rid = pairs[0][0].respondent_id
    response = _post(client, f"/respondenter/{rid}/udeluk", {"reason": f"Fratrådt, se {CPR}"}, f"/respondenter/{rid}")
    assert MESSAGE in response.get_data(as_text=True)
    with app.app_context():
        person = db.session.get(Respondent, rid)
        assert person.active and not person.excluded_reason


def test_a_postponement_reason_with_a_cpr_number_is_refused(app, client, make_user, login):
    _coordinator(client, make_user, login)
    with app.app_context():
        wave = add_wave(status="closed")
        wave.closed_at = T0
        db.session.commit()
        wave_id = wave.id
    url = f"/personoplysninger/runde/{wave_id}/udskyd"
    until = (T0 + timedelta(days=2000)).date().isoformat()
    response = _post(client, url, {"until": until, "reason": f"Klagesag for {CPR}"}, url)
    assert MESSAGE in response.get_data(as_text=True)
    with app.app_context():
        assert not db.session.get(Wave, wave_id).retention_postpone_reason

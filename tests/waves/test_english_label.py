"""A wave's English label: set when planning or on any wave's page, shown on English pages and documents,
the Danish label everywhere else."""
from __future__ import annotations

from datetime import datetime, timezone

import docx
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Municipality, Wave
from app.questionnaires.service import latest_version
from tests.conftest import extract_csrf
from tests.results.factory import add_responses, make_wave, municipality_ids
from tests.waves.factories import add_wave

SLUG = "ledighedsydelse-raadgiver"


def _coordinator(client, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)


def _english(client) -> None:
    page = client.get("/").get_data(as_text=True)
    client.post("/sprog", data={"csrf_token": extract_csrf(page), "lang": "en", "next": "/"})


def test_planning_a_wave_keeps_its_english_label(app, client, make_user, login):
    _coordinator(client, make_user, login)
    with app.app_context():
        version_id = latest_version(SLUG).id
        aalborg = db.session.scalar(select(Municipality.id).where(Municipality.slug == "aalborg"))
    page = client.get("/runder/ny").get_data(as_text=True)
    assert 'id="label_en"' in page
    response = client.post("/runder/ny", data={
        "csrf_token": extract_csrf(page), "version_id": version_id, "label": "Januar 2027",
        "label_en": "  January 2027 ", "opens_local": "2027-01-11T09:00", "closes_local": "2027-02-01T12:00",
        "municipality_ids": [aalborg], "reminder_days": ""})
    assert response.status_code == 302
    with app.app_context():
        wave = db.session.scalar(select(Wave))
        assert (wave.label, wave.label_en) == ("Januar 2027", "January 2027")
        assert wave.label_in("en") == "January 2027" and wave.label_in("da") == "Januar 2027"
        wave_id = wave.id
    edit = client.get(f"/runder/{wave_id}/rediger").get_data(as_text=True)
    assert 'value="January 2027"' in edit


def test_a_closed_wave_gets_an_english_label_on_its_page_and_the_log_says_so(app, client, make_user, login):
    _coordinator(client, make_user, login)
    with app.app_context():
        wave = add_wave(status="closed")
        db.session.commit()
        wave_id, label = wave.id, wave.label
    page = client.get(f"/runder/{wave_id}").get_data(as_text=True)
    assert f'action="/runder/{wave_id}/engelsk-navn"' in page
    done = client.post(f"/runder/{wave_id}/engelsk-navn", data={"csrf_token": extract_csrf(page),
                                                               "label_en": "Winter 2019"}, follow_redirects=True)
    assert "Det engelske navn er gemt." in done.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Wave, wave_id).label_en == "Winter 2019"
        assert db.session.get(Wave, wave_id).label == label
    assert f'gav runden {label} det engelske navn "Winter 2019"' in client.get("/log/").get_data(as_text=True).replace(
        "&#34;", '"').replace("&quot;", '"')

    removed = client.post(f"/runder/{wave_id}/engelsk-navn", data={"csrf_token": extract_csrf(page), "label_en": " "},
                          follow_redirects=True)
    assert "Det engelske navn er fjernet." in removed.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Wave, wave_id).label_en is None


def test_the_english_label_needs_the_form_token_and_a_coordinator(app, client, make_user, login):
    with app.app_context():
        wave = add_wave(status="closed")
        db.session.commit()
        wave_id = wave.id
    _id, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    page = client.get("/").get_data(as_text=True)
    assert client.post(f"/runder/{wave_id}/engelsk-navn", data={"csrf_token": extract_csrf(page),
                                                               "label_en": "X"}).status_code == 403
    client.post("/logout", data={"csrf_token": extract_csrf(page)})
    _coordinator(client, make_user, login)
    refused = client.post(f"/runder/{wave_id}/engelsk-navn", data={"label_en": "Uden token"})
    assert refused.status_code in (302, 400)
    too_long = client.post(f"/runder/{wave_id}/engelsk-navn", data={
        "csrf_token": extract_csrf(client.get(f"/runder/{wave_id}").get_data(as_text=True)), "label_en": "x" * 121})
    assert too_long.status_code == 302
    with app.app_context():
        assert db.session.get(Wave, wave_id).label_en is None


@pytest.fixture
def named_waves(app):
    with app.app_context():
        ids = municipality_ids()
        for label, english, opens in (("Januar 2019", "January 2019", datetime(2019, 1, 7, 7, tzinfo=timezone.utc)),
                                      ("Sommer 2020", None, datetime(2020, 6, 1, 6, tzinfo=timezone.utc))):
            wave_id = make_wave(SLUG, label, opens, [ids["aalborg"]])
            db.session.get(Wave, wave_id).label_en = english
            add_responses(wave_id, ids["aalborg"], [{"ly_forenklet": c, "ly_kvalitet": 3} for c in (1, 2, 4, 5, 5, 3)])
        db.session.commit()


def test_the_english_results_page_shows_the_english_label_and_the_danish_one_where_none_is_given(
        app, client, make_user, login, named_waves):
    _coordinator(client, make_user, login)
    danish = client.get(f"/resultater/survey/{SLUG}").get_data(as_text=True)
    assert "Januar 2019" in danish and "January 2019" not in danish
    _english(client)
    english = client.get(f"/resultater/survey/{SLUG}").get_data(as_text=True)
    assert "January 2019" in english and "Januar 2019" not in english
    assert "Sommer 2020" in english  # no English label given: the Danish one


@pytest.mark.libreoffice
def test_the_english_appendix_names_the_waves_in_english(app, runner, named_waves, tmp_path):
    for language, shown, hidden in (("en", "January 2019", "Januar 2019"), ("da", "Januar 2019", "January 2019")):
        out = tmp_path / f"bilag-{language}.docx"
        result = runner.invoke(args=["export", "report", "survey", "--questionnaire", SLUG, "--language", language,
                                     "-o", str(out)])
        assert result.exit_code == 0, result.output
        document = docx.Document(str(out))
        text = "\n".join([p.text for p in document.paragraphs]
                         + [c.text for t in document.tables for row in t.rows for c in row.cells])
        assert shown in text and hidden not in text, language

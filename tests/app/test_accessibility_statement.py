"""The accessibility statement: linked from every footer, with what the law asks for, in Danish and English."""
from __future__ import annotations

import pytest

from tests.answering.helpers import open_wave, start
from tests.conftest import extract_csrf

LINK = 'href="/tilgaengelighed"'


def _english(client):
    token = extract_csrf(client.get("/login").get_data(as_text=True))
    client.post("/sprog", data={"lang": "en", "next": "/login", "csrf_token": token})


def test_the_statement_holds_what_the_law_asks_for_in_danish(client):
    response = client.get("/tilgaengelighed")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for part in ("Tilgængelighedserklæring for Bølge", "WCAG 2.1 niveau AA", "overholder delvist",
                 "Indhold, der ikke er tilgængeligt", "Sådan er erklæringen udarbejdet", "selvevaluering",
                 "Feedback og kontakt", "Klage", "Digitaliseringsstyrelsen", "https://digst.dk/"):
        assert part in html, part


def test_the_statement_is_complete_in_english(client):
    _english(client)
    html = client.get("/tilgaengelighed").get_data(as_text=True)
    assert '<html lang="en">' in html
    for part in ("Accessibility statement for Bølge", "WCAG 2.1 level AA", "partially compliant",
                 "Non-accessible content", "Preparation of this statement", "self-assessment",
                 "Feedback and contact", "Enforcement", "Danish Agency for Digital Government"):
        assert part in html, part


def test_the_contact_address_comes_from_the_settings(app, client):
    app.config["ACCESSIBILITY_CONTACT_EMAIL"] = "tilgaengelighed@aalborg.dk"
    assert 'href="mailto:tilgaengelighed@aalborg.dk"' in client.get("/tilgaengelighed").get_data(as_text=True)


def test_every_footer_links_to_the_statement(app, client, make_user, login):
    assert LINK in client.get("/login").get_data(as_text=True)
    assert LINK in client.get("/svar/ugyldigt-link").get_data(as_text=True)
    _wave, [(_id, token), *_] = open_wave(app)
    assert LINK in start(app.test_client(), token).get_data(as_text=True)
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    for path in ("/", "/runder/", "/personoplysninger/", "/tilgaengelighed"):
        assert LINK in client.get(path).get_data(as_text=True), path


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_statement_is_public_and_changes_nothing(client):
    assert client.get("/tilgaengelighed").status_code == 200
    assert client.post("/tilgaengelighed").status_code in (400, 405)

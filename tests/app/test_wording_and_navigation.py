"""Wording and navigation: plurals through ngettext, one word for required, the current page marked."""
from __future__ import annotations

import io
import re

from tests.conftest import extract_csrf
from tests.supervision.conftest import make_round  # noqa: F401  (fixture)


def _current(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page"', html)


def test_the_navigation_marks_the_current_page(app, client, make_user, login):
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    assert _current(client.get("/").get_data(as_text=True)) == ["/"]
    assert _current(client.get("/runder/").get_data(as_text=True)) == ["/runder/"]
    assert _current(client.get("/runder/respondenter").get_data(as_text=True)) == ["/runder/"]
    assert _current(client.get("/tilsyn/evalueringsskemaer").get_data(as_text=True)) == ["/tilsyn/evalueringsskemaer"]
    assert _current(client.get("/personoplysninger/").get_data(as_text=True)) == ["/personoplysninger/"]


def test_one_respondent_imported_is_said_in_the_singular(app, client, make_user, login):
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    page = client.get("/runder/respondenter")
    response = client.post("/runder/respondenter", content_type="multipart/form-data", follow_redirects=True, data={
        "csrf_token": extract_csrf(page.get_data(as_text=True)),
        "file": (io.BytesIO("navn,e-mail,kommune\nAnna,anna@example.dk,Aalborg\n".encode()), "r.csv")})
    html = response.get_data(as_text=True)
    assert "1 respondent oprettet og 0 opdateret." in html and "1 respondenter" not in html


def test_one_new_respondent_invited_is_said_in_the_singular(app, client, make_user, login):
    from datetime import timedelta

    from app.extensions import db
    from app.models import utcnow
    from tests.waves.factories import add_respondents, open_wave_with_invitations

    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    with app.app_context():
        wave, _inv = open_wave_with_invitations(opens=utcnow() - timedelta(days=1), closes=utcnow() + timedelta(days=5))
        add_respondents({"aalborg": 1}, prefix="ny")
        db.session.commit()
        wave_id = wave.id
    page = client.get(f"/runder/{wave_id}")
    action = re.search(r'action="(/runder/\d+/[^"]+)"><input type="hidden" name="csrf_token" value="[^"]+"><button '
                       r'type="submit">Inviter nye respondenter', page.get_data(as_text=True)).group(1)
    html = client.post(action, data={"csrf_token": extract_csrf(page.get_data(as_text=True))},
                       follow_redirects=True).get_data(as_text=True)
    assert "1 ny respondent er inviteret; invitationen sendes af planlæggeren." in html


def test_required_questions_and_fields_are_marked_with_the_same_words(app, client, make_user, login, make_round):
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    html = client.get(f"/tilsyn/runder/{make_round()}/sager/ny").get_data(as_text=True)
    assert "(skal besvares)" not in html
    assert html.count("(skal udfyldes)") >= 2  # the case reference and the questions


def _menu(html: str) -> tuple[list[str], list[str], list[str]]:
    """(the work list, the administration list, the header's account link) by label."""
    nav = re.search(r'<nav aria-label="Hovedmenu">(.*?)</nav>', html, re.S).group(1)
    lists = re.findall(r'<ul class="nav"[^>]*>(.*?)</ul>', nav, re.S)
    labels = [re.findall(r"<a [^>]*>([^<]+)</a>", block) for block in lists]
    account = re.findall(r'<a href="[^"]+"[^>]*class="account-link">([^<]+)</a>', html)
    return labels[0], labels[1] if len(labels) > 1 else [], account


def test_the_menu_puts_the_daily_work_first_and_administration_apart(app, client, make_user, login):
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    work, admin, account = _menu(client.get("/").get_data(as_text=True))
    assert work == ["Forside", "Runder og besvarelser", "Ledelsestilsyn", "Evalueringsskemaer", "Resultater",
                    "Spørgeskemaer"]
    assert admin == ["Respondenter", "Brugere", "Ændringslog", "Personoplysninger"]
    assert account == ["Min konto"]
    assert _current(client.get("/brugere/").get_data(as_text=True)) == ["/brugere/"]
    assert _current(client.get("/konto").get_data(as_text=True)) == ["/konto"]


def test_a_team_leader_has_no_administration_in_the_menu(app, client, make_user, login):
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    html = client.get("/").get_data(as_text=True)
    work, admin, account = _menu(html)
    assert work == ["Forside", "Ledelsestilsyn", "Evalueringsskemaer", "Resultater"]
    assert admin == [] and "Administration" not in html
    assert account == ["Min konto"]

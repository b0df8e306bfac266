"""Importing respondents: row-by-row errors, nothing imported until clean, matched by e-mail."""
from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import select

from app.extensions import db
from app.models import Respondent
from tests.conftest import extract_csrf


def _upload(client, name: str, content: bytes):
    page = client.get("/runder/respondenter")
    return client.post("/runder/respondenter", content_type="multipart/form-data",
                       data={"csrf_token": extract_csrf(page.get_data(as_text=True)),
                             "file": (io.BytesIO(content), name)})


def _people(app):
    with app.app_context():
        return {(r.email, r.name, r.municipality.slug, r.team) for r in db.session.scalars(select(Respondent))}


def _login(client, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)


def test_bad_rows_are_reported_row_by_row_and_nothing_is_imported(app, client, make_user, login):
    _login(client, make_user, login)
    csv = ("navn;e-mail;kommune;team\n"
           "Anne Nielsen;anne@aalborg.dk;Aalborg;Ledighedsydelse\n"
           "Lars Jensen;ikke-en-mail;Rebild;\n"
           "Pia Hansen;pia@x.dk;Atlantis;\n"
           "Anne Igen;ANNE@aalborg.dk;851;\n"
           "<script>alert(1)</script>;s@x.dk;Thisted;\n").encode()
    response = _upload(client, "folk.csv", csv)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Intet er importeret" in html
    assert "Række 3" in html and "ugyldig e-mailadresse" in html
    assert "Række 4" in html and "ukendt kommune" in html
    assert "Række 5" in html and "række 2" in html
    assert "Række 2:" not in html and "<script>alert" not in html
    assert _people(app) == set()


def test_a_clean_file_imports_and_a_second_import_updates_by_email(app, client, make_user, login):
    _login(client, make_user, login)
    first = "name,email,municipality,team\nAnne Nielsen,anne@aalborg.dk,aalborg,Team A\nLars Jensen,lars@rebild.dk,Rebild,\n"
    assert _upload(client, "folk.csv", first.encode("utf-8-sig")).status_code == 302
    book = Workbook()
    sheet = book.active
    sheet.append(["Navn", "E-mail", "Kommune", "Team"])
    sheet.append(["Anne Nielsen-Berg", "Anne@Aalborg.dk", "Aalborg", "Team B"])
    sheet.append(["Mads Olsen", "mads@thisted.dk", 787, None])
    buffer = io.BytesIO()
    book.save(buffer)
    assert _upload(client, "folk.xlsx", buffer.getvalue()).status_code == 302
    assert _people(app) == {("anne@aalborg.dk", "Anne Nielsen-Berg", "aalborg", "Team B"),
                            ("lars@rebild.dk", "Lars Jensen", "rebild", None),
                            ("mads@thisted.dk", "Mads Olsen", "thisted", None)}


def test_a_file_without_the_needed_columns_is_refused(app, client, make_user, login):
    _login(client, make_user, login)
    response = _upload(client, "folk.csv", b"foo,bar\n1,2\n")
    assert response.status_code == 422 and "Kolonnerne navn, e-mail og kommune" in response.get_data(as_text=True)

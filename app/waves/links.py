"""The personal links of a wave as a spreadsheet, for handing out through another channel."""
from __future__ import annotations

import io

from sqlalchemy import select

from app.extensions import db
from app.models import Invitation, Municipality, Respondent, Response, Wave
from app.waves.mails import personal_link

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "{=")


def safe_text(value: str | None) -> str:
    """Text that a spreadsheet never reads as a formula: a risky first character gets a ' prefix."""
    value = value or ""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def links_workbook(wave: Wave) -> bytes:
    """An .xlsx with name, e-mail, municipality, personal link and whether the person has answered."""
    import xlsxwriter  # here: the pages and commands that never write a workbook need not load it

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    sheet = book.add_worksheet("Links")
    bold = book.add_format({"bold": True})
    headers = ["Navn", "E-mail", "Kommune", "Personligt link", "Besvaret"]
    for col, title in enumerate(headers):
        sheet.write_string(0, col, title, bold)
    rows = db.session.execute(
        select(Invitation, Respondent.name, Respondent.email, Municipality.name, Response.status)
        .join(Respondent, Respondent.id == Invitation.respondent_id)
        .join(Municipality, Municipality.id == Invitation.municipality_id)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(Invitation.wave_id == wave.id)
        .order_by(Municipality.name, Respondent.name))
    for number, (invitation, name, email, place, status) in enumerate(rows, start=1):
        values = [name, email, place, personal_link(invitation), "ja" if status == "submitted" else "nej"]
        for col, value in enumerate(values):
            sheet.write_string(number, col, safe_text(value))
    sheet.set_column(0, 2, 24)
    sheet.set_column(3, 3, 70)
    book.close()
    return buffer.getvalue()

"""Hardening: tokens never reach the logs, oversized uploads are refused, odd dates are form errors."""
from __future__ import annotations

import io
import logging

import pytest

from app.security import redact
from tests.conftest import extract_csrf

TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd"


def test_error_reports_from_the_app_logger_carry_no_whole_token(app, caplog):
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        app.logger.error(f"Exception on /s/{TOKEN} [GET]")
    assert TOKEN not in caplog.text
    assert "/s/AbCdEf…" in caplog.text


def test_a_signed_reset_token_with_dots_is_redacted_whole():
    line = '"GET /reset/eyJ1IjoxfQ.ZxYz12.c2lnbmF0dXJlLXBhcnQ HTTP/1.1" 200'
    assert redact(line) == '"GET /reset/eyJ1Ij… HTTP/1.1" 200'


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_upload_over_the_limit_gets_a_clear_413_page(app, client, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    app.config["MAX_CONTENT_LENGTH"] = 1024
    page = client.get("/runder/respondenter")
    response = client.post("/runder/respondenter", content_type="multipart/form-data", data={
        "csrf_token": extract_csrf(page.get_data(as_text=True)),
        "file": (io.BytesIO(b"navn,e-mail,kommune\n" + b"x" * 4096), "stor.csv")})
    assert response.status_code == 413
    assert "Filen er for stor" in response.get_data(as_text=True)


def test_a_wave_date_outside_the_supported_years_is_a_form_error(app, client, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    page = client.get("/runder/ny")
    response = client.post("/runder/ny", data={"csrf_token": extract_csrf(page.get_data(as_text=True)),
                                               "label": "Gammel", "opens_local": "0001-01-01T00:30",
                                               "closes_local": "9999-12-31T23:30", "reminder_days": "7"})
    assert response.status_code == 422
    assert "Vælg et år mellem 2000 og 2100." in response.get_data(as_text=True)

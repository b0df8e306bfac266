"""The demo has one open wave and prints a personal link that works."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Invitation, Message, Wave


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_demo_opens_a_wave_and_prints_a_working_personal_link(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    link = re.search(r"http://localhost(/s/[A-Za-z0-9_\-]+)", result.output)
    assert link, result.output
    with app.app_context():
        wave = db.session.scalar(select(Wave).where(Wave.status == "open"))
        assert wave.label == "Efterår 2026" and wave.repeats is not None
        invited = db.session.scalar(select(func.count()).select_from(Invitation).where(Invitation.wave_id == wave.id))
        assert invited == 73
        assert db.session.scalar(select(func.count()).select_from(Message).where(Message.purpose == "invitation")) == 73
    client = app.test_client()
    assert client.get(link.group(1)).status_code == 302
    assert "I hvor høj grad har fritagelse" in client.get("/svar").get_data(as_text=True)
    again = runner.invoke(args=["demo", "--if-empty"])
    assert link.group(0) in again.output

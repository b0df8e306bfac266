"""Waves opening on the nights Copenhagen changes to and from summer time open exactly once."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Invitation, Message, Wave
from app.scheduler import tick
from app.waves.clock import days_after, local_to_utc, utc_to_local
from tests.waves.factories import add_respondents, add_wave

UTC = timezone.utc


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("local", "expected_utc"), [
    (datetime(2026, 3, 29, 2, 30), datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),   # in the spring gap
    (datetime(2026, 10, 25, 2, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),  # the autumn fold: first one
    (datetime(2026, 7, 1, 9, 0), datetime(2026, 7, 1, 7, 0, tzinfo=UTC)),
    (datetime(2026, 1, 7, 9, 0), datetime(2026, 1, 7, 8, 0, tzinfo=UTC)),
])
def test_local_planning_times_become_one_utc_instant(ctx, local, expected_utc):
    assert local_to_utc(local) == expected_utc


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_reminder_a_week_later_keeps_the_local_clock_time_across_the_change(ctx):
    opens = local_to_utc(datetime(2026, 3, 25, 9, 0))  # winter time
    assert utc_to_local(days_after(opens, 7)) == datetime(2026, 4, 1, 9, 0)  # summer time, still 09:00


@pytest.mark.parametrize("night", [datetime(2026, 3, 29, 2, 30), datetime(2026, 10, 25, 2, 30)],
                         ids=["spring-forward", "autumn-fold"])
def test_a_wave_opening_on_the_night_of_the_change_opens_once(app, smtp_server, night):
    app.config.update(smtp_server.config())
    with app.app_context():
        add_respondents({"aalborg": 4})
        wave = add_wave(opens=local_to_utc(night), municipalities=("aalborg",))
        wave_id = wave.id
        db.session.commit()
    start = datetime(night.year, night.month, night.day, tzinfo=UTC) - timedelta(hours=2)
    opened = []
    for step in range(8 * 6):  # every 10 minutes through the night, wall clock doing what it does
        now = start + timedelta(minutes=10 * step)
        with app.app_context():
            report = tick(now)
            opened += [(now, label) for label in report.opened]
    assert len(opened) == 1
    with app.app_context():
        wave = db.session.get(Wave, wave_id)
        assert wave.opened_at == opened[0][0] and wave.opened_at >= wave.opens_at
        assert wave.opened_at - wave.opens_at < timedelta(minutes=10)
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 4
        assert db.session.scalar(select(func.count()).select_from(Message)) == 4
    assert len(smtp_server.recipients()) == 4 == len(set(smtp_server.recipients()))

"""CPR numbers are refused in case references and comments through the real record form; look-alikes pass."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import SupervisionRecord
from tests.forms.test_cpr import ATTACK_VARIANTS, HARMLESS_NUMBERS
from tests.supervision.conftest import log_case

TRUE_POSITIVES = [
    "010203-1234",      # DDMMYY-SSSS
    "0102031234",       # ten digits forming a date
    "sag 311299 4321",  # with a space
    "290200-4010",      # 29 February in a leap year
    "150820-4001",      # a post-2007 number that fails modulus 11 is still refused
    "010203\u20131234",  # an en dash, as a word processor puts it
    "010203\u20111234",  # a non-breaking hyphen
    "\uff10\uff11\uff10\uff12\uff10\uff13-\uff11\uff12\uff13\uff14",  # full-width digits
    "010203/1234",
    "01 02 03 1234",
    *ATTACK_VARIANTS,
]
FALSE_POSITIVES = [
    "98 12 34 56",       # a phone number
    "+45 98123456",      # a phone number with country code
    "2019-1234-5678",    # a case number that is not a date
    "321299-1234",       # day 32 does not exist
    "011399-1234",       # month 13 does not exist
    "AAL-REV-2019-001",
    *HARMLESS_NUMBERS,
]


@pytest.fixture
def leader(app, make_user, login, make_round):
    _uid, email, password = make_user("team_leader", "aalborg")
    client = app.test_client()
    login(client, email, password)
    return client, make_round()


def _references(app):
    with app.app_context():
        return [r.case_reference for r in db.session.scalars(select(SupervisionRecord))]


# Each test walks through its list on one database: one app per value would cost seconds each.

def test_cpr_in_case_reference_is_refused_with_the_rest_kept(app, leader):
    client, round_id = leader
    for value in TRUE_POSITIVES:
        response = log_case(client, round_id, value, comment="Bemærkning bevares")
        html = response.get_data(as_text=True)
        assert response.status_code == 200, value
        assert "ligner et CPR-nummer" in html and "Bemærkning bevares" in html, value
        assert re.search(r'<input checked[^>]*name="q_lae265_uden"[^>]*value="1"', html)  # answers kept
    assert _references(app) == []


def test_cpr_in_comment_is_refused(app, leader):
    client, round_id = leader
    for value in TRUE_POSITIVES:
        response = log_case(client, round_id, "AAL-OK-1", comment=f"Borgeren {value} er set")
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "CPR-nummer" in html and 'value="AAL-OK-1"' in html, value
    assert _references(app) == []


def test_look_alikes_are_accepted(app, leader):
    client, round_id = leader
    for value in FALSE_POSITIVES:
        assert log_case(client, round_id, value, comment=f"Ring på {value}").status_code == 302, value
    assert sorted(_references(app)) == sorted(FALSE_POSITIVES)

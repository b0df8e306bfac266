"""The link throttle limits wrong tokens per client without ever refusing a valid link."""
from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.models import utcnow
from app.waves.service import public_token
from tests.answering.helpers import open_wave
from tests.waves.factories import add_wave

WRONG = "/s/" + "w" * 43


def _public_link(app) -> str:
    with app.app_context():
        wave = add_wave(slug="borgertilfredshed", status="open", opens=utcnow() - timedelta(days=1),
                        closes=utcnow() + timedelta(days=5), municipalities=())
        link = f"/p/{public_token(wave)}"
        db.session.commit()
        return link


def _exhaust(client, app, **environ) -> None:
    for _ in range(app.config["TOKEN_MAX_FAILURES"]):
        client.get(WRONG, environ_base=environ)
    assert client.get(WRONG, environ_base=environ).status_code == 429


def test_valid_personal_and_public_links_work_from_an_address_that_guessed_wrong(app):
    _wave, [(_i, token), (_j, other), *_] = open_wave(app)
    public = _public_link(app)
    guesser = app.test_client()
    _exhaust(guesser, app, REMOTE_ADDR="10.0.0.7")
    for link in (f"/s/{token}", public, f"/s/{other}"):
        neighbour = app.test_client()  # another person behind the same address
        response = neighbour.get(link, environ_base={"REMOTE_ADDR": "10.0.0.7"})
        assert response.status_code == 302 and response.headers["Location"].endswith("/svar"), link
    # The guesser's own next valid link works too, and wrong ones stay limited.
    assert guesser.get(f"/s/{token}", environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code == 302
    assert guesser.get(WRONG, environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code == 429


def test_without_trusted_proxies_a_forged_forwarded_header_does_not_escape_the_limit(app):
    client = app.test_client()
    for i in range(app.config["TOKEN_MAX_FAILURES"]):
        client.get(WRONG, environ_base={"REMOTE_ADDR": "10.0.0.8"}, headers={"X-Forwarded-For": f"192.0.2.{i}"})
    blocked = client.get(WRONG, environ_base={"REMOTE_ADDR": "10.0.0.8"}, headers={"X-Forwarded-For": "192.0.2.250"})
    assert blocked.status_code == 429

"""Links in mails use the host and port actually served unless SERVER_BASE_URL is set; ProxyFix by PROXY_COUNT."""
from __future__ import annotations

import re

import pytest

from app.base_url import base_url
from tests.conftest import extract_csrf

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _reset_link(app, client, make_user, smtp_server, served: str = "http://localhost", **headers) -> str:
    app.config.update(smtp_server.config())
    _uid, email, _password = make_user("coordinator")
    token = extract_csrf(client.get("/glemt-adgangskode", headers=headers, base_url=served).get_data(as_text=True))
    response = client.post("/glemt-adgangskode", data={"email": email, "csrf_token": token},
                           headers=headers, base_url=served)
    assert response.status_code == 302
    response.close()  # the reset mail goes out once the response is closed
    body = smtp_server.messages[-1].get_payload(decode=True).decode("utf-8")
    return re.search(r"(\S+)/reset/\S+", body).group(1)


def test_without_the_setting_a_mailed_link_uses_the_served_host_and_port(app, make_user, smtp_server):
    app.config["SERVER_BASE_URL"] = None
    served = "http://127.0.0.1:5301"
    assert _reset_link(app, app.test_client(), make_user, smtp_server, served) == served


def test_the_setting_wins_over_the_served_address(app, make_user, smtp_server):
    app.config["SERVER_BASE_URL"] = "https://boelge.example.dk/"
    link = _reset_link(app, app.test_client(), make_user, smtp_server, "http://127.0.0.1:5301")
    assert link == "https://boelge.example.dk"


def test_outside_a_request_the_address_serve_started_the_web_app_on_is_used(app):
    app.config.update(SERVER_BASE_URL=None, SERVED_BASE_URL="http://127.0.0.1:5301")
    with app.app_context():
        assert base_url() == "http://127.0.0.1:5301"
    app.config.update(SERVED_BASE_URL=None)
    with app.app_context():
        assert base_url() == "http://127.0.0.1:5000"


def test_forwarded_headers_are_ignored_without_a_proxy_count(app, make_user, smtp_server):
    """A stranger's X-Forwarded-Host must not steer the link in a password-reset mail."""
    app.config["SERVER_BASE_URL"] = None
    link = _reset_link(app, app.test_client(), make_user, smtp_server,
                       **{"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"})
    assert "evil.example" not in link and link.startswith("http://")

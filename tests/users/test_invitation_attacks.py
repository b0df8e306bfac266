"""An invitation link tried again after it was used, and after its account was deactivated."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.models.user import NO_PASSWORD_YET
from tests.conftest import extract_csrf
from tests.users.test_users import _invite, _link_in, _post, coordinator  # noqa: F401  (fixture)

UNKNOWN = "/brugere/invitation/not-a-real-token"


def _mailed_link(app, client, smtp_server) -> str:
    app.config.update(smtp_server.config())
    _invite(app, client)
    return _link_in(smtp_server.messages[-1].get_payload(decode=True).decode())


def _choose(visitor, link: str, password: str, token_page: str | None = None):
    page = visitor.get(token_page or link)
    token = extract_csrf(page.get_data(as_text=True)) if page.status_code == 200 else ""
    return visitor.post(link, data={"password": password, "confirm": password, "csrf_token": token})


def _page(response, path: str) -> str:
    """The page with its own path (the language switch returns to it) and CSRF token taken out."""
    body = response.get_data(as_text=True).replace(path, "PATH")
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "CSRF", body)


def _password_hash(app) -> str | None:
    with app.app_context():
        return db.session.scalar(select(User.password_hash).where(User.email == "ny.leder@example.dk"))


def test_a_used_invitation_link_is_the_unknown_link_page_and_changes_no_password(app, client, coordinator,
                                                                                 smtp_server):
    link = _mailed_link(app, client, smtp_server)
    assert _choose(app.test_client(), link, "den-rigtige-adgangskode").status_code == 302
    chosen = _password_hash(app)
    attacker = app.test_client()
    unknown = attacker.get(UNKNOWN)
    again = attacker.get(link)
    assert again.status_code == unknown.status_code == 404
    assert _page(again, link) == _page(unknown, UNKNOWN)
    # A form kept open from before, posted with a valid CSRF token from another page, is refused as well.
    reposted = _choose(attacker, link, "angriberens-kode-123", token_page="/login")
    assert reposted.status_code == 404 and _page(reposted, link) == _page(unknown, UNKNOWN)
    assert _password_hash(app) == chosen


def test_an_invitation_link_of_a_deactivated_account_is_refused(app, client, coordinator, smtp_server):
    link = _mailed_link(app, client, smtp_server)
    visitor = app.test_client()
    form = visitor.get(link)
    assert form.status_code == 200
    with app.app_context():
        uid = db.session.scalar(select(User.id).where(User.email == "ny.leder@example.dk"))
    assert _post(client, f"/brugere/{uid}/deaktiver").status_code == 302
    assert visitor.get(link).status_code == 404
    posted = visitor.post(link, data={"password": "en-god-adgangskode", "confirm": "en-god-adgangskode",
                                      "csrf_token": extract_csrf(form.get_data(as_text=True))})
    assert posted.status_code == 404
    assert _password_hash(app) == NO_PASSWORD_YET
    with app.app_context():
        assert not db.session.get(User, uid).active
    assert _post(client, f"/brugere/{uid}/aktiver").status_code == 302
    assert app.test_client().get(link).status_code == 404  # reactivating does not revive the old link

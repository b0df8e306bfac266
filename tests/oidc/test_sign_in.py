"""Staff sign in through a real OpenID provider (oidc-provider): linking, refusals, the second factor, logout."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, LoginEvent, OidcIdentity, User
from tests.conftest import extract_csrf
from tests.oidc.conftest import BASE, sign_in
from tests.oidc.support import ProviderBrowser


def _log(app) -> list[tuple[str, dict]]:
    with app.app_context():
        return [(e.action, e.after) for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "user").order_by(AuditEntry.id))]


def _log_page(client, make_account, app) -> str:
    from app.auth.service import create_user

    with app.app_context():
        create_user("koordinator@net.example.dk", "Karl Koordinator", "korrekt-hest-batteri-1", "coordinator", None)
        db.session.commit()
    page = client.get("/login")
    client.post("/login", data={"email": "koordinator@net.example.dk", "password": "korrekt-hest-batteri-1",
                                "csrf_token": extract_csrf(page.get_data(as_text=True))})
    return client.get("/log/").get_data(as_text=True)


def test_login_page_offers_each_provider(oidc_client):
    html = oidc_client.get("/login").get_data(as_text=True)
    assert "Log ind med Aalborg Kommune" in html and "Log ind med Hjørring Kommune" in html
    assert 'href="/login/oidc/aalborg"' in html


def test_first_sign_in_links_by_verified_email_then_by_subject(oidc_app, oidc_client, make_account, provider_browser):
    uid = make_account("anne@aalborg.example.dk")
    response, _ = sign_in(oidc_client, provider_browser, "aalborg", "anne", next_url="/konto")
    assert response.status_code == 302 and response.headers["Location"] == "/konto"
    assert oidc_client.get("/konto").status_code == 200
    with oidc_app.app_context():
        identity = db.session.scalar(select(OidcIdentity))
        assert identity.user_id == uid and identity.subject == "anne" and identity.provider == "aalborg"
        assert db.session.scalar(select(LoginEvent.method)) == "oidc"
        # the address changes in Bølge: the link by (issuer, sub) still finds the account
        db.session.get(User, uid).email = "anne.ny@aalborg.example.dk"
        db.session.commit()
    assert [a for a, _ in _log(oidc_app)] == ["oidc_linked", "oidc_login"]
    oidc_client.post("/logout", data={"csrf_token": extract_csrf(oidc_client.get("/konto").get_data(as_text=True))})
    response, _ = sign_in(oidc_client, provider_browser, "aalborg", "anne")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert [a for a, _ in _log(oidc_app)] == ["oidc_linked", "oidc_login", "oidc_login"]


def test_unknown_person_is_told_in_danish_and_nothing_is_created(oidc_app, oidc_client, provider_browser):
    response, _ = sign_in(oidc_client, provider_browser, "aalborg", "ukendt")
    assert response.headers["Location"] == "/login"
    html = oidc_client.get("/login").get_data(as_text=True)
    assert "Der er ingen konto i Bølge til ukendt@aalborg.example.dk" in html
    with oidc_app.app_context():
        assert db.session.scalar(select(User)) is None and db.session.scalar(select(OidcIdentity)) is None
    assert _log(oidc_app) == [("oidc_refused", {"name": None, "provider": "Log ind med Aalborg Kommune",
                                                 "reason": "no_account", "email": "ukendt@aalborg.example.dk"})]
    assert oidc_client.get("/konto").status_code == 302


def test_unverified_email_is_not_linked(oidc_app, oidc_client, make_account, provider_browser):
    make_account("bo@aalborg.example.dk")
    response, _ = sign_in(oidc_client, provider_browser, "aalborg", "bo")
    assert response.headers["Location"] == "/login"
    assert "har ikke bekræftet din e-mailadresse" in oidc_client.get("/login").get_data(as_text=True)
    with oidc_app.app_context():
        assert db.session.scalar(select(OidcIdentity)) is None
    assert [(a, e["reason"]) for a, e in _log(oidc_app)] == [("oidc_refused", "unverified_email")]


def test_deactivated_account_is_refused_even_when_linked(oidc_app, oidc_client, make_account, provider_browser):
    uid = make_account("dorte@aalborg.example.dk")
    response, _ = sign_in(oidc_client, provider_browser, "aalborg", "dorte")
    assert response.headers["Location"] == "/"
    oidc_client.post("/logout", data={"csrf_token": extract_csrf(oidc_client.get("/konto").get_data(as_text=True))})
    with oidc_app.app_context():
        db.session.get(User, uid).active = False
        db.session.commit()
    response, _ = sign_in(oidc_client, provider_browser, "aalborg", "dorte")  # the provider's session is still valid
    assert response.headers["Location"] == "/login"
    assert "Din konto er deaktiveret" in oidc_client.get("/login").get_data(as_text=True)
    assert oidc_client.get("/konto").status_code == 302
    assert _log(oidc_app)[-1][1]["reason"] == "deactivated"


def test_provider_of_another_municipality_is_refused(oidc_app, oidc_client, make_account, provider_browser):
    make_account("hanne@hjoerring.example.dk", municipality="hjoerring")
    response, _ = sign_in(oidc_client, provider_browser, "aalborg", "hanne")
    assert response.headers["Location"] == "/login"
    assert "din konto hører til en anden kommune" in oidc_client.get("/login").get_data(as_text=True)
    assert oidc_client.get("/konto").status_code == 302
    with oidc_app.app_context():
        assert db.session.scalar(select(OidcIdentity)) is None
    # Hjørring's own provider signs her in
    response, _ = sign_in(oidc_client, provider_browser, "hjoerring", "hanne")
    assert response.headers["Location"] == "/"


def test_password_login_closed_where_the_file_says_so(oidc_app, oidc_client, make_account, login):
    make_account("hanne@hjoerring.example.dk", municipality="hjoerring")
    make_account("anne@aalborg.example.dk")
    response = login(oidc_client, "hanne@hjoerring.example.dk", "korrekt-hest-batteri-1")
    assert response.status_code == 200
    assert "Medarbejdere i Hjørring logger ind med knappen »Log ind med Hjørring Kommune«" in response.get_data(as_text=True)
    assert oidc_client.get("/konto").status_code == 302
    assert login(oidc_client, "anne@aalborg.example.dk", "korrekt-hest-batteri-1").status_code == 302


def test_mfa_at_the_provider_skips_the_totp_step_and_enrolment(oidc_app, oidc_client, make_account, provider_browser):
    oidc_app.config["REQUIRE_2FA"] = "all"
    make_account("mette@aalborg.example.dk")
    response, _ = sign_in(oidc_client, provider_browser, "aalborg", "mette")
    assert response.headers["Location"] == "/"
    assert oidc_client.get("/konto").status_code == 200  # no enrolment asked for
    assert _log(oidc_app)[-1] == ("oidc_login", {"name": "Mette", "provider": "Log ind med Aalborg Kommune", "mfa": True})


def test_without_mfa_require_2fa_applies_as_for_passwords(oidc_app, oidc_client, make_account, provider_browser):
    oidc_app.config["REQUIRE_2FA"] = "all"
    make_account("anne@aalborg.example.dk")
    response, _ = sign_in(oidc_client, provider_browser, "aalborg", "anne")
    assert response.headers["Location"] == "/"
    page = oidc_client.get("/konto")
    assert page.status_code == 302 and page.headers["Location"] == "/konto/totrinsgodkendelse"


def test_an_account_with_totp_is_asked_for_its_code(oidc_app, oidc_client, make_account, provider_browser):
    from app.auth import sealing
    from app.models import utcnow

    uid = make_account("anne@aalborg.example.dk")
    with oidc_app.app_context():
        user = db.session.get(User, uid)
        user.totp_secret, user.totp_confirmed_at = sealing.seal("JBSWY3DPEHPK3PXP"), utcnow()
        db.session.commit()
    response, _ = sign_in(oidc_client, provider_browser, "aalborg", "anne")
    assert response.headers["Location"] == "/login/kode"
    assert oidc_client.get("/konto").status_code == 302


def test_logout_ends_the_session_and_goes_to_the_providers_end_session(oidc_app, oidc_client, make_account,
                                                                       provider_browser, node_providers):
    make_account("anne@aalborg.example.dk")
    sign_in(oidc_client, provider_browser, "aalborg", "anne")
    page = oidc_client.get("/konto")
    response = oidc_client.post("/logout", data={"csrf_token": extract_csrf(page.get_data(as_text=True))})
    html = response.get_data(as_text=True)
    end_session = f"{node_providers['aalborg'].issuer}/session/end?"
    assert response.status_code == 200 and end_session in html and "id_token_hint=" in html
    assert "post_logout_redirect_uri=http%3A%2F%2Flocalhost%2Flogin" in html
    assert oidc_client.get("/konto").status_code == 302
    # the provider accepts the request (its confirmation page)
    from html import unescape
    import re

    target = unescape(re.search(r'<a href="([^"]+)"', html.split("<main")[1]).group(1))
    assert provider_browser.session.get(target, timeout=10).status_code == 200


def test_the_log_tells_sign_ins_links_and_refusals_as_sentences(oidc_app, oidc_client, make_account, provider_browser):
    make_account("anne@aalborg.example.dk")
    sign_in(oidc_client, provider_browser, "aalborg", "anne")
    oidc_client.post("/logout", data={"csrf_token": extract_csrf(oidc_client.get("/konto").get_data(as_text=True))})
    sign_in(oidc_client, ProviderBrowser(stop_at=BASE + "/"), "aalborg", "ukendt")  # another person at the provider
    html = _log_page(oidc_client, make_account, oidc_app)
    assert "Anne koblede sin konto til udbyderen bag »Log ind med Aalborg Kommune« (anne@aalborg.example.dk) ved første log ind" in html
    assert "Anne loggede ind med knappen »Log ind med Aalborg Kommune«" in html
    assert ("Log ind med knappen »Log ind med Aalborg Kommune« blev afvist for ukendt@aalborg.example.dk: "
            "der er ingen konto med den e-mailadresse") in html


def test_an_invited_account_is_taken_up_through_the_provider(oidc_app, oidc_client, provider_browser):
    from app.users import service as users
    from app.users.service import user_for_invitation

    with oidc_app.test_request_context():
        from app.auth.service import create_user
        from app.models import Municipality

        coordinator = create_user("koordinator@net.example.dk", "Karl", "korrekt-hest-batteri-1", "coordinator", None)
        aalborg = db.session.scalar(select(Municipality).where(Municipality.slug == "aalborg"))
        invited, message = users.invite(coordinator, "Anne Aalborg", "Anne@Aalborg.example.dk", "team_leader", aalborg)
        db.session.commit()
        token = message.body.split("/brugere/invitation/")[1].split()[0]
        assert user_for_invitation(token) is not None
    response, _ = sign_in(oidc_client, provider_browser, "aalborg", "anne")
    assert response.headers["Location"] == "/" and oidc_client.get("/konto").status_code == 200
    with oidc_app.test_request_context():
        assert user_for_invitation(token) is None  # the mailed link no longer chooses a password
        assert db.session.scalar(select(OidcIdentity.user_id)) == invited.id


def test_the_buttons_speak_english_on_the_english_page(oidc_client):
    with oidc_client.session_transaction() as session:
        session["lang"] = "en"
    html = oidc_client.get("/login").get_data(as_text=True)
    assert "Sign in with Aalborg Municipality" in html and "Or sign in with e-mail and password" in html


def test_the_providers_second_factor_does_not_carry_over_to_a_password_login(oidc_app, oidc_client, make_account,
                                                                               provider_browser, login):
    oidc_app.config["REQUIRE_2FA"] = "all"
    make_account("mette@aalborg.example.dk")
    sign_in(oidc_client, provider_browser, "aalborg", "mette")
    with oidc_client.session_transaction() as session:  # the Bølge session lapses; the cookie stays
        session.pop("_user_id")
    assert login(oidc_client, "mette@aalborg.example.dk", "korrekt-hest-batteri-1").status_code == 302
    page = oidc_client.get("/konto")
    assert page.status_code == 302 and page.headers["Location"] == "/konto/totrinsgodkendelse"

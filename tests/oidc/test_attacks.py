"""Attacks on the sign-in, through the real redirect flow: each is refused, and nobody is signed in.

The state, code-replay and mix-up attacks use the real provider (oidc-provider); the forged ID tokens
come from a Python issuer that signs them wrong in one way each (tests/oidc/support.py, joserfc).
Each forged kind is first shown to sign in when made right, so the refusal is the check's doing.
"""
from __future__ import annotations

from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, OidcIdentity
from tests.conftest import extract_csrf
from tests.oidc.conftest import BASE, sign_in
from tests.oidc.support import ProviderBrowser, query


def _signed_in(client) -> bool:
    return client.get("/konto").status_code == 200


def _refusals(app) -> list[str]:
    with app.app_context():
        return [e.after["reason"] for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "oidc_refused").order_by(AuditEntry.id))]


def _logout(client) -> None:
    client.post("/logout", data={"csrf_token": extract_csrf(client.get("/konto").get_data(as_text=True))})
    assert not _signed_in(client)


def _callback_without_using_it(client, browser, name: str, login: str) -> str:
    start = client.get(f"/login/oidc/{name}")
    return browser.authorize(start.headers["Location"], login).removeprefix(BASE)


def _with(url: str, **changes) -> str:
    path, _, _ = url.partition("?")
    params = {k: v for k, v in dict(query(url), **changes).items() if v is not None}
    return f"{path}?{urlencode(params)}"


@pytest.fixture
def anne(make_account):
    return make_account("anne@aalborg.example.dk")


def test_missing_state_is_refused(oidc_app, oidc_client, anne, provider_browser):
    callback = _callback_without_using_it(oidc_client, provider_browser, "aalborg", "anne")
    response = oidc_client.get(_with(callback, state=None))
    assert response.headers["Location"] == "/login" and not _signed_in(oidc_client)
    assert "Log ind kunne ikke gennemføres" in oidc_client.get("/login").get_data(as_text=True)
    # the same response with its state signs in: the missing state was what was refused
    assert oidc_client.get(callback).headers["Location"] == "/" and _signed_in(oidc_client)


def test_wrong_state_is_refused(oidc_app, oidc_client, anne, provider_browser):
    callback = _callback_without_using_it(oidc_client, provider_browser, "aalborg", "anne")
    response = oidc_client.get(_with(callback, state="forged-" + query(callback)["state"]))
    assert response.headers["Location"] == "/login" and not _signed_in(oidc_client)
    with oidc_app.app_context():
        assert db.session.scalar(select(OidcIdentity)) is None


def test_a_response_meant_for_another_browser_is_refused(oidc_app, oidc_client, anne, provider_browser):
    callback = _callback_without_using_it(oidc_client, provider_browser, "aalborg", "anne")
    victim = oidc_app.test_client()  # a stranger's login page, handed the attacker's response
    assert victim.get(callback).headers["Location"] == "/login" and not _signed_in(victim)


def test_a_replayed_code_is_refused(oidc_app, oidc_client, anne, provider_browser):
    callback = _callback_without_using_it(oidc_client, provider_browser, "aalborg", "anne")
    assert oidc_client.get(callback).headers["Location"] == "/"
    _logout(oidc_client)
    # the same callback again: its state is used up
    assert oidc_client.get(callback).headers["Location"] == "/login" and not _signed_in(oidc_client)
    # the old code under a fresh state of this browser: the provider refuses the code (invalid_grant)
    fresh = _callback_without_using_it(oidc_client, provider_browser, "aalborg", "anne")
    response = oidc_client.get(_with(fresh, code=query(callback)["code"]))
    assert response.headers["Location"] == "/login" and not _signed_in(oidc_client)
    assert _refusals(oidc_app) == ["invalid_response"]


def test_iss_mix_up_between_two_providers_is_refused(oidc_app, oidc_client, anne, make_account, provider_browser,
                                                     node_providers, caplog):
    make_account("hanne@hjoerring.example.dk", municipality="hjoerring")
    # Hjørring's response delivered to Aalborg's callback (the mix-up attack's move)
    callback = _callback_without_using_it(oidc_client, provider_browser, "hjoerring", "hanne")
    moved = callback.replace("/login/oidc/hjoerring/", "/login/oidc/aalborg/")
    assert oidc_client.get(moved).headers["Location"] == "/login" and not _signed_in(oidc_client)
    assert f"the response names issuer '{node_providers['hjoerring'].issuer}'" in caplog.text
    # Aalborg's response for Anne, altered to name Hjørring's issuer, or no issuer at all
    anne_at_aalborg = ProviderBrowser(stop_at=BASE + "/")
    callback = _callback_without_using_it(oidc_client, anne_at_aalborg, "aalborg", "anne")
    assert oidc_client.get(_with(callback, iss=node_providers["hjoerring"].issuer)).headers["Location"] == "/login"
    assert oidc_client.get(_with(callback, iss=None)).headers["Location"] == "/login"
    assert "the response names issuer None" in caplog.text and not _signed_in(oidc_client)
    # untouched, each provider's own response signs its person in
    assert oidc_client.get(callback).headers["Location"] == "/" and _signed_in(oidc_client)
    _logout(oidc_client)
    callback = _callback_without_using_it(oidc_client, provider_browser, "hjoerring", "hanne")
    assert oidc_client.get(callback).headers["Location"] == "/" and _signed_in(oidc_client)


@pytest.fixture
def falsk(make_account, fake_issuer):
    make_account("falsk@example.dk")
    fake_issuer.published = [fake_issuer.key]
    return fake_issuer


def test_the_forging_issuer_signs_in_when_its_token_is_right(oidc_app, oidc_client, falsk, provider_browser):
    response, _ = sign_in(oidc_client, provider_browser, "falsk", "any")
    assert response.headers["Location"] == "/" and _signed_in(oidc_client)


# what the log says each forged token was refused for
FORGED = {"wrong_nonce": "Invalid claim: 'nonce'", "other_key": "BadSignatureError", "expired": "ExpiredTokenError",
          "other_audience": "Missing claim: 'azp'", "alg_none": "Algorithm of 'none' is not allowed",
          "hs256": "Algorithm of 'HS256' is not allowed"}


@pytest.mark.parametrize("mode", sorted(FORGED))
def test_a_forged_id_token_is_refused(oidc_app, oidc_client, falsk, provider_browser, mode, caplog):
    falsk.mode = mode
    response, _ = sign_in(oidc_client, provider_browser, "falsk", "any")
    assert FORGED[mode] in caplog.text
    assert response.headers["Location"] == "/login" and not _signed_in(oidc_client)
    assert "kunne ikke godkendes" in oidc_client.get("/login").get_data(as_text=True)
    assert _refusals(oidc_app) == ["invalid_response"]
    with oidc_app.app_context():
        assert db.session.scalar(select(OidcIdentity)) is None


def test_a_rotated_signing_key_is_fetched_again(oidc_app, oidc_client, falsk, provider_browser):
    sign_in(oidc_client, provider_browser, "falsk", "any")  # the key set (k1) is now known
    _logout(oidc_client)
    falsk.mode = "rotated"  # the issuer publishes k2 and signs with it
    response, _ = sign_in(oidc_client, provider_browser, "falsk", "any")
    assert response.headers["Location"] == "/" and _signed_in(oidc_client)


@pytest.mark.parametrize("claims, mfa", [({"acr": "http://schemas.microsoft.com/claims/multipleauthn"}, True),
                                         ({"amr": ["pwd", "otp"]}, True), ({"amr": ["pwd"], "acr": "1"}, False)])
def test_amr_or_acr_says_whether_the_provider_asked_for_a_second_factor(oidc_app, oidc_client, falsk, provider_browser,
                                                                        claims, mfa):
    oidc_app.config["REQUIRE_2FA"] = "all"
    falsk.claims = claims
    sign_in(oidc_client, provider_browser, "falsk", "any")
    page = oidc_client.get("/konto")
    assert (page.status_code == 200) is mfa
    assert mfa or page.headers["Location"] == "/konto/totrinsgodkendelse"

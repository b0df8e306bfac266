"""Staff sign in with their municipality's OpenID provider (Authorization Code with PKCE, by Authlib).

The protocol is Authlib's: discovery, PKCE, state, nonce, the ID token's signature (keys fetched again
when the provider rotates them), iss, aud, exp and iat. Bølge adds what is its own: which account the
person is, whether the provider may speak for that account's municipality, and whether the provider's
sign-in already had a second factor. Accounts are never created here: role and municipality stay Bølge's.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from authlib.integrations.flask_client.apps import FlaskOAuth2App
from authlib.oauth2.rfc6749.errors import OAuth2Error
from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from joserfc.errors import JoseError
from sqlalchemy import func, select

from app import audit
from app.auth.oidc_config import ProviderConfig, load_providers
from app.auth.signin import after_password, finish
from app.base_url import base_url
from app.extensions import db
from app.i18n import current_lang
from app.models import OidcIdentity, User, utcnow
from app.security import is_safe_next

bp = Blueprint("oidc", __name__)

EXTENSION = "boelge_oidc"
NEXT = "oidc_next"
SIGNED_IN = "oidc_login"  # {"provider", "id_token", "mfa_for"} of the current sign-in
# amr values (RFC 8176) that by themselves mean more than one factor was used.
MFA_AMR = frozenset({"mfa", "otp", "hwk", "sc", "fpt", "face", "iris", "retina", "vbm"})


class BoelgeClient(FlaskOAuth2App):
    """Authlib's client, held to the issuer and the algorithms the providers file names."""

    provider: ProviderConfig

    def load_server_metadata(self):
        metadata = super().load_server_metadata()
        if metadata.get("issuer", "").rstrip("/") != self.provider.issuer:
            # Discovery from another issuer than the configured one is a mix-up, not a provider.
            self.server_metadata.clear()
            raise OAuthError(error="issuer_mismatch", description=f"discovery names issuer {metadata.get('issuer')!r}")
        offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        # Never "none" or HMAC, whatever the provider's document offers; only what the file accepts.
        metadata["id_token_signing_alg_values_supported"] = [a for a in offered if a in self.provider.algorithms]
        return metadata


@dataclass
class Providers:
    oauth: OAuth
    by_name: dict[str, ProviderConfig]

    def client(self, name: str) -> BoelgeClient | None:
        return self.oauth.create_client(name) if name in self.by_name else None


def init_oidc(app) -> None:
    """Read OIDC_PROVIDERS_FILE (a broken file stops start-up) and register each provider with Authlib."""
    path = app.config.get("OIDC_PROVIDERS_FILE")
    if not path:
        return
    providers = load_providers(path)
    oauth = OAuth(app)
    for provider in providers:
        client = oauth.register(
            provider.name, client_id=provider.client_id, client_secret=provider.client_secret,
            server_metadata_url=f"{provider.issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": provider.scopes, "code_challenge_method": "S256", "timeout": 10},
            client_cls=BoelgeClient)
        client.provider = provider
    app.extensions[EXTENSION] = Providers(oauth, {p.name: p for p in providers})
    app.register_blueprint(bp)


def configured() -> list[ProviderConfig]:
    """The providers, in the file's order (none without OIDC_PROVIDERS_FILE)."""
    found = current_app.extensions.get(EXTENSION)
    return list(found.by_name.values()) if found else []


def label(provider: ProviderConfig) -> str:
    return provider.label_en if current_lang() == "en" else provider.label


def password_login_closed(user: User) -> ProviderConfig | None:
    """The provider that alone signs in the user's municipality (password_login: false), if any."""
    for provider in configured():
        if not provider.password_login and user.municipality is not None and provider.serves(user.municipality):
            return provider
    return None


@bp.get("/login/oidc/<name>")
def start(name: str):
    client, provider = _client_or_404(name)
    next_url = request.args.get("next")
    session[NEXT] = next_url if is_safe_next(next_url) else None
    try:
        return client.authorize_redirect(_redirect_uri(name), nonce=secrets.token_urlsafe(24))
    except (OAuthError, requests.RequestException, ValueError) as exc:
        current_app.logger.warning("OpenID provider %s cannot be reached: %s", name, exc)
        flash(_("Udbyderen bag »%(provider)s« svarer ikke lige nu. Prøv igen om lidt.", provider=label(provider)), "error")
        return redirect(url_for("auth.login"))


def _client_or_404(name: str):
    """(the Authlib client, the provider's configuration) of provider `name`; 404 when none is configured."""
    found = current_app.extensions[EXTENSION]
    client = found.client(name)
    if client is None:
        abort(404)
    return client, found.by_name[name]


def _redirect_uri(name: str) -> str:
    return base_url() + url_for("oidc.callback", name=name)


@bp.get("/login/oidc/<name>/callback")
def callback(name: str):
    client, provider = _client_or_404(name)
    if request.args.get("error"):
        flash(_("Log ind med »%(provider)s« blev afbrudt.", provider=label(provider)), "error")
        return redirect(url_for("auth.login"))
    try:
        # RFC 9207: the response names its issuer; one from another provider is a mix-up.
        metadata = client.load_server_metadata()
        iss = request.args.get("iss")
        if (iss is not None and iss.rstrip("/") != provider.issuer) or (
                iss is None and metadata.get("authorization_response_iss_parameter_supported")):
            raise MismatchingStateError(description=f"the response names issuer {iss!r}")
        token = client.authorize_access_token()
    except MismatchingStateError as exc:
        # Not a sign-in this browser started here: nothing is known of anyone, so only the log hears of it.
        current_app.logger.warning("OpenID callback for %s refused: %s", name, exc)
        flash(_("Log ind kunne ikke gennemføres. Start forfra."), "error")
        return redirect(url_for("auth.login"))
    except (OAuthError, OAuth2Error, JoseError, requests.RequestException, ValueError, RuntimeError) as exc:
        current_app.logger.warning("OpenID sign-in with %s refused: %s: %s", name, type(exc).__name__, exc)
        return _refuse(provider, "invalid_response", None, None)
    claims = token.get("userinfo")
    if not claims or not claims.get("sub"):
        return _refuse(provider, "invalid_response", None, None)
    return _sign_in(provider, dict(claims), token.get("id_token"))


def _sign_in(provider: ProviderConfig, claims: dict, id_token: str | None):
    subject = str(claims["sub"])
    identity = db.session.scalar(select(OidcIdentity).where(
        OidcIdentity.issuer == provider.issuer, OidcIdentity.subject == subject))
    claimed = claims.get(provider.claim)
    claimed = claimed.strip() if isinstance(claimed, str) else None
    linking = identity is None
    if identity is not None:
        user = db.session.get(User, identity.user_id)
    else:
        user = db.session.scalar(select(User).where(func.lower(User.email) == claimed.lower())) if claimed else None
        if user is None:
            return _refuse(provider, "no_account", None, claimed)
        if not (provider.email_verified_by_provider or claims.get("email_verified") is True):
            return _refuse(provider, "unverified_email", user, claimed)
    if not user.active:
        return _refuse(provider, "deactivated", user, claimed)
    if not provider.serves(user.municipality):
        return _refuse(provider, "other_municipality", user, claimed)
    if linking:
        other = db.session.scalar(select(OidcIdentity).where(
            OidcIdentity.user_id == user.id, OidcIdentity.issuer == provider.issuer))
        if other is not None:
            return _refuse(provider, "already_linked", user, claimed)
        identity = OidcIdentity(user_id=user.id, issuer=provider.issuer, subject=subject, provider=provider.name)
        db.session.add(identity)
        # An invitation not yet used ends here: the account is taken up through the provider.
        user.invite_nonce = None
        audit.record(user, "oidc_linked", "user", user.id, None,
                     {"name": user.name, "provider": provider.label, "email": claimed}, user.municipality_id)
    identity.last_used_at = utcnow()
    mfa = _had_second_factor(provider, claims)
    audit.record(user, "oidc_login", "user", user.id, None,
                 {"name": user.name, "provider": provider.label, "mfa": mfa}, user.municipality_id)
    db.session.commit()
    next_url = session.pop(NEXT, None)
    session[SIGNED_IN] = {"provider": provider.name, "id_token": id_token, "mfa_for": user.get_id() if mfa else None}
    if mfa:
        return finish(user, "oidc_mfa", next_url)
    return after_password(user, next_url, method="oidc")  # Bølge's own second step, where there is one


def _had_second_factor(provider: ProviderConfig, claims: dict) -> bool:
    amr = claims.get("amr")
    if isinstance(amr, list) and MFA_AMR & {str(a) for a in amr}:
        return True
    return isinstance(claims.get("acr"), str) and claims["acr"] in provider.mfa_acr


REASONS = ("no_account", "unverified_email", "deactivated", "other_municipality", "already_linked", "invalid_response")


def _refuse(provider: ProviderConfig, reason: str, user: User | None, claimed: str | None):
    """Record the refusal as a sentence and tell the person plainly; nothing is created or changed."""
    db.session.rollback()
    audit.record(None, "oidc_refused", "user", user.id if user else None, None,
                 {"name": user.name if user else None, "provider": provider.label, "reason": reason, "email": claimed},
                 user.municipality_id if user else None)
    db.session.commit()
    session.pop(NEXT, None)
    messages = {
        "no_account": _("Der er ingen konto i Bølge til %(email)s. Bed en koordinator om at invitere dig, "
                        "og log så ind igen.", email=claimed or _("dig")),
        "unverified_email": _("Udbyderen bag »%(provider)s« har ikke bekræftet din e-mailadresse, så den kan ikke kobles til din konto.",
                              provider=label(provider)),
        "deactivated": _("Din konto er deaktiveret. Kontakt en koordinator."),
        "other_municipality": _("»%(provider)s« kan ikke logge dig ind: din konto hører til en anden kommune.",
                                provider=label(provider)),
        "already_linked": _("Din konto er allerede koblet til en anden bruger hos udbyderen bag »%(provider)s«.", provider=label(provider)),
        "invalid_response": _("Svaret fra udbyderen bag »%(provider)s« kunne ikke godkendes. Du er ikke logget ind.",
                              provider=label(provider)),
    }
    flash(messages[reason], "error")
    return redirect(url_for("auth.login"))


def logout_target() -> str | None:
    """Where the browser goes to end the provider's session too (RP-initiated logout), if anywhere."""
    signed_in = session.pop(SIGNED_IN, None)
    found = current_app.extensions.get(EXTENSION)
    if not isinstance(signed_in, dict) or found is None:
        return None
    client = found.client(str(signed_in.get("provider")))
    if client is None:
        return None
    try:
        if not client.load_server_metadata().get("end_session_endpoint"):
            return None
        return client.create_logout_url(post_logout_redirect_uri=base_url() + url_for("auth.login"),
                                        id_token_hint=signed_in.get("id_token"), client_id=client.client_id)["url"]
    except (OAuthError, requests.RequestException, ValueError, RuntimeError):
        return None


def second_factor_done_by_provider(user) -> bool:
    """Whether this session's sign-in already had a second factor at the provider."""
    signed_in = session.get(SIGNED_IN)
    return isinstance(signed_in, dict) and signed_in.get("mfa_for") is not None and signed_in["mfa_for"] == user.get_id()

"""The OpenID Connect providers staff may sign in with, read from the YAML file OIDC_PROVIDERS_FILE.

A broken file stops start-up with the file, the entry and the key named, in the style of the
questionnaire files ("oidc-providers.yaml: provider 2 (aalborg), issuer: ...").
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

# Signature algorithms accepted on ID tokens unless an entry names others; never "none" nor HMAC
# (a client secret known to the provider's administrators is no signature of the provider).
DEFAULT_ALGORITHMS = ("RS256", "PS256", "ES256")
ALLOWED_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"})
# acr values that by themselves say the user used more than one factor (OpenID PAPE, AD FS).
DEFAULT_MFA_ACR = ("http://schemas.openid.net/pape/policies/2007/06/multi-factor",
                   "http://schemas.microsoft.com/claims/multipleauthn")
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
KEYS = {"name", "label", "label_en", "issuer", "client_id", "client_secret_env", "municipalities", "coordinators",
        "claim", "email_verified_by_provider", "password_login", "algorithms", "mfa_acr", "scopes"}


class ProviderFileError(RuntimeError):
    """The providers file cannot be used; the message names the file, the entry and the key."""


@dataclass(frozen=True)
class ProviderConfig:
    name: str
    label: str
    label_en: str
    issuer: str
    client_id: str
    client_secret: str
    municipalities: tuple[int | str, ...]  # official numbers (851) or names ("Aalborg")
    coordinators: bool  # serves coordinators who belong to no municipality
    claim: str
    email_verified_by_provider: bool
    password_login: bool
    algorithms: tuple[str, ...]
    mfa_acr: tuple[str, ...]
    scopes: str

    def serves(self, municipality) -> bool:
        """Whether staff of `municipality` (None: a coordinator of the whole network) may sign in here."""
        if municipality is None:
            return self.coordinators
        for item in self.municipalities:
            if isinstance(item, int) and item == municipality.code:
                return True
            if isinstance(item, str) and item.casefold() in (municipality.name.casefold(), municipality.slug.casefold()):
                return True
        return False


def _loopback(host: str | None) -> bool:
    return host in ("127.0.0.1", "localhost", "::1")


def load_providers(path: Path | str, environ=os.environ) -> list[ProviderConfig]:
    """Every provider in the file at `path`; raises ProviderFileError for the first thing wrong."""
    path = Path(path)
    where = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProviderFileError(f"{where}: the file cannot be read ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ProviderFileError(f"{where}{line}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from exc
    entries = data.get("providers") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ProviderFileError(f"{where}: expected a top-level key 'providers' with a list of providers")
    providers: list[ProviderConfig] = []
    for number, entry in enumerate(entries, start=1):
        providers.append(_provider(where, number, entry, environ))
    seen: dict[str, int] = {}
    for number, provider in enumerate(providers, start=1):
        if provider.name in seen:
            raise ProviderFileError(f"{where}: provider {number} ({provider.name}), name: "
                                    f"the same name as provider {seen[provider.name]}")
        seen[provider.name] = number
    return providers


def _provider(where: str, number: int, entry, environ) -> ProviderConfig:
    label_of = f"provider {number}"
    if isinstance(entry, dict) and isinstance(entry.get("name"), str):
        label_of += f" ({entry['name']})"

    def fail(key: str, message: str):
        raise ProviderFileError(f"{where}: {label_of}, {key}: {message}")

    if not isinstance(entry, dict):
        raise ProviderFileError(f"{where}: {label_of}: expected a mapping of keys (name, label, issuer, ...)")
    for key in entry:
        if key not in KEYS:
            fail(str(key), f"unknown key; the keys are {', '.join(sorted(KEYS))}")

    def text(key: str, required: bool = True, default: str = "") -> str:
        value = entry.get(key)
        if value is None:
            if required:
                fail(key, "missing")
            return default
        if not isinstance(value, str) or not value.strip():
            fail(key, "expected a non-empty text")
        return value.strip()

    def flag(key: str, default: bool) -> bool:
        value = entry.get(key, default)
        if not isinstance(value, bool):
            fail(key, "expected true or false")
        return value

    def texts(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = entry.get(key)
        if value is None:
            return default
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            fail(key, "expected a list of texts")
        return tuple(value)

    name = text("name")
    if not NAME.match(name):
        fail("name", "use lower-case letters, digits and hyphens (it is part of the redirect URI)")
    label = text("label")
    issuer = text("issuer").rstrip("/")
    parts = urlsplit(issuer)
    if parts.scheme != "https" and not (parts.scheme == "http" and _loopback(parts.hostname)):
        fail("issuer", f"expected an https:// URL, not {issuer!r}")
    if parts.query or parts.fragment:
        fail("issuer", "an issuer has no query or fragment")
    client_id = text("client_id")
    secret_env = text("client_secret_env")
    secret = environ.get(secret_env)
    if not secret:
        fail("client_secret_env", f"the environment variable {secret_env} is not set")
    municipalities = entry.get("municipalities", [])
    if not isinstance(municipalities, list) or not all(
            (isinstance(m, int) and not isinstance(m, bool)) or (isinstance(m, str) and m.strip()) for m in municipalities):
        fail("municipalities", "expected a list of municipality numbers (851) or names (Aalborg)")
    coordinators = flag("coordinators", False)
    if not municipalities and not coordinators:
        fail("municipalities", "the provider serves no one: name its municipalities (or set coordinators: true)")
    algorithms = texts("algorithms", DEFAULT_ALGORITHMS)
    for algorithm in algorithms:
        if algorithm not in ALLOWED_ALGORITHMS:
            fail("algorithms", f"{algorithm!r} is not accepted; choose among {', '.join(sorted(ALLOWED_ALGORITHMS))}")
    scopes = text("scopes", required=False, default="openid email profile")
    if "openid" not in scopes.split():
        fail("scopes", "must include openid")
    return ProviderConfig(
        name=name, label=label, label_en=text("label_en", required=False, default=label), issuer=issuer,
        client_id=client_id, client_secret=secret,
        municipalities=tuple(m.strip() if isinstance(m, str) else m for m in municipalities), coordinators=coordinators,
        claim=text("claim", required=False, default="email"),
        email_verified_by_provider=flag("email_verified_by_provider", False),
        password_login=flag("password_login", True), algorithms=algorithms,
        mfa_acr=texts("mfa_acr", DEFAULT_MFA_ACR), scopes=scopes,
    )

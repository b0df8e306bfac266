"""The OpenID providers of the sign-in tests: the real `oidc-provider` (node) and a Python issuer that misbehaves.

`start_node_provider` runs tests/oidc/provider/provider.mjs (installing its locked packages with `npm ci`
when node_modules is missing). `FakeIssuer` is a small HTTP server speaking just enough OpenID Connect
to hand Bølge ID tokens that are wrong in one way each, signed with joserfc (never by hand).
`ProviderBrowser` plays the browser at the provider: it follows the provider's redirects, fills in its
login and consent pages, and stops at the redirect back to Bølge.
"""
from __future__ import annotations

import fcntl
import json
import re
import shutil
import socket
import subprocess
import threading
import time
import warnings
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import requests
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.conftest import skip_or_fail

PROVIDER_DIR = Path(__file__).resolve().parent / "provider"
CLIENT_ID = "boelge"
CLIENT_SECRET = "test-client-secret-not-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_node_modules() -> str:
    node = shutil.which("node")
    npm = shutil.which("npm")
    if not node or not npm:
        skip_or_fail("node and npm are needed for the OpenID provider of the sign-in tests")
    # `make test` on a fresh clone: the first test worker installs the locked packages, the others wait.
    with open(PROVIDER_DIR / "package-lock.json", "rb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
                subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PROVIDER_DIR, check=True,
                               stdout=subprocess.DEVNULL, timeout=600)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return node


class NodeProvider:
    def __init__(self, issuer: str, process: subprocess.Popen, settings_file: Path):
        self.issuer = issuer
        self.process = process
        self.settings_file = settings_file

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_node_provider(folder: Path, redirect_uris: list[str], post_logout_uris: list[str],
                        accounts: dict[str, dict], port: int | None = None) -> NodeProvider:
    """Start oidc-provider on `port` (a free one) with one confidential client and the given accounts."""
    node = ensure_node_modules()
    issuer = f"http://127.0.0.1:{port or free_port()}"
    settings = {"issuer": issuer, "accounts": accounts, "clients": [{
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": redirect_uris,
        "post_logout_redirect_uris": post_logout_uris, "grant_types": ["authorization_code"],
        "response_types": ["code"], "token_endpoint_auth_method": "client_secret_basic"}]}
    settings_file = folder / f"provider-{urlsplit(issuer).port}.json"
    settings_file.write_text(json.dumps(settings), encoding="utf-8")
    log = open(folder / f"provider-{urlsplit(issuer).port}.log", "w", encoding="utf-8")  # noqa: SIM115
    process = subprocess.Popen([node, str(PROVIDER_DIR / "provider.mjs"), str(settings_file)],
                               stdout=log, stderr=subprocess.STDOUT, cwd=PROVIDER_DIR)
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError(f"the OpenID provider stopped: {Path(log.name).read_text()}")
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                return NodeProvider(issuer, process, settings_file)
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("the OpenID provider did not start")


class ProviderBrowser:
    """A browser at the provider: cookies kept, login and consent pages filled in, stopping at Bølge."""

    def __init__(self, stop_at: str):
        self.session = requests.Session()
        self.stop_at = stop_at

    def authorize(self, url: str, login: str) -> str:
        """Follow `url` (the provider's authorization URL) until the provider sends the browser back."""
        method, data = "GET", None
        for _ in range(20):
            response = self.session.request(method, url, data=data, allow_redirects=False, timeout=10)
            if response.is_redirect:
                url = urljoin(url, response.headers["Location"])
                method, data = "GET", None
                if url.startswith(self.stop_at):
                    return url
                continue
            assert response.status_code == 200, (response.status_code, response.text[:500])
            form = re.search(r'<form[^>]*action="([^"]+)"[^>]*method="post"', response.text)
            assert form, response.text[:1000]
            prompt = re.search(r'name="prompt" value="([^"]+)"', response.text).group(1)
            url = urljoin(url, unescape(form.group(1)))
            method = "POST"
            data = {"prompt": prompt, "login": login, "password": "any"} if prompt == "login" else {"prompt": prompt}
        raise AssertionError("the provider never sent the browser back")


class FakeIssuer:
    """An issuer that signs in anyone, with ID tokens made wrong as `mode` says (joserfc signs them)."""

    MODES = ("good", "wrong_nonce", "other_key", "expired", "other_audience", "alg_none", "hs256", "rotated")

    def __init__(self):
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"})
        self.new_key = RSAKey.generate_key(2048, parameters={"kid": "k2", "use": "sig", "alg": "RS256"})
        self.stranger = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"})
        self.mode = "good"
        self.claims: dict = {}
        self.codes: dict[str, dict] = {}
        self.published = [self.key]
        self.server = make_server("127.0.0.1", self.port, self.wsgi, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()

    def wsgi(self, environ, start_response):
        request = Request(environ)
        path = request.path
        if path == "/.well-known/openid-configuration":
            body = {"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/auth",
                    "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                    "response_types_supported": ["code"], "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256", "HS256", "none"],
                    "code_challenge_methods_supported": ["S256"]}
        elif path == "/jwks":
            body = KeySet(self.published).as_dict(private=False)
        elif path == "/auth":
            code = f"code-{len(self.codes)}"
            self.codes[code] = dict(request.args)
            target = request.args["redirect_uri"] + "?" + urlencode({"code": code, "state": request.args["state"]})
            return Response(status=302, headers={"Location": target})(environ, start_response)
        elif path == "/token":
            asked = self.codes.pop(request.form.get("code", ""), None)
            if asked is None:
                body = {"error": "invalid_grant"}
                return Response(json.dumps(body), status=400, content_type="application/json")(environ, start_response)
            body = {"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": self.id_token(asked)}
        else:
            return Response(status=404)(environ, start_response)
        return Response(json.dumps(body), content_type="application/json")(environ, start_response)

    def id_token(self, asked: dict) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": "fake-1", "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                  "nonce": asked.get("nonce"), "email": "falsk@example.dk", "email_verified": True}
        claims.update(self.claims)
        key, header = self.key, {"alg": "RS256", "kid": "k1"}
        if self.mode == "wrong_nonce":
            claims["nonce"] = "another-nonce"
        elif self.mode == "other_key":
            key = self.stranger
        elif self.mode == "expired":
            claims.update(iat=now - 7200, exp=now - 3600)
        elif self.mode == "other_audience":
            claims["aud"] = "another-client"
        elif self.mode == "rotated":
            self.published = [self.key, self.new_key]
            key, header = self.new_key, {"alg": "RS256", "kid": "k2"}
        elif self.mode == "alg_none":
            with warnings.catch_warnings():  # joserfc warns that "none" is no signature: that is the point
                warnings.simplefilter("ignore")
                return jwt.encode({"alg": "none"}, claims, None, algorithms=["none"])
        elif self.mode == "hs256":
            from joserfc.jwk import OctKey

            # signed with the client secret the attacker guessed or learnt: HMAC is no signature of the issuer
            return jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(CLIENT_SECRET), algorithms=["HS256"])
        return jwt.encode(header, claims, key)


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}

"""Production as docs/deployment.md sets it up, used as a person would: Chromium → nginx (TLS) → gunicorn.

deploy/nginx/boelge.conf and boelge-web.service's command run as shipped (tests/support/proxy.py changes
only ports and paths), the app in production config on a real database, mail through a real SMTP
server. The browser sends whatever headers its own rules and the app's Referrer-Policy give: nothing
here sets a Referer, an Origin or an X-Forwarded-* header for it. Every journey is one browser context
in one Chromium against one server start.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import select

from app.extensions import db
from tests.conftest import extract_csrf
from tests.results.conftest import SLUG, known_survey  # noqa: F401 - the fixture, shared with tests/results
from tests.supervision.conftest import make_round  # noqa: F401 - the fixture
from tests.support.browser import CHROMIUM_ARGS
from tests.support.proxy import ROOT, deployment

CASE_ANSWERS = {"lae265_uden": 0, "lae265_egen_laege": 1, "lae265_tvivl": 1, "lae265_forlaenget": 2,
                "lae265_indhentet": 1}
EDITED = "forenklet sagsbehandlingen på området?"
POLL = 0.1


def _type(page, selector: str, text: str) -> None:
    page.fill(selector, text)


def _submit(page, selector: str = "main button[type=submit].primary") -> None:
    with page.expect_navigation():
        page.click(selector)


def _refused(page) -> bool:
    return "Siden er udløbet" in page.content()


def _password_step(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    _type(page, "#email", email)
    _type(page, "#password", password)
    _submit(page, "main button[type=submit]")
    assert not _refused(page), "the login form was refused"


def _log_out(page, base: str) -> None:
    with page.expect_navigation():
        page.click("header >> text=Log ud")
    assert page.url.startswith(f"{base}/login"), page.url


def _next_code(secret: str) -> str:
    """The code of the next time step: the app accepts one step of drift, and it was never used."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def _link(mail, base: str, path: str) -> str:
    for part in mail.walk():
        if part.get_content_type() == "text/plain":
            found = re.search(rf"{re.escape(base)}(/{path}/[A-Za-z0-9_.\-]+)", part.get_payload(decode=True).decode())
            if found:
                return found.group(1)
    raise AssertionError(f"no {path} link in the mail")


def _mail_to(smtp_server, address: str, count: int):
    for _ in range(300):
        mails = [m for m in smtp_server.messages if address in m["To"]]
        if len(mails) >= count:
            return mails[count - 1]
        time.sleep(POLL)
    raise AssertionError(f"mail {count} to {address} never came")


def _coordinator_enrols_invites_publishes_plans_and_exports(page, site, email, password, smtp_server) -> str:
    base = site.base
    page.goto(f"{base}/login")  # the language switch is a form too
    _submit(page, "button[name=lang][value=en]")
    assert page.locator("html[lang=en]").count() == 1 and not _refused(page)
    _submit(page, "button[name=lang][value=da]")
    assert page.locator("html[lang=da]").count() == 1
    _password_step(page, base, email, password)
    # Production requires a second factor for coordinators: the first login enrols it.
    page.wait_for_url(f"{base}/konto/totrinsgodkendelse")
    secret = page.inner_text("#totp-secret")
    _type(page, "#code", pyotp.TOTP(secret).now())
    _submit(page)
    page.wait_for_selector("text=Dine gendannelseskoder")
    page.click("text=Jeg har gemt koderne")
    page.wait_for_url(f"{base}/konto")

    page.goto(f"{base}/brugere/inviter")
    _type(page, "#name", "Nina Ny")
    _type(page, "#email", "nina.ny@example.dk")
    page.select_option("#role", "team_leader")
    page.select_option("#municipality_id", label="Aalborg")
    _submit(page)
    assert "Nina Ny er inviteret" in page.content()

    page.goto(f"{base}/spoergeskemaer/rediger?sti={SLUG}.yaml")
    page.fill("#yaml", page.input_value("#yaml").replace(EDITED, "forenklet arbejdet på området?"))
    _submit(page, "form.editor-form button:has-text('Offentliggør')")
    assert page.url == f"{base}/spoergeskemaer/{SLUG}" and "Offentliggjort" in page.inner_text(".flashes")

    page.goto(f"{base}/runder/ny")
    page.select_option("#version_id", page.locator("#version_id option", has_text="(v2)").get_attribute("value"))
    _type(page, "#label", "Efterår 2031")
    _type(page, "#opens_local", "2031-09-01T09:00")
    _type(page, "#closes_local", "2031-09-21T16:00")
    page.locator("input[name=municipality_ids]").first.check()
    _submit(page, "main form button[type=submit]")
    assert "Runden er oprettet som kladde" in page.content(), page.content()[:2000]
    _submit(page, "button:has-text('Planlæg runden')")
    assert "Runden er planlagt" in page.content()

    page.goto(f"{base}/resultater/survey/{SLUG}")
    assert page.locator("svg[role=img] title").count() >= 1
    _submit(page, "form.export-form button")
    link = page.wait_for_selector("a[href$='fil.xlsx']", timeout=60_000)  # results.js reloads when done
    with page.expect_download() as download:
        link.click()
    saved = site.folder / "export.xlsx"
    download.value.save_as(saved)
    assert saved.read_bytes()[:2] == b"PK"  # a workbook (a zip file)
    _log_out(page, base)
    return secret


def _coordinator_logs_in_with_the_code(page, base, email, password, secret) -> None:
    _password_step(page, base, email, password)
    page.wait_for_url(f"{base}/login/kode")
    _type(page, "#code", _next_code(secret))
    _submit(page)
    assert page.url == f"{base}/", page.url
    _log_out(page, base)


def _invitee_accepts_logs_a_case_and_resets_the_password(page, base, round_id, smtp_server) -> None:
    page.goto(base + _link(_mail_to(smtp_server, "nina.ny@example.dk", 1), base, "brugere/invitation"))
    _type(page, "#password", "ninas-egen-kode")
    _type(page, "#confirm", "ninas-egen-kode")
    _submit(page)
    page.wait_for_url(f"{base}/login")
    _password_step(page, base, "nina.ny@example.dk", "ninas-egen-kode")
    assert page.url == f"{base}/", page.url

    page.goto(f"{base}/tilsyn/runder/{round_id}")
    page.click("text=Registrér en sag")
    page.wait_for_url(f"{base}/tilsyn/runder/{round_id}/sager/ny")
    _type(page, "#case_reference", "AAL-REV-2019-001")
    for question, index in CASE_ANSWERS.items():
        page.check(f"#q_{question}-{index}")
    _type(page, "#comment", "Gennemgået")
    _submit(page)
    assert "Sagen AAL-REV-2019-001 er registreret" in page.content()
    _log_out(page, base)

    page.goto(f"{base}/glemt-adgangskode")
    _type(page, "#email", "nina.ny@example.dk")
    _submit(page)
    assert "Hvis adressen har en konto" in page.content()
    page.goto(base + _link(_mail_to(smtp_server, "nina.ny@example.dk", 2), base, "reset"))
    _type(page, "#password", "ninas-nye-kode")
    _type(page, "#confirm", "ninas-nye-kode")
    _submit(page)
    assert "Din adgangskode er skiftet" in page.content()
    _password_step(page, base, "nina.ny@example.dk", "ninas-nye-kode")
    assert page.url == f"{base}/", page.url
    _log_out(page, base)


def _answer_draft_resume_submit(page, base: str, link: str, first: str, second: str) -> None:
    page.goto(base + link)
    page.wait_for_url(f"{base}/svar")
    page.check(first)
    _submit(page, "button[value=draft]")
    assert page.locator(".flash-success").count() == 1, page.content()[:2000]
    page.goto("about:blank")
    page.goto(base + link)  # resume from the same link
    page.wait_for_url(f"{base}/svar")
    assert page.is_checked(first)
    page.check(second)
    _submit(page, "button[value=submit]")
    assert page.url == f"{base}/svar/tak" and "Tak for dit svar" in page.content()


def _seed(app, make_user, make_round):
    from app.models import utcnow
    from app.waves.service import public_token
    from tests.answering.helpers import open_wave
    from tests.waves.factories import add_wave

    _cid, email, password = make_user("coordinator")
    round_id = make_round(municipalities=("aalborg",), listed=("AAL-REV-2019-001",))
    _wave, [(_id, token), *_] = open_wave(app)
    with app.app_context():
        anonymous = add_wave(slug="borgertilfredshed", status="open", opens=utcnow() - timedelta(days=1),
                             closes=utcnow() + timedelta(days=3), municipalities=())
        db.session.commit()
        public = public_token(anonymous)
        waves = (_wave, anonymous.id)
    return email, password, round_id, f"/s/{token}", f"/p/{public}", waves


def _stored(app, waves) -> tuple[list[str], list[str]]:
    """The statuses of the answers in the two answered waves, and the logged cases."""
    from app.models import Response, SupervisionRecord

    with app.app_context():
        statuses = db.session.scalars(select(Response.status).where(Response.wave_id.in_(waves)))
        return sorted(statuses), list(db.session.scalars(select(SupervisionRecord.case_reference)))


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_every_journey_in_chromium_over_tls_through_nginx_to_production_gunicorn(
        app, known_survey, make_user, make_round, smtp_server, chromium_path, tmp_path):
    from playwright.sync_api import sync_playwright

    email, password, round_id, personal, anonymous, waves = _seed(app, make_user, make_round)
    settings = {**{k: str(v) for k, v in smtp_server.config().items()}, "EXPORT_DIR": str(tmp_path / "exports"),
                "EXPORT_POLL_SECONDS": "1", "SESSION_COOKIE_SECURE": "1"}
    with deployment(tmp_path / "site", app.config["SQLALCHEMY_DATABASE_URI"], app.config["SECRET_KEY"],
                    **settings) as site, sync_playwright() as playwright:
        site.spawn([str(Path(sys.executable).parent / "flask"), "worker"], "worker")
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            coordinator = browser.new_context(ignore_https_errors=True).new_page()
            secret = _coordinator_enrols_invites_publishes_plans_and_exports(coordinator, site, email, password,
                                                                            smtp_server)
            invitee = browser.new_context(ignore_https_errors=True).new_page()
            _invitee_accepts_logs_a_case_and_resets_the_password(invitee, site.base, round_id, smtp_server)
            respondent = browser.new_context(ignore_https_errors=True).new_page()
            _answer_draft_resume_submit(respondent, site.base, personal, "#q_ly_forenklet-3", "#q_ly_kvalitet-1")
            citizen = browser.new_context(ignore_https_errors=True).new_page()
            _answer_draft_resume_submit(citizen, site.base, anonymous, "#q_bt_forloeb-0", "#q_bt_indsatsplan-0")
            _coordinator_logs_in_with_the_code(coordinator, site.base, email, password, secret)
        finally:
            browser.close()
        logs = site.log_text()
        nginx_log, gunicorn_log = (site.logs / "boelge.access.log").read_text(), (site.logs / "gunicorn.log").read_text()
    assert _stored(app, waves) == (["submitted", "submitted"], ["AAL-REV-2019-001"])
    # No whole link token in any log of nginx or gunicorn (access and error logs); the requests are
    # there, cut short after six characters, in nginx's log and in gunicorn's.
    mailed = [_link(smtp_server.messages[0], site.base, "brugere/invitation"),
              _link(smtp_server.messages[1], site.base, "reset")]
    for path in (personal, anonymous, *mailed):
        token = path.rsplit("/", 1)[1]
        assert token not in logs, path.rsplit("/", 1)[0]
        start = f"{path.rsplit('/', 1)[0]}/{token[:6]}"
        assert f"{start}..." in nginx_log and f"{start}…" in gunicorn_log, start


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_staff_sign_in_with_their_municipalitys_provider_over_tls(app, make_user, chromium_path, tmp_path):
    """The OpenID journey in production config: https Bølge behind nginx, a real provider (oidc-provider)."""
    from playwright.sync_api import sync_playwright

    from tests.oidc.conftest import ACCOUNTS
    from tests.oidc.support import CLIENT_SECRET, free_port, start_node_provider

    make_user("team_leader", "aalborg", email="mette@aalborg.example.dk")  # MFA at the provider (amr)
    make_user("team_leader", "aalborg", email="anne@aalborg.example.dk")  # password only: REQUIRE_2FA asks for TOTP
    port = free_port()  # the provider starts once Bølge's https address is known; discovery waits for the first sign-in
    providers = tmp_path / "oidc-providers.yaml"
    providers.write_text(f"""providers:
  - name: aalborg
    label: Log ind med Aalborg Kommune
    issuer: http://127.0.0.1:{port}
    client_id: boelge
    client_secret_env: OIDC_AALBORG_SECRET
    municipalities: [Aalborg]
""", encoding="utf-8")
    settings = {"OIDC_PROVIDERS_FILE": str(providers), "OIDC_AALBORG_SECRET": CLIENT_SECRET,
                "SESSION_COOKIE_SECURE": "1", "REQUIRE_2FA": "all"}
    with deployment(tmp_path / "site", app.config["SQLALCHEMY_DATABASE_URI"], app.config["SECRET_KEY"],
                    **settings) as site, sync_playwright() as playwright:
        provider = start_node_provider(tmp_path, [f"{site.base}/login/oidc/aalborg/callback"], [f"{site.base}/login"],
                                       ACCOUNTS, port=port)
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            for login, lands_on in (("mette", f"{site.base}/"), ("anne", f"{site.base}/konto/totrinsgodkendelse")):
                page = browser.new_context(ignore_https_errors=True).new_page()
                page.goto(f"{site.base}/login")
                page.get_by_role("link", name="Log ind med Aalborg Kommune").click()
                page.wait_for_url(f"{provider.issuer}/interaction/**")
                page.fill("input[name=login]", login)
                page.fill("input[name=password]", "any")
                page.click("button[type=submit]")
                page.wait_for_selector("input[name=prompt][value=consent]", state="attached")
                page.click("button[type=submit]")
                page.wait_for_url(lands_on)
            with page.expect_navigation():
                page.click("header >> text=Log ud")
            page.wait_for_url(f"{provider.issuer}/session/end**")
        finally:
            browser.close()
            provider.stop()
        gunicorn_log = (site.logs / "gunicorn.log").read_text()
    assert "/login/oidc/aalborg/callback?code=" in gunicorn_log
    with app.app_context():
        from app.models import AuditEntry

        logins = [e.after["mfa"] for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action == "oidc_login"))]
    assert logins == [True, False]


class FromAddress(HTTPAdapter):
    """Connect from another loopback address than nginx's own, so the client's address can be told apart."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        return super().init_poolmanager(*args, **kwargs)


CLIENT = "127.0.0.3"
NEIGHBOUR = "127.0.0.4"
LINK_FAILURES = 3  # TOKEN_MAX_FAILURES of this installation


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_proxy_redirects_serves_static_files_passes_the_client_address_and_refuses_other_sites(
        app, make_user, tmp_path):
    from app.models import ThrottleEvent

    _uid, email, password = make_user("team_leader", "aalborg")
    with deployment(tmp_path / "site", app.config["SQLALCHEMY_DATABASE_URI"], app.config["SECRET_KEY"],
                    TOKEN_MAX_FAILURES=str(LINK_FAILURES)) as site:
        client = requests.Session()
        client.verify, client.trust_env = False, False  # a self-signed certificate; no proxy settings
        client.mount("https://", FromAddress(CLIENT))
        client.mount("http://", FromAddress(CLIENT))
        base = site.base

        plain = client.get(f"{site.http_base}/login", allow_redirects=False, timeout=10)
        assert plain.status_code == 301 and plain.headers["Location"] == f"{base}/login"
        style = client.get(f"{base}/static/style.css", timeout=10)
        assert style.status_code == 200 and "max-age=3600" in style.headers.get("Cache-Control", "")

        # A made-up X-Forwarded-For is replaced by nginx: a wrong link counts against the real address.
        wrong = client.get(f"{base}/s/{'x' * 32}", headers={"X-Forwarded-For": "6.6.6.6"}, allow_redirects=False,
                           timeout=10)
        assert wrong.status_code == 302
        with app.app_context():
            keys = set(db.session.scalars(select(ThrottleEvent.key).where(ThrottleEvent.scope == "link")))
        assert keys == {CLIENT}

        # Each client behind the proxy is limited on its own: when this one has used up its wrong links,
        # another address's first wrong link still gets the ordinary page.
        for _ in range(LINK_FAILURES - 1):
            client.get(f"{base}/s/{'x' * 32}", allow_redirects=False, timeout=10)
        assert client.get(f"{base}/s/{'x' * 32}", allow_redirects=False, timeout=10).status_code == 429
        neighbour = requests.Session()
        neighbour.verify, neighbour.trust_env = False, False
        neighbour.mount("https://", FromAddress(NEIGHBOUR))
        assert neighbour.get(f"{base}/s/{'x' * 32}", allow_redirects=False, timeout=10).status_code == 302

        # A form posted from another site is refused even with a valid token and session; so is one
        # without a token from this site. What a browser on this site sends is accepted.
        page = client.get(f"{base}/login", timeout=10)
        assert page.headers["Referrer-Policy"] == "same-origin" and "Strict-Transport-Security" in page.headers
        form = {"email": email, "password": password, "csrf_token": extract_csrf(page.text)}
        own = {"Origin": base, "Referer": f"{base}/login"}
        for headers in ({**own, "Origin": "https://evil.example"}, {**own, "Origin": "null"},
                        {"Referer": "https://evil.example/login"}, {**own, "Origin": f"https://127.0.0.1:{site.gunicorn_port}"}):
            refused = client.post(f"{base}/login", data=form, headers=headers, allow_redirects=False, timeout=10)
            assert refused.status_code == 400 and "Siden er udløbet" in refused.text, headers
        # The app knows it is served over HTTPS behind nginx (X-Forwarded-Proto through ProxyFix): a client
        # that strips both Origin and Referer is refused although its token is valid.
        bare = client.post(f"{base}/login", data=form, allow_redirects=False, timeout=10)
        assert bare.status_code == 400 and "Siden er udløbet" in bare.text
        tokenless = {k: v for k, v in form.items() if k != "csrf_token"}
        assert client.post(f"{base}/login", data=tokenless, headers=own, allow_redirects=False, timeout=10).status_code == 400
        accepted = client.post(f"{base}/login", data=form, headers=own, allow_redirects=False, timeout=10)
        assert accepted.status_code == 302 and accepted.headers["Location"] == "/"


def test_the_systemd_units_are_valid_and_run_the_tested_commands(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is not installed (package systemd)")
    units = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
    assert [u.name for u in units] == ["boelge-scheduler.service", "boelge-web.service", "boelge-worker@.service"]
    commands = {}
    for unit in units:
        text = unit.read_text()
        commands[unit.name] = re.search(r"^ExecStart=/opt/boelge/\.venv/bin/(.+)$", text, re.M).group(1)
        # The paths of this checkout, so systemd can check the executables exist.
        text = (text.replace("/opt/boelge/.venv", str(Path(sys.executable).parent.parent))
                .replace("/etc/boelge/boelge.env", str(ROOT / "deploy" / "boelge.env.example"))
                .replace("User=boelge", "User=root").replace("Group=boelge", "Group=root"))
        (tmp_path / unit.name.replace("@.", "@1.")).write_text(text)
    result = subprocess.run([analyze, "verify", *sorted(str(p) for p in tmp_path.glob("*.service"))],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert commands["boelge-scheduler.service"] == "flask scheduler run"
    assert commands["boelge-worker@.service"] == "flask worker"
    web = commands["boelge-web.service"]
    assert web.startswith("gunicorn ") and '"app:create_app()"' in web
    assert "--logger-class app.answering.access_log.RedactingGunicornLogger" in web  # the access log tested above

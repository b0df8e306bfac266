"""Every coordinator page and form answers without a 500 under the development config with no optional setting.

`make run` sets no SERVER_BASE_URL (nor any other optional setting), and inviting a user answered 500
there: the invitation read SERVER_BASE_URL directly instead of the one rule for links (app/base_url.py).
This test builds the app as `make run` does: the development config read from an environment with
none of config.py's settings, only the database and the folders pointed at the test's own. It fills the
demo network, signs in as a coordinator and walks the site: every page linked from the pages it sees
(a few of each kind), then every form on them posted once with valid-looking data. No answer may be a 500
and every POST route a coordinator has must have been posted.
"""
from __future__ import annotations

import importlib
import io
import re
import secrets
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from app.extensions import db
from app.worker import run_pending
from tests.conftest import ROOT, extract_csrf

PER_KIND = 2  # pages visited of each kind (the same route with other ids)
# POST routes that are not a coordinator's forms: the respondent's, signing in and out, a new account's.
NOT_COORDINATOR_FORMS = {"answering.save", "answering.finish", "auth.login", "auth.logout", "auth.forgot_password",
                         "auth.reset_password", "users.accept_invitation", "account.second_step"}
# GET routes that are not a coordinator's pages (or are read by the walk's own login).
NOT_COORDINATOR_PAGES = {"account.second_step", "answering.form", "answering.invalid", "answering.personal_link",
                         "answering.public_link", "answering.thanks", "auth.forgot_password", "auth.login",
                         "auth.reset_password", "main.health", "static", "users.accept_invitation"}
# Forms (and pages) the demo network's state does not show a coordinator's walk, and the tests that post them.
ELSEWHERE = {
    "account.disable_second_factor": "only with a second factor of one's own: tests/account",
    "account.new_recovery_codes": "only with a second factor of one's own: tests/account",
    "users.reset_second_factor": "only for a user with a second factor: tests/users",
    "users.reactivate": "only for a deactivated user, and deactivating is posted last: tests/users",
    "privacy.remove_cpr_numbers": "only when CPR numbers were found: tests/privacy",
    "supervision.new_record": "a team leader's form: tests/supervision",
    "supervision.edit_record": "a team leader's form: tests/supervision",
    "supervision.delete_record": "a team leader's form: tests/supervision",
    "supervision.include_record": "only for a deleted record: tests/supervision",
}
# Forms that end the walk's own session or account; they are posted last.
LAST = ("/logout", "/konto/andre-sessioner", "/deaktiver")


class Forms(HTMLParser):
    """The links and the forms of a page: each form's method, action, fields and file inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append({"method": a.get("method", "get").lower(), "action": a.get("action", ""),
                               "fields": [], "selects": {}})
        elif not self.forms:
            return
        elif tag in ("input", "textarea", "button") and a.get("name"):
            field = [tag, a.get("type", "textarea" if tag == "textarea" else "text").lower(), a["name"], a.get("value", ""), a]
            self.forms[-1]["fields"].append(field)
            self._textarea = field if tag == "textarea" else None
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.forms[-1]["selects"][a["name"]] = []
        elif tag == "option" and self._select is not None:
            self.forms[-1]["selects"][self._select].append(a.get("value", ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[3] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def dev_app(database_url: str, tmp_path: Path, monkeypatch):
    """The development app as `make run` builds it, from an environment without any of config.py's settings."""
    import config

    names = set(re.findall(r'_env(?:_bool|_int)?\("([A-Z0-9_]+)"', (ROOT / "config.py").read_text()))
    assert {"SERVER_BASE_URL", "BOELGE_SERVED_URL", "SMTP_HOST", "MAIL_BACKEND"} <= names
    for name in names | {"BOELGE_ENV"}:
        monkeypatch.delenv(name, raising=False)
    importlib.reload(config)
    from app import create_app

    app = create_app("development", {
        "SQLALCHEMY_DATABASE_URI": database_url, "EXPORT_DIR": tmp_path / "exports", "MAIL_FOLDER": tmp_path / "mail",
        "DEMO_CREDENTIALS_FILE": tmp_path / "demo-credentials.txt"})
    assert app.config["SERVER_BASE_URL"] is None and app.config["MAIL_BACKEND"] == "folder"
    return app


@pytest.fixture
def walk_app(database_url, tmp_path, monkeypatch):
    import config

    app = dev_app(database_url, tmp_path, monkeypatch)
    with app.app_context():
        db.create_all()
        from app.demo import build_demo

        build_demo(seed=7, echo=lambda _line: None)
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    monkeypatch.undo()
    importlib.reload(config)


class Walker:
    def __init__(self, app) -> None:
        self.app = app
        self.client = app.test_client()
        self.email = f"gennemgang.{secrets.token_hex(3)}@example.dk"
        self.password = "korrekt-hest-" + secrets.token_hex(6)
        with app.app_context():
            from app.auth.service import create_user

            self.user_id = create_user(self.email, "Gennemgang Koordinator", self.password, "coordinator", None).id
            db.session.commit()
        self.failures: list[str] = []
        self.seen: dict[str, int] = {}
        self.forms: dict[tuple, tuple[str, dict]] = {}
        self.posted: set[str] = set()
        self.done: set[tuple] = set()
        self.visited: set[str] = set()  # read in this round
        self.read: set[str] = set()  # read in any round
        self.serial = 0

    def login(self) -> None:
        token = extract_csrf(self.client.get("/login").get_data(as_text=True))
        response = self.client.post("/login", data={"email": self.email, "password": self.password, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]

    def request(self, method: str, url: str, **kwargs):
        try:
            response = self.client.open(url, method=method, **kwargs)
        except Exception as exc:  # noqa: BLE001 - under DEBUG an error is raised, not answered with 500
            self.failures.append(f"{method} {url}: {exc!r}")
            return None
        if response.status_code >= 500:
            self.failures.append(f"{method} {url}: {response.status_code}")
        if urlsplit(response.headers.get("Location", "")).path == "/login":
            self.login()
        return response

    @staticmethod
    def kind(url: str) -> str:
        return re.sub(r"\d+", "N", urlsplit(url).path)

    def crawl(self, start: list[str]) -> None:
        queue = deque(start)
        while queue:
            url = queue.popleft()
            kind = self.kind(url)
            if self.seen.get(kind, 0) >= PER_KIND or kind.startswith("/static/") or url in self.visited:
                continue
            self.seen[kind] = self.seen.get(kind, 0) + 1
            self.visited.add(url)
            self.read.add(url)
            response = self.request("GET", url)
            if response is None or not response.content_type.startswith("text/html") or response.status_code != 200:
                continue
            queue.extend(self.read_forms(url, response))
            if re.fullmatch(r"/resultater/eksport/\d+", url):
                queue.append(url + "/status")  # what the job's page polls

    def read_forms(self, url: str, response) -> list[str]:
        """Keep the page's POST forms not seen before (by route and field names); its links."""
        page = Forms()
        page.feed(response.get_data(as_text=True))
        for form in page.forms:
            action = form["action"] or urlsplit(url).path
            if form["method"] == "post" and action.startswith("/") and f"/brugere/{self.user_id}/" not in action:
                names = tuple(sorted({f[2] for f in form["fields"]} | set(form["selects"])))
                buttons = tuple(sorted(f[3] for f in form["fields"] if f[0] == "button"))  # open / close
                self.forms.setdefault((self.kind(action), names, buttons), (action, form))
        return [link for link in page.links if link.startswith("/") and not link.startswith("//")]

    def fill(self, action: str, form: dict) -> dict:
        self.serial += 1
        data: dict = {}
        for tag, kind, name, value, attrs in form["fields"]:
            if tag == "button" or kind in ("submit", "button"):
                data.setdefault(name, value)
            elif kind == "hidden":
                data[name] = value
            elif kind in ("checkbox", "radio"):
                if name not in data or "checked" in attrs:
                    data[name] = value or "y"
            elif kind == "file":
                data[name] = [self.upload(action, n) for n in range(2 if "multiple" in attrs else 1)]
            elif kind == "password":
                data[name] = self.password if "current" in name else self.new_password()
            elif kind == "email" or "email" in name:
                data[name] = f"ny.{self.serial}.{secrets.token_hex(2)}@example.dk"
            elif kind == "number":
                data[name] = value or attrs.get("min") or "1"
            elif kind in ("date", "datetime-local"):
                later = any(word in name for word in ("close", "end", "until"))
                day = "2031-03-28" if later else "2031-03-01"
                data[name] = value or (day + "T08:00" if kind == "datetime-local" else day)
            elif "days" in name:
                data[name] = value or "7"
            elif kind == "textarea" and value.strip():
                data[name] = value.strip("\r\n")
            else:
                data[name] = value.strip() or f"Gennemgang {self.serial}"
        for name, options in form["selects"].items():
            chosen = [option for option in options if option]
            data[name] = chosen[0] if chosen else ""
        return data

    def new_password(self) -> str:
        if not hasattr(self, "_next_password"):
            self._next_password = "ny-korrekt-hest-" + secrets.token_hex(6)
        return self._next_password

    @staticmethod
    def upload(action: str, n: int):
        """A file of the kind the form takes; a multiple upload gets different files."""
        if "spoergeskema" in action:
            path = sorted((ROOT / "questionnaires").glob("*.yaml"))[n]
            return (io.BytesIO(path.read_bytes()), path.name)
        if "sagsliste" in action:
            return (io.BytesIO(b"sagsnummer,kommune\nGEN-1,Aalborg\n"), "sager.csv")
        return (io.BytesIO("navn,e-mail,kommune\nGennem Gang,gennem.gang@example.dk,Aalborg\n".encode()), "liste.csv")

    def post_all(self, last: bool) -> list[str]:
        """Post every form not posted yet (those in LAST only when `last`); the pages they lead to."""
        led_to = []
        for key, (action, form) in list(self.forms.items()):
            if key in self.done or any(word in action for word in LAST) != last:
                continue
            self.done.add(key)
            data = self.fill(action, form)
            response = self.request("POST", action, data=data, content_type="multipart/form-data")
            self.posted.add(action)
            if response is not None and response.headers.get("Location", "").startswith("/"):
                led_to.append(response.headers["Location"])
            elif response is not None and response.status_code == 200 and response.content_type.startswith("text/html"):
                self.read_forms(action, response)  # a form shown again may ask for more (a confirmation)
            if response is not None and response.status_code < 400 and hasattr(self, "_next_password") \
                    and any("current" in key for key in data):
                self.password = self._next_password
                del self._next_password
        return led_to

    def walk(self, rounds: int = 6) -> None:
        """Pages and forms, again on the pages the forms led to (a new draft wave has forms of its own)."""
        start = ["/"]
        for _ in range(rounds):
            self.seen = {}
            self.crawl(start)
            if set(self.forms) <= self.done:
                break
            start = self.post_all(last=False) + ["/"]
            run_pending(self.app)  # the exports asked for, so their pages offer the file
            self.visited -= set(start)  # the pages forms led to are read again: they changed
        self.post_all(last=True)


def test_every_coordinator_page_and_form_answers_without_a_500(walk_app):
    walker = Walker(walk_app)
    walker.login()
    walker.walk()
    adapter = walk_app.url_map.bind("localhost")
    posted = {adapter.match(urlsplit(action).path, method="POST")[0] for action in walker.posted}
    post_routes = {rule.endpoint for rule in walk_app.url_map.iter_rules() if "POST" in rule.methods}
    assert walker.failures == []
    assert len(walker.posted) >= 30 and len(walker.read) >= 60
    assert post_routes - NOT_COORDINATOR_FORMS - posted <= set(ELSEWHERE)
    read = {adapter.match(urlsplit(url).path, method="GET")[0] for url in walker.read}
    get_routes = {rule.endpoint for rule in walk_app.url_map.iter_rules() if "GET" in rule.methods}
    assert get_routes - NOT_COORDINATOR_PAGES - read <= set(ELSEWHERE)
    with walk_app.app_context():  # the invitation's link starts with the address served (the test client's)
        from sqlalchemy import select

        from app.models import Message

        bodies = db.session.scalars(select(Message.body).where(Message.purpose == "user-invitation")).all()
    links = [re.search(r"(https?://[^/\s]+)(/\S+)\n", body).groups() for body in bodies]
    assert links and all(base == "http://localhost" for base, _ in links)
    assert {adapter.match(path)[0] for _, path in links} == {"users.accept_invitation"}


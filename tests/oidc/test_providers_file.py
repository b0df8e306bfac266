"""OIDC_PROVIDERS_FILE: the example reads, a broken file stops start-up naming file, entry and key, no file changes nothing."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.auth.oidc_config import ProviderFileError, load_providers
from tests.conftest import ROOT, make_app

EXAMPLE = ROOT / "deploy" / "oidc-providers.example.yaml"
SECRETS = {"OIDC_AALBORG_SECRET": "a", "OIDC_VENDSYSSEL_SECRET": "v", "S": "s"}
GOOD = """providers:
  - name: aalborg
    label: Log ind med Aalborg Kommune
    issuer: https://login.example.dk/aalborg
    client_id: boelge
    client_secret_env: S
    municipalities: [Aalborg]
"""


def test_the_example_file_reads_as_documented():
    aalborg, vendsyssel = load_providers(EXAMPLE, environ=SECRETS)
    assert (aalborg.name, aalborg.label, aalborg.client_secret) == ("aalborg", "Log ind med Aalborg Kommune", "a")
    assert aalborg.issuer.startswith("https://login.microsoftonline.com/") and aalborg.claim == "email"
    assert not aalborg.password_login and aalborg.email_verified_by_provider and not aalborg.coordinators
    assert vendsyssel.municipalities == (813, 860) and vendsyssel.coordinators and vendsyssel.claim == "upn"
    assert vendsyssel.password_login and vendsyssel.algorithms == ("RS256", "PS256", "ES256")


def test_the_example_file_starts_the_app(tmp_path, monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    app = make_app(f"sqlite:///{tmp_path / 'x.db'}", tmp_path, OIDC_PROVIDERS_FILE=str(EXAMPLE))
    with app.test_request_context():
        from app.auth.oidc import configured

        assert [p.name for p in configured()] == ["aalborg", "vendsyssel"]
    html = app.test_client().get("/login").get_data(as_text=True)
    assert "Log ind med Aalborg Kommune" in html and "Log ind med Vendsyssel-kommunerne" in html


@pytest.mark.parametrize("change, message", [
    (("client_secret_env: S", "client_secret_env: MISSING"),
     "provider 1 (aalborg), client_secret_env: the environment variable MISSING is not set"),
    (("issuer: https://login.example.dk/aalborg", "issuer: http://login.example.dk/aalborg"),
     "provider 1 (aalborg), issuer: expected an https:// URL"),
    (("    municipalities: [Aalborg]\n", ""), "provider 1 (aalborg), municipalities: the provider serves no one"),
    (("    client_id: boelge\n", ""), "provider 1 (aalborg), client_id: missing"),
    (("name: aalborg", "name: Aalborg Kommune"), "provider 1 (Aalborg Kommune), name: use lower-case letters"),
    (("    municipalities: [Aalborg]\n", "    municipalities: [Aalborg]\n    algorithms: [none]\n"),
     "provider 1 (aalborg), algorithms: 'none' is not accepted"),
    (("    municipalities: [Aalborg]\n", "    municipalities: [Aalborg]\n    password_login: nej\n"),
     "provider 1 (aalborg), password_login: expected true or false"),
    (("    municipalities: [Aalborg]\n", "    municipalities: [Aalborg]\n    secret: abc\n"),
     "provider 1 (aalborg), secret: unknown key"),
    (("providers:", "udbydere:"), "expected a top-level key 'providers'"),
    (("    label: Log", "   label: [Log"), "not valid YAML"),
])
def test_a_broken_file_stops_start_up_naming_file_entry_and_key(tmp_path: Path, monkeypatch, change, message):
    monkeypatch.setenv("S", "s")
    path = tmp_path / "oidc-providers.yaml"
    old, new = change
    assert old in GOOD
    path.write_text(GOOD.replace(old, new), encoding="utf-8")
    with pytest.raises(ProviderFileError) as raised:
        make_app(f"sqlite:///{tmp_path / 'x.db'}", tmp_path, OIDC_PROVIDERS_FILE=str(path))
    assert str(raised.value).startswith(str(path))
    assert message in str(raised.value)


def test_two_entries_with_one_name_are_refused(tmp_path: Path):
    path = tmp_path / "p.yaml"
    path.write_text(GOOD + GOOD.removeprefix("providers:\n"), encoding="utf-8")
    with pytest.raises(ProviderFileError, match=r"provider 2 \(aalborg\), name: the same name as provider 1"):
        load_providers(path, environ={"S": "s"})


def test_a_missing_file_is_named(tmp_path: Path):
    with pytest.raises(ProviderFileError, match="nowhere.yaml: the file cannot be read"):
        load_providers(tmp_path / "nowhere.yaml", environ={})


def test_without_the_file_nothing_changes(app, client, make_user, login):
    assert app.config["OIDC_PROVIDERS_FILE"] is None
    html = client.get("/login").get_data(as_text=True)
    assert "/login/oidc/" not in html and "Eller log ind med e-mail" not in html
    assert client.get("/login/oidc/aalborg").status_code == 404
    _uid, email, password = make_user("team_leader", "aalborg")
    assert login(client, email, password).headers["Location"] == "/"

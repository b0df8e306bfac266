"""Chromium signs in through a real OpenID provider: login page → provider → consent → back → home, and out again."""
from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from tests.conftest import make_app
from tests.oidc.conftest import ACCOUNTS
from tests.oidc.support import CLIENT_SECRET, free_port, start_node_provider
from tests.support.browser import assert_accessible, chromium


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_chromium_signs_in_with_the_municipalitys_provider(database_url, tmp_path, catalogue, chromium_path, monkeypatch):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    provider = start_node_provider(tmp_path, [f"{base}/login/oidc/aalborg/callback"], [f"{base}/login"], ACCOUNTS)
    try:
        monkeypatch.setenv("OIDC_TEST_SECRET", CLIENT_SECRET)
        providers = tmp_path / "oidc-providers.yaml"
        providers.write_text(f"""providers:
  - name: aalborg
    label: Log ind med Aalborg Kommune
    issuer: {provider.issuer}
    client_id: boelge
    client_secret_env: OIDC_TEST_SECRET
    municipalities: [Aalborg]
""", encoding="utf-8")
        app = make_app(database_url, tmp_path, OIDC_PROVIDERS_FILE=str(providers), SERVER_BASE_URL=base)
        with app.app_context():
            from sqlalchemy import select

            from app.auth.service import create_user
            from app.models import Municipality
            from app.questionnaires.service import store_catalogue

            db.create_all()
            store_catalogue(catalogue)
            aalborg = db.session.scalar(select(Municipality).where(Municipality.slug == "aalborg"))
            create_user("anne@aalborg.example.dk", "Anne Aalborg", "korrekt-hest-batteri-1", "team_leader", aalborg)
            db.session.commit()
        server = make_server("127.0.0.1", port, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            with chromium(chromium_path) as page:
                page.goto(f"{base}/login")
                assert_accessible(page)
                page.get_by_role("link", name="Log ind med Aalborg Kommune").click()
                page.wait_for_url(f"{provider.issuer}/interaction/**")
                page.fill("input[name=login]", "anne")
                page.fill("input[name=password]", "any")
                page.click("button[type=submit]")
                page.wait_for_selector("input[name=prompt][value=consent]", state="attached")  # the consent page
                page.click("button[type=submit]")
                page.wait_for_url(f"{base}/")
                assert "Velkommen" in page.content()
                # logging out ends the provider's session too: Bølge sends the browser to its end_session_endpoint
                page.get_by_role("button", name="Log ud").click()
                page.wait_for_url(f"{provider.issuer}/session/end**")
                page.click("button[autofocus], button[type=submit]")  # the provider asks "sign out?"
                page.wait_for_url(f"{base}/login?state=**")  # the provider sends the browser back
                page.goto(f"{base}/konto")
                page.wait_for_url(f"{base}/login**")
        finally:
            server.shutdown()
            thread.join(timeout=5)
            with app.app_context():
                db.engine.dispose()
    finally:
        provider.stop()

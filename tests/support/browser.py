"""A live server on 127.0.0.1 and headless Chromium (Playwright) with an axe-core WCAG 2.1 AA audit."""
from __future__ import annotations

import threading
from contextlib import contextmanager

from werkzeug.serving import make_server

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@contextmanager
def live_server(app):
    """Serve the app in a thread on a free port; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@contextmanager
def chromium(executable_path: str, **context_options):
    """A Playwright page in Debian's Chromium (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable_path, args=CHROMIUM_ARGS)
        context = browser.new_context(**context_options)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def assert_accessible(page) -> None:
    """Run axe-core on the page; fail listing each WCAG 2.1 AA violation."""
    from axe_playwright_python.sync_playwright import Axe

    # A click that submits a form returns once the next page has started loading: audit it whole.
    page.wait_for_load_state()
    result = Axe().run(page, options=WCAG_21_AA)
    violations = result.response["violations"]
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]

"""Helpers for the coordinator's questionnaire pages: a logged-in coordinator and the editor's POST."""
from __future__ import annotations

import pytest

from tests.conftest import extract_csrf

SLUG = "ledighedsydelse-raadgiver"
PATH = f"{SLUG}.yaml"


@pytest.fixture
def coordinator(client, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    return client


def open_editor(client, path: str = PATH) -> tuple[str, str, str]:
    """(page html, stored text, base token) of the editor opened on `path`."""
    page = client.get(f"/spoergeskemaer/rediger?sti={path}")
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    import html as html_lib
    import re

    text = html_lib.unescape(re.search(r'<textarea id="yaml"[^>]*>(.*?)</textarea>', html, re.S).group(1))
    base = re.search(r'name="base" value="([^"]*)"', html).group(1)
    return html, text, base


def post_editor(client, text: str, action: str, base: str, path: str = PATH, csrf: str | None = None, **extra):
    if csrf is None:
        csrf = extract_csrf(client.get("/spoergeskemaer/").get_data(as_text=True))
    data = {"csrf_token": csrf, "path": path, "base": base, "text": text, "action": action, **extra}
    return client.post("/spoergeskemaer/rediger", data=data)

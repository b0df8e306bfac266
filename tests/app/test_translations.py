"""The English catalogue: complete, consistent with the sources, and used when a visitor picks English."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.conftest import extract_csrf

ROOT = Path(__file__).resolve().parents[2]
EN_PO = ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
EN_MO = EN_PO.with_suffix(".mo")
# The same keywords as the extraction command: Babel's defaults plus the lazy variants used in forms.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]")


def english_catalogue():
    with EN_PO.open("rb") as handle:
        return read_po(handle, locale="en")


def entries(catalogue):
    return [message for message in catalogue if message.id]


def parts(value) -> tuple[str, ...]:
    """A message id or string as a tuple (plural messages have several)."""
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def source_msgids() -> set[str]:
    """Every message id in the sources, extracted with the mapping of babel.cfg."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    ):
        found.add(parts(message)[0])
    return found


def test_every_english_entry_is_translated_and_not_fuzzy():
    problems = []
    for message in entries(english_catalogue()):
        strings = parts(message.string)
        if message.fuzzy:
            problems.append(f"fuzzy: {parts(message.id)[0]!r}")
        if not all(s.strip() for s in strings):
            problems.append(f"untranslated: {parts(message.id)[0]!r}")
    assert not problems, "\n".join(problems)


def test_english_strings_keep_the_placeholders_of_the_danish():
    problems = []
    for message in entries(english_catalogue()):
        expected = set().union(*(placeholders(i) for i in parts(message.id)))
        for string in parts(message.string):
            if string and placeholders(string) != expected:
                problems.append(f"{parts(message.id)[0]!r}: {sorted(placeholders(string))} != {sorted(expected)}")
    assert not problems, "\n".join(problems)


def test_the_catalogue_holds_the_header_and_a_sensible_number_of_messages():
    catalogue = english_catalogue()
    assert str(catalogue.locale) == "en"
    assert catalogue.plural_forms == "nplurals=2; plural=(n != 1);"
    assert len(entries(catalogue)) > 100


def test_every_string_in_the_sources_has_an_english_entry():
    in_catalogue = {parts(message.id)[0] for message in entries(english_catalogue())}
    sources = source_msgids()
    assert "Log ind" in sources  # the extraction itself works
    missing = sorted(sources - in_catalogue)
    assert not missing, "strings without an English translation (run the extraction and translate):\n" + "\n".join(
        repr(m) for m in missing
    )


@pytest.fixture
def compiled_english():
    """The running app reads the compiled catalogue: compile it when it is missing or older than the .po."""
    if not EN_MO.exists() or EN_MO.stat().st_mtime < EN_PO.stat().st_mtime:
        descriptor, temporary = tempfile.mkstemp(dir=EN_MO.parent, suffix=".mo.tmp")
        with os.fdopen(descriptor, "wb") as handle:
            write_mo(handle, english_catalogue())
        os.replace(temporary, EN_MO)
    return EN_MO


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_danish_is_the_default_language(app, client, compiled_english):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="da">' in page
    assert "Log ind" in page


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_choosing_english_translates_the_interface(app, client, compiled_english):
    token = extract_csrf(client.get("/login").get_data(as_text=True))
    response = client.post("/sprog", data={"lang": "en", "next": "/login", "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")

    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Log in" in page
    assert "Forgotten your password?" in page
    assert "Log ind" not in page

    token = extract_csrf(page)
    client.post("/sprog", data={"lang": "da", "next": "/login", "csrf_token": token})
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="da">' in page
    assert "Log ind" in page


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_unknown_language_is_ignored(app, client, compiled_english):
    token = extract_csrf(client.get("/login").get_data(as_text=True))
    client.post("/sprog", data={"lang": "xx", "next": "/login", "csrf_token": token})
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="da">' in page

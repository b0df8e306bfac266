"""Typed reading of YAML values in one file: each wrong value becomes a located problem."""
from __future__ import annotations

import difflib
import re
from datetime import date
from typing import Any, Iterable

from forms.definition import Text
from forms.problems import Problems
from forms.yaml_source import LineDict, LineList

QUESTION_ID = re.compile(r"[a-z][a-z0-9_]*\Z")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
BLOCK_ID = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
ID_RULES = {
    "question id": (QUESTION_ID, "a lowercase letter, then lowercase letters, digits or _"),
    "questionnaire id": (SLUG, "lowercase letters, digits and -"),
    "slug": (SLUG, "lowercase letters, digits and -"),
    "block id": (BLOCK_ID, "lowercase letters, digits, _ and -"),
    "section id": (BLOCK_ID, "lowercase letters, digits, _ and -"),
}


def describe(value: Any) -> str:
    """How a YAML value reads in a message (`the text "yes"`, `a list`, ...)."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f'the text "{value}"'
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    return "a list" if isinstance(value, list) else "a mapping"


def is_int(value: Any) -> bool:
    """True for YAML whole numbers (booleans are not numbers here)."""
    return isinstance(value, int) and not isinstance(value, bool)


class Source:
    """Reads the values of one file, recording a problem for each one that is wrong."""

    def __init__(self, path: str, problems: Problems):
        self.path = path
        self.problems = problems

    def error(self, template: str, line: int | None, key: str | None = None, /,
              **params: Any) -> None:
        """Record an error in this file."""
        self.problems.error(template, self.path, line, key, **params)

    def warn(self, template: str, line: int | None, key: str | None = None, /,
             **params: Any) -> None:
        """Record a warning in this file."""
        self.problems.warn(template, self.path, line, key, **params)

    def is_mapping(self, value: Any, key: str, line: int | None, expected: str = "a mapping") -> bool:
        """True when `value` is a mapping; otherwise record a wrong type."""
        if isinstance(value, LineDict):
            return True
        self.error("wrong_type", line, key, expected=expected, actual=describe(value))
        return False

    def check_keys(self, m: LineDict, allowed: Iterable[str], required: Iterable[str],
                   where: str) -> bool:
        """Record unknown and missing keys of `m`; True when every required key is present."""
        allowed = list(allowed)
        for key in m:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.error("unknown_key", m.key_line(key), str(key), where=where, hint=hint)
        missing = [k for k in required if k not in m]
        for key in missing:
            self.error("missing_key", m.line, key, where=where)
        return not missing

    def text(self, m: LineDict, key: str, required: bool = False) -> Text | None:
        """A wording: a mapping {da, en} or a plain Danish string (warned about missing English)."""
        if key not in m:
            if required:
                self.error("missing_key", m.line, key, where=self._where(m))
            return None
        value, line = m[key], m.value_line(key)
        if isinstance(value, str):
            return self._text(value, None, line, key, m.key_line(key))
        if not self.is_mapping(value, key, line, "a text or a mapping with 'da' and 'en'"):
            return None
        self.check_keys(value, ("da", "en"), (), f"'{key}'")
        da, en = value.get("da"), value.get("en")
        for lang, text in (("da", da), ("en", en)):
            if text is not None and not isinstance(text, str):
                self.error("wrong_type", value.value_line(lang), f"{key}.{lang}",
                           expected="a text", actual=describe(text))
        da = da if isinstance(da, str) else None
        en = en if isinstance(en, str) else None
        return self._text(da, en, value.key_line("da"), key, m.key_line(key))

    def _text(self, da: str | None, en: str | None, line: int, key: str,
              key_line: int) -> Text | None:
        if en is None or not en.strip():
            self.warn("missing_english", key_line, key)
        if da is None or not da.strip():
            self.error("missing_danish", key_line if da is None else line, key)
            return None
        return Text(da.strip(), en.strip() if en and en.strip() else None)

    def _where(self, m: LineDict) -> str:
        return f"'{m['id']}'" if isinstance(m.get("id"), str) else "this entry"

    def integer(self, m: LineDict, key: str, default: int | None = None) -> int | None:
        """A whole number, or `default` when absent or wrong."""
        if key not in m:
            return default
        value = m[key]
        if is_int(value):
            return value
        self.error("wrong_type", m.value_line(key), key, expected="a whole number",
                   actual=describe(value))
        return default

    def boolean(self, m: LineDict, key: str, default: bool) -> bool:
        """true or false, or `default` when absent or wrong."""
        if key not in m:
            return default
        value = m[key]
        if isinstance(value, bool):
            return value
        self.error("wrong_type", m.value_line(key), key, expected="true or false",
                   actual=describe(value))
        return default

    def string(self, m: LineDict, key: str) -> str | None:
        """A plain text value, or None when absent or wrong."""
        if key not in m:
            return None
        value = m[key]
        if isinstance(value, str):
            return value
        self.error("wrong_type", m.value_line(key), key, expected="a text",
                   actual=describe(value))
        return None

    def ident(self, m: LineDict, key: str, what: str) -> str | None:
        """An identifier following the rule for `what` (see ID_RULES)."""
        value = self.string(m, key)
        pattern, rule = ID_RULES[what]
        if value is not None and not pattern.match(value):
            self.error("bad_id", m.value_line(key), key, value=value, what=what, rule=rule)
            return None
        return value

    def choice(self, m: LineDict, key: str, choices: tuple[str, ...]) -> str | None:
        """One of `choices`, or None when absent or wrong."""
        value = self.string(m, key)
        if value is not None and value not in choices:
            self.error("bad_choice", m.value_line(key), key, choices=", ".join(choices),
                       value=value)
            return None
        return value

    def sequence(self, m: LineDict, key: str, expected: str) -> LineList | None:
        """A list, or None when absent or wrong."""
        if key not in m:
            return None
        value = m[key]
        if isinstance(value, LineList):
            return value
        self.error("wrong_type", m.value_line(key), key, expected=expected, actual=describe(value))
        return None

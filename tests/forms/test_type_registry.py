"""Question types are asked, not named: nothing outside forms/types/ compares a type's name."""
from __future__ import annotations

import re
from pathlib import Path

from forms.types import question_type, question_types, type_names

ROOT = Path(__file__).resolve().parents[2]
# `question.type == ...`, `q.type in (...)`, `qtype != ...`, and choice names quoted anywhere
COMPARISON = re.compile(r"\b(?:\w+\.type|qtype)\s*(?:==|!=|in\b|not in\b)")
ONLY_TYPE_NAMES = ("likert", "single_choice", "multiple_choice", "yes_no", "textarea")
QUOTED = re.compile(r"""["'](?:%s)["']""" % "|".join(ONLY_TYPE_NAMES))


def _sources():
    for folder in ("app", "exports", "forms"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".html") and "types" not in path.relative_to(ROOT).parts[1:2]:
                yield path


def test_no_type_name_is_compared_outside_the_type_modules():
    found = []
    for path in _sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if COMPARISON.search(line) or QUOTED.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_the_registry_lists_every_type_of_the_language_in_order():
    assert type_names() == ("likert", "single_choice", "multiple_choice", "yes_no", "number", "text",
                            "textarea", "date")
    assert [t.name for t in question_types() if t.coded] == ["likert", "single_choice", "multiple_choice", "yes_no"]
    assert [t.name for t in question_types() if t.free_text] == ["text", "textarea"]
    assert [t.name for t in question_types() if not t.tabulated] == ["text", "textarea", "date"]
    assert question_type("multiple_choice").multiple


def test_a_second_type_under_a_taken_name_is_refused_naming_both_modules():
    import pytest

    from forms.types import register
    from forms.types.base import QuestionType

    class Impostor(QuestionType):
        name = "likert"

        def field(self, question, lang, kw):  # pragma: no cover - never built
            raise AssertionError

    with pytest.raises(ValueError) as refused:
        register(Impostor)
    message = str(refused.value)
    assert "forms.types.likert.Likert" in message
    assert f"{__name__}." in message and "Impostor" in message
    assert type(question_type("likert")).__name__ == "Likert"


def test_a_type_without_its_own_message_says_the_answer_could_not_be_read():
    """The default message fits every type; "choose one of the options" belongs to coded types only."""
    from forms.types.base import QuestionType

    class Plain(QuestionType):
        name = "plain"

        def field(self, question, lang, kw):  # pragma: no cover - never built
            raise AssertionError

    assert Plain().invalid_message(None, "da") == "Svaret kunne ikke læses. Ret det, og prøv igen."
    assert Plain().invalid_message(None, "en") == "The answer could not be read. Correct it and try again."
    assert question_type("likert").invalid_message(None, "da") == "Vælg en af de viste svarmuligheder."

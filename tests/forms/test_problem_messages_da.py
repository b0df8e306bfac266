"""Questionnaire problems in Danish: the same templates as the English, and no English left in them."""
from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from forms.loader import check_files
from forms.messages import PHRASE_PARAMS, PROBLEMS, PROBLEMS_DA, phrase_da
from tests.conftest import ROOT

CATALOGUE = ROOT / "questionnaires"


def _fields(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}


def test_the_danish_catalogue_has_every_template_with_the_same_placeholders():
    assert PROBLEMS_DA.keys() == PROBLEMS.keys()
    for code, english in PROBLEMS.items():
        assert _fields(PROBLEMS_DA[code]) == _fields(english), code


def _catalogue(**changed: str) -> dict[str, str]:
    """The real catalogue as texts by relative path, with some files replaced."""
    files = {str(p.relative_to(CATALOGUE)): p.read_text(encoding="utf-8")
             for p in CATALOGUE.rglob("*.yaml")}
    files.update(changed)
    return files


BROKEN = """\
questionnaire:
  id: Broken_Id
  version: one
  kind: survey
  audience: adviser
  titel: Stavet forkert
  title: {da: Test, en: 7}
sections:
  - id: s1
    questions:
      - id: q1
        type: likert
        text: {da: "Første?", en: "First?"}
        scale: extent7
      - id: q2
        type: single_choice
        text: "Kun dansk"
        options:
          - {code: 1, da: Ja, en: Yes}
          - {code: 1, da: Nej, en: No}
          - {cod: 3, da: Måske}
        min: 5
      - id: q3
        type: number
        text: {da: Tal, en: Number}
        min: ti
        max: 3
        show_if: {question: q9, equals: 1}
      - id: q1
        type: lieert
        text: {da: Igen, en: Again}
  - id: s1
    questions: nej
"""


@pytest.fixture(scope="module")
def problems():
    found, catalogue = check_files(_catalogue(**{"broken.yaml": BROKEN}))
    assert catalogue is None
    return [p for p in found if p.path == "broken.yaml"]


def test_a_broken_file_gives_many_kinds_of_problem(problems):
    assert len({p.code for p in problems}) >= 10


def test_the_english_text_is_the_message_as_the_command_line_prints_it(problems):
    assert problems and all(p.text("en") == p.message for p in problems)


def test_every_descriptive_parameter_has_danish(problems):
    for p in problems:
        for name, value in p.params:
            if name in PHRASE_PARAMS and isinstance(value, str) and re.search(r"[a-z]{2}", value.strip("'")):
                if re.fullmatch(r"'[^']*'", value) or value.endswith(".yaml") or value in ("true", "false"):
                    continue  # a quoted key, a file name or a YAML value reads the same in Danish
                assert phrase_da(value) != value, (p.code, name, value)


ENGLISH_WORDS = re.compile(r"\b(unknown|missing|duplicate|must|not|the|of|an?|in|question|with|either|"
                           r"number|text|list|mapping|entry|file|did you mean|first at line|empty)\b")


def test_the_danish_texts_hold_no_english_words_but_what_the_file_says(problems):
    for p in problems:
        danish = p.text("da")
        assert danish != p.message, p.code
        for name, value in p.params:  # ids, type names and values as the file has them
            if name not in PHRASE_PARAMS:
                danish = danish.replace(str(value), "")
        quoted = re.sub(r"'[^']*'|\"[^\"]*\"", "", danish)  # keys, ids and values as typed
        assert not ENGLISH_WORDS.search(quoted), (p.code, danish)
    texts = {p.text("da") for p in problems}
    assert "ukendt skala 'extent7'" in texts
    assert any(t.startswith("ukendt nøgle 'titel' i ") and "(mente du 'title'?)" in t for t in texts)
    assert any("skal være et helt tal, ikke teksten \"ti\"" in t for t in texts)


def test_an_unknown_language_gets_danish(problems):
    assert problems and all(p.text("xx") == p.text("da") for p in problems)


def test_no_temporary_folder_is_left_in_any_text(problems, tmp_path: Path):
    bad = _catalogue(**{"broken.yaml": "questionnaire: [\n"})
    found, _catalogue_ = check_files(bad)
    for p in found:
        for text in (p.message, p.text("da"), str(p.params)):
            assert "boelge-catalogue-" not in text and "/tmp" not in text, text


# Broken YAML as people type it, each with the line the problem is at.
SYNTAX = {
    "bad indentation": ("questionnaire:\n  id: x\n   version: 1\n", 3),
    "a colon in an unquoted wording": ("questions:\n  - text: Hvad synes du: er det godt\n", 2),
    "an unclosed quote": ("questionnaire:\n  title: \"Uafsluttet\n", 3),
    "a tab for indentation": ("questionnaire:\n\tid: x\n", 2),
    "an unclosed list": ("questionnaire:\n  ids: [a, b\n", 3),
    "an unclosed mapping": ("questionnaire: {id: x, version: 1\n", 2),
    "a list item in a mapping": ("questionnaire:\n  id: x\n  - y\n", 3),
    "an undefined alias": ("questionnaire:\n  id: *nowhere\n", 2),
    "a missing colon": ("questionnaire:\n  id: x\n  version\n  kind: survey\n", 4),
    "an unknown escape": ("questionnaire:\n  title: \"a\\qb\"\n", 2),
    "two documents": ("questionnaire: {}\n---\nquestionnaire: {}\n", 2),
}
YAML_ENGLISH = re.compile(r"\b(while|scanning|parsing|composing|expected|found|but|got|could|not|find|mapping|"
                          r"values|allowed|here|character|cannot|start|any|token|end|stream|unknown|escape|"
                          r"undefined|alias|single|document|block|flow|sequence|node|content|simple|key|or)\b")


@pytest.mark.parametrize("case", sorted(SYNTAX))
def test_a_yaml_syntax_error_reads_in_danish_at_its_line(case):
    text, line = SYNTAX[case]
    found, catalogue = check_files(_catalogue(**{"broken.yaml": text}))
    assert catalogue is None
    (problem,) = [p for p in found if p.path == "broken.yaml"]
    assert problem.code == "yaml_syntax" and problem.line == line, (problem.line, problem.message)
    danish = problem.text("da")
    assert danish.startswith("fejl i YAML-syntaksen: ")
    quoted = re.sub(r"'[^']*'|\"[^\"]*\"", "", danish.replace("' or '", "''"))  # the characters found, as typed
    assert "' or '" not in danish and not YAML_ENGLISH.search(quoted), (case, problem.message, danish)
    assert problem.text("en") == problem.message and problem.message.startswith("YAML syntax error: ")

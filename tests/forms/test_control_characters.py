"""A control character in a questionnaire file is a located problem (file, line, key), never a crash."""
from __future__ import annotations

import re

import pytest

from forms.__main__ import main
from forms.loader import check_files
from forms.yaml_source import read_yaml
from tests.forms.catalogue_root import Root
from tests.forms.test_problem_messages_da import YAML_ENGLISH, _catalogue

# What was sent in the attack, and the same characters where people paste them from elsewhere.
HOSTILE = {
    "a control character after a key": ("questionnaire:\x01", 1, "questionnaire", "U+0001"),
    "a NUL byte in a value": ("questionnaire:\n  id: x\n  title: Hej\x00med dig\n", 3, "title", "U+0000"),
    "a NUL byte in a list item": ("questions:\n  - id: a1\n  - \x00\n", 3, None, "U+0000"),
    "a C1 control character": ("questionnaire:\n  kind: survey\x9b\n", 2, "kind", "U+009B"),
    "a lone surrogate": ("a: 1\nb: x\ud800y\n", 2, "b", "U+D800"),
    "in a key itself": ("questionnaire:\n  ti\x07tle: x\n", 2, None, "U+0007"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_the_reader_gives_a_located_problem(case):
    text, line, key, character = HOSTILE[case]
    value, problems = read_yaml(text, "hostile.yaml")
    assert value is None
    (problem,) = problems
    assert (problem.code, problem.path, problem.line, problem.key) == ("yaml_character", "hostile.yaml", line, key)
    assert character in problem.message and character in problem.text("da")


@pytest.mark.parametrize("case", sorted(set(HOSTILE) - {"a lone surrogate"}))  # UTF-8 files cannot hold one
def test_the_danish_text_has_no_english(case):
    text, line, _key, _character = HOSTILE[case]
    found, catalogue = check_files(_catalogue(**{"broken.yaml": text}))
    assert catalogue is None
    (problem,) = [p for p in found if p.path == "broken.yaml"]
    danish = problem.text("da")
    assert danish != problem.message and danish.startswith("tegnet ")
    assert not YAML_ENGLISH.search(re.sub(r"'[^']*'", "", danish)), danish


def test_the_column_is_counted_in_characters_of_the_line():
    _value, (problem,) = read_yaml("a: 1\nfør: æø\x01\n", "x.yaml")
    assert problem.line == 2 and dict(problem.params)["column"] == 8


def test_the_command_line_lists_it_in_english_and_fails(root: Root, capsys):
    path = root.write("bad.yaml", "questionnaire:\n  id: bad\n  title: \"Hej\x00\"\n")
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:3: the character U+0000 (a control character) is not allowed in YAML" in out
    assert "Traceback" not in out


def test_flask_questionnaires_check_lists_it(app, runner, tmp_path):
    import shutil

    from tests.conftest import ROOT

    copy = tmp_path / "katalog"
    shutil.copytree(ROOT / "questionnaires", copy)
    target = copy / "ledighedsydelse-raadgiver.yaml"
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].rstrip("\n") + "\x01\n"
    target.write_text("".join(lines), encoding="utf-8")
    result = runner.invoke(args=["questionnaires", "check", str(copy)])
    assert result.exit_code == 1, result.output
    assert f"{target}:3: the character U+0001 (a control character) is not allowed in YAML" in result.output
    assert "1 error(s); nothing loaded." in result.output

"""`python -m forms check`: problems printed as path:line: message, exit status 1 on errors."""
from __future__ import annotations

from forms.__main__ import main
from tests.forms.catalogue_root import Root, line_of


def test_check_prints_problems_and_fails_on_errors(root: Root, capsys):
    path = root.questionnaire("bad.yaml", "questions:\n  - include: nowhere\n")
    assert main(["check", str(path)]) == 1
    assert capsys.readouterr().out == f"{path}:{line_of(path, 'nowhere')}: include of unknown block 'nowhere'\n"


def test_check_passes_with_only_warnings(root: Root, capsys):
    path = root.questionnaire("warn.yaml", """\
questions:
  - id: a1
    type: likert
    scale: extent5
    text: "Kun dansk"
""")
    assert main(["check", str(path)]) == 0
    assert capsys.readouterr().out == (f"{path}:{line_of(path, 'Kun dansk')}: warning: "
                                         "missing English text ('en') in 'text'\n")

"""Every text the report documents write in Danish has its English wording."""
from __future__ import annotations

import ast
from pathlib import Path

from exports.documents.words import ENGLISH, say

DOCUMENTS = Path(__file__).resolve().parents[2] / "exports" / "documents"


def _said(path: Path) -> list[str]:
    """The literal first argument of each say(...) / self.say(...) call in a module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) == "say":
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append(first.value)
    return found


def test_every_danish_text_of_the_documents_has_an_english_wording():
    said = [text for module in DOCUMENTS.glob("*.py") if module.name != "words.py" for text in _said(module)]
    assert len(said) > 40
    assert [text for text in said if text not in ENGLISH] == []


def test_placeholders_are_the_same_in_both_languages():
    for danish, english in ENGLISH.items():
        names = {part.split("}")[0] for part in danish.split("{")[1:]}
        assert names == {part.split("}")[0] for part in english.split("{")[1:]}, danish
        assert say(danish, "en", **{name: "x" for name in names}) != "" and say(danish, "da", **{n: "x" for n in names})

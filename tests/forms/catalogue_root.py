"""A minimal catalogue root written to a temporary folder, for tests of the questionnaire language."""
from __future__ import annotations

import textwrap
from pathlib import Path

SCALES = """\
scales:
  extent5:
    title: {da: "Grad (5 punkter)", en: "Extent (5 points)"}
    options:
      - {code: 1, da: "Slet ikke", en: "Not at all"}
      - {code: 2, da: "I mindre grad", en: "To a small extent"}
      - {code: 3, da: "Hverken eller", en: "Neither nor"}
      - {code: 4, da: "I nogen grad", en: "To some extent"}
      - {code: 5, da: "I høj grad", en: "To a great extent"}
      - {code: 9, da: "Ved ikke", en: "Don't know", missing: true}
  yes_no:
    title: {da: "Ja/nej", en: "Yes/no"}
    ordinal: false
    options:
      - {code: 1, da: "Ja", en: "Yes"}
      - {code: 2, da: "Nej", en: "No"}
"""

MUNICIPALITIES = """\
municipalities:
  - {code: 851, slug: aalborg, name: Aalborg}
  - {code: 787, slug: thisted, name: Thisted}
"""

EXPERIMENTS = """\
experiments:
  - slug: forsoeg
    title: {da: "Et forsøg", en: "An experiment"}
    municipalities: [aalborg, thisted]
"""

HEADER = """\
questionnaire:
  id: {id}
  version: 1
  kind: survey
  audience: adviser
  experiment: forsoeg
  title: {{da: "Titel", en: "Title"}}
"""


class Root:
    """A catalogue root in a temporary folder, with helpers to add files."""

    def __init__(self, path: Path):
        self.path = path
        self.write("scales.yaml", SCALES)
        self.write("reference/municipalities.yaml", MUNICIPALITIES)
        self.write("reference/experiments.yaml", EXPERIMENTS)

    def write(self, name: str, text: str) -> Path:
        """Write `text` (dedented) to `name` below the root and return its path."""
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
        return target

    def questionnaire(self, name: str, body: str, qid: str | None = None) -> Path:
        """Write a questionnaire file: a standard header followed by `body`."""
        qid = qid or name.removesuffix(".yaml")
        return self.write(name, HEADER.format(id=qid) + textwrap.dedent(body))


def line_of(path: Path, marker: str) -> int:
    """The 1-based number of the first line of `path` containing `marker`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(f"{marker!r} not in {path}")

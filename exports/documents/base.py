"""Document exporters: the report appendices as Word documents, registered like the workbooks.

A document exporter is an `Exporter` whose main file is a .docx: it yields the same tables as its
workbook (from the same exporter code) and lays them out in `build()`; `write()` saves the document.
Its command is `flask export report <name>`.
"""
from __future__ import annotations

from abc import abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from exports.base import Exporter, Progress, language_choice
from exports.documents.words import say
from forms import Question, Text

if TYPE_CHECKING:  # python-docx is imported by the document, when one is built
    from exports.documents.document import ReportDocument


class DocumentExporter(Exporter):
    file_kinds = ("docx",)
    parts = "sections"
    label: ClassVar[Text] = Text("Word-bilag", "Word appendix")
    options = (language_choice("da", "en"),)
    language = "da"  # the document's language, set by the subclass from the one asked for

    @staticmethod
    def language_for(asked: str, questions: list[Question], title_en: str | None = "") -> str:
        """English when it was asked for and the questionnaire has English texts throughout; else Danish."""
        english = asked == "en" and title_en is not None and all(q.text.en for q in questions)
        return "en" if english else "da"

    def say(self, text: str, **values: object) -> str:
        """A fixed text of the document in its language."""
        return say(text, self.language, **values)

    @abstractmethod
    def build(self, progress: Progress | None = None) -> tuple[ReportDocument, list[str]]:
        """The document and the titles of its top-level sections."""

    def write(self, path: str | Path, progress: Progress | None = None) -> list[str]:
        document, sections = self.build(progress)
        document.save(path)
        return sections

"""An appendix laid out by LibreOffice: a question's heading and caption never end a page with its
table on the next, and a chart's caption stays under its chart."""
from __future__ import annotations

import re

import pytest

from exports.documents.document import ReportDocument
from tests.support.documents import pdf_text

pytestmark = pytest.mark.libreoffice
BLOCKS = 48


def _document(path) -> None:
    """Blocks of varying length (filler, heading, caption, table), so that headings fall at every height
    of a page, the bottom included."""
    document = ReportDocument("Layout")
    for block in range(1, BLOCKS + 1):
        for line in range(block % 9):
            document.paragraph(f"Tekst {block}.{line}: " + "bla " * 20)
        document.heading(f"Spørgsmål {block}", 2)
        document.table(["Svar", "Antal"], [[f"Række {row} af {block}", row] for row in range(1, 4)],
                       numeric=[False, True], caption=f"Tabel {block}")
    document.save(path)


def test_no_page_ends_with_a_heading_or_a_caption_whose_table_starts_on_the_next(tmp_path):
    path = tmp_path / "layout.docx"
    _document(path)
    pages = pdf_text(path, tmp_path).split("\f")
    assert len(pages) > 8
    seen = set()
    for number, page in enumerate(pages, 1):
        for block in map(int, re.findall(r"Spørgsmål (\d+)", page)):
            seen.add(block)
            assert f"Række 1 af {block}" in page, f"page {number}: heading {block} without its table"
        for block in map(int, re.findall(r"Tabel (\d+)", page)):
            assert f"Række 1 af {block}" in page, f"page {number}: caption {block} without its table"
    assert seen == set(range(1, BLOCKS + 1))

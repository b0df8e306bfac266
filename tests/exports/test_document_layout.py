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


def test_a_table_too_wide_for_a_portrait_page_gets_a_landscape_section_with_its_heading(tmp_path):
    """Portrait text, then a block whose table holds 16 columns of names and figures, then portrait again: the
    wide block is a landscape section of its own, its heading on the page of its first row, no word broken,
    and the page numbers run on."""
    from tests.support.documents import broken_words, flat, pdf_pages, tables_by_section

    words = ["Kontanthjælp", "Førtidspension", "Jobafklaringsforløb", "Selvforsørgende", "Vesthimmerland"]
    document = ReportDocument("Layout")
    document.heading("Før", 2)
    document.table(["Svar", "Antal"], [["Frederikshavn", 3]], numeric=[False, True])
    document.heading("Bred tabel", 2)
    document.paragraph("En note om tabellen.")
    document.table([words[k] if k < 2 else f"Kolonne {k}" for k in range(16)],
                   [[words[(k + r) % 5] if k < 2 else "100,0 %" for k in range(16)] for r in range(30)],
                   numeric=[False, False] + [True] * 14)
    document.heading("Efter", 2)
    document.table(["Svar", "Antal"], [["Mariagerfjord", 4]], numeric=[False, True])
    path = tmp_path / "wide.docx"
    document.save(path)
    sections = tables_by_section(path)
    assert [landscape for landscape, _room, _widths in sections] == [False, True, False]
    assert all(width <= room for _landscape, room, widths in sections for width in widths)
    pages, rows = pdf_pages(path, tmp_path)
    assert broken_words(path, pages) == []
    wide = next(k for k, page in enumerate(pages) if "Bred tabel" in page)
    assert "En note om tabellen." in pages[wide]
    assert any(flat(line).startswith("Kontanthjælp Førtidspension 100,0 %") for line in rows[wide].splitlines())
    assert f"Side {len(pages)} af {len(pages)}" in pages[-1] and "Mariagerfjord" in pages[-1]

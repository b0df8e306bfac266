"""A Word document as the report appendices need it (python-docx): real headings, tables whose header row
repeats on every page, page numbers, images with alternative text, the document's language, and every
text cleaned of characters XML cannot hold. Written to a `.part` file of its own and renamed when complete."""
from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu, Pt

from exports.cells import clean_text
from exports.files import written_in_place

LANGUAGE_TAGS = {"da": "da-DK", "en": "en-GB"}
TABLE_HALF_POINTS = 16  # 8 pt


def _text(value: object) -> str:
    return clean_text("" if value is None else str(value))


class ReportDocument:
    """One appendix being written: add headings, paragraphs, tables and figures in order, then `save`."""

    def __init__(self, title: str, language: str = "da", page_label: tuple[str, str] = ("Side", "af"),
                 landscape: bool = False) -> None:
        self.doc = docx.Document()
        self.language = language
        self.figures = 0
        self._set_language(LANGUAGE_TAGS.get(language, "da-DK"))
        properties = self.doc.core_properties
        properties.title = _text(title)
        properties.language = LANGUAGE_TAGS.get(language, "da-DK")
        properties.author = properties.last_modified_by = "Bølge"
        properties.comments = properties.subject = properties.keywords = properties.category = ""
        section = self.doc.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_height, section.page_width = section.page_width, section.page_height
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2.0))
        self._page_numbers(*page_label)
        self.doc.styles["Normal"].font.name = "Arial"  # LibreOffice shows it with the metric-compatible Liberation Sans
        self.doc.styles["Normal"].font.size = Pt(10)

    @property
    def text_width(self):
        section = self.doc.sections[0]
        return Emu(section.page_width - section.left_margin - section.right_margin)

    def _set_language(self, tag: str) -> None:
        """The language of every run by default (spelling, hyphenation, screen readers)."""
        styles = self.doc.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        if defaults is None:
            defaults = OxmlElement("w:docDefaults")
            styles.insert(0, defaults)
        run_defaults = defaults.find(qn("w:rPrDefault"))
        if run_defaults is None:
            run_defaults = OxmlElement("w:rPrDefault")
            defaults.insert(0, run_defaults)
        properties = run_defaults.find(qn("w:rPr"))
        if properties is None:
            properties = OxmlElement("w:rPr")
            run_defaults.append(properties)
        lang = properties.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            properties.append(lang)
        for attribute in ("w:val", "w:eastAsia", "w:bidi"):
            lang.set(qn(attribute), tag)

    def _page_numbers(self, page: str, of: str) -> None:
        """"Side 3 af 12" centred in the footer, from Word's PAGE and NUMPAGES fields."""
        paragraph = self.doc.sections[0].footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(f"{page} ")
        _field(paragraph, "PAGE")
        paragraph.add_run(f" {of} ")
        _field(paragraph, "NUMPAGES")

    # -- content -------------------------------------------------------------------------------------
    def title(self, text: str, subtitle: str | None = None) -> None:
        self.doc.add_heading(_text(text), 0)
        if subtitle:
            self.doc.add_paragraph(_text(subtitle), style="Subtitle")

    def heading(self, text: str, level: int = 1) -> None:
        self.doc.add_heading(_text(text), level)

    def paragraph(self, text: str, italic: bool = False, bold: bool = False, small: bool = False) -> None:
        """A paragraph; line breaks in the text stay line breaks."""
        paragraph = self.doc.add_paragraph()
        for i, line in enumerate(_text(text).split("\n")):
            if i:
                paragraph.add_run().add_break()
            run = paragraph.add_run(line)
            run.italic, run.bold = italic, bold
            if small:
                run.font.size = Pt(8.5)

    def bullets(self, items: Sequence[str]) -> None:
        for item in items:
            self.doc.add_paragraph(_text(item), style="List Bullet")

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]], numeric: Sequence[bool] = (),
              caption: str | None = None, widths: Sequence[float] | None = None, bold_rows: set[int] = frozenset()
              ) -> None:
        """A table with a header row that repeats on every page; `numeric` columns are right-aligned.

        Written as one piece of WordprocessingML (python-docx's cell by cell API costs a millisecond a
        cell, and a survey appendix has tens of thousands)."""
        if caption:
            # kept with the table, as the heading before it is kept with the caption (Heading styles keep
            # with the next paragraph): a question's heading never ends a page with its table on the next
            self.doc.add_paragraph(_text(caption), style="Caption").paragraph_format.keep_with_next = True
        count = len(headers)
        numeric = list(numeric) + [False] * (count - len(numeric))
        if widths:
            twips = [int(Cm(w).twips) for w in widths]
        else:
            twips = [int(self.text_width.twips / count)] * count
        parts = [f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="{self._grid_style}"/>'
                 '<w:tblW w:w="0" w:type="auto"/><w:tblLayout w:type="fixed"/>'
                 '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
                 'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
                 *(f'<w:gridCol w:w="{w}"/>' for w in twips), "</w:tblGrid>",
                 '<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>',
                 *(_cell(text, w, right, True, keep=True) for text, w, right in zip(headers, twips, numeric)),
                 "</w:tr>"]
        for index, values in enumerate(rows):
            bold = index in bold_rows
            parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            # a bold row is bold in its first cell: the start of a group
            parts += [_cell(value, w, right, bold and i == 0)
                      for i, (value, w, right) in enumerate(zip(values, twips, numeric))]
            parts += [_cell("", w, False, False) for w in twips[len(values):]]
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        body = self.doc.element.body
        section = body.find(qn("w:sectPr"))
        element = parse_xml("".join(parts))
        if section is not None:
            section.addprevious(element)
        else:
            body.append(element)
        self.doc.add_paragraph()

    @cached_property
    def _grid_style(self) -> str:
        return self.doc.styles["Table Grid"].style_id

    def figure(self, png: bytes, alt_text: str, caption: str, width_cm: float = 15.0) -> None:
        """An image with its alternative text (read aloud in place of the image) and a caption below."""
        self.figures += 1
        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True  # the caption below stays on the chart's page
        shape = paragraph.add_run().add_picture(BytesIO(png), width=Cm(width_cm))
        properties = shape._inline.docPr
        properties.set("descr", _text(alt_text))
        properties.set("title", _text(caption))
        properties.set("name", f"Figur {self.figures}")
        self.doc.add_paragraph(_text(caption), style="Caption")

    def save(self, path: str | Path) -> None:
        with written_in_place(path) as partial:
            self.doc.save(partial)


RIGHT = '<w:jc w:val="right"/>'


def _cell(value: object, width: int, right: bool, bold: bool, keep: bool = False) -> str:
    """One table cell as WordprocessingML: its width, alignment, an 8-point run, line breaks kept (`keep`:
    kept on the page of the next row, for the header row)."""
    text = '</w:t><w:br/><w:t xml:space="preserve">'.join(escape(line) for line in _text(value).split("\n"))
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:pPr>{"<w:keepNext/>" if keep else ""}'
            '<w:spacing w:after="0"/>'
            f'{RIGHT if right else ""}</w:pPr><w:r><w:rPr>{"<w:b/>" if bold else ""}'
            f'<w:sz w:val="{TABLE_HALF_POINTS}"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:tc>')


def _field(paragraph, instruction: str) -> None:
    """A simple field (PAGE, NUMPAGES) that Word and LibreOffice fill in when laying out the pages."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)

"""A Word document as the report appendices need it (python-docx): real headings, tables whose header row
repeats on every page, page numbers, images with alternative text, the document's language, and every
text cleaned of characters XML cannot hold. Written to a `.part` file of its own and renamed when complete."""
from __future__ import annotations

import re
from collections.abc import Sequence
from copy import deepcopy
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
from exports.documents.metrics import width_pt
from exports.files import written_in_place

LANGUAGE_TAGS = {"da": "da-DK", "en": "en-GB"}
TABLE_SIZES = (8.0, 7.0, 6.5)  # a table's font size in points, smaller where the columns do not fit
CELL_MARGIN_TWIPS = 85  # left and right inside a cell (0.15 cm)
COMPACT_MARGIN_TWIPS = 57  # in a table with a smaller font (0.1 cm)
SLACK_TWIPS = 40  # borders, and rounding in the layout
SHORT_CELL = 20  # a cell this short stays on one line ("Netværket i alt", "Juli 2019")
NBSP = "\u00a0"
WHOLE_TABLE_ROWS = 12  # a table with fewer rows is kept on one page


def _text(value: object) -> str:
    return clean_text("" if value is None else str(value))


class ReportDocument:
    """One appendix being written: add headings, paragraphs, tables and figures in order, then `save`."""

    def __init__(self, title: str, language: str = "da", page_label: tuple[str, str] = ("Side", "af"),
                 landscape: bool = False) -> None:
        self.doc = docx.Document()
        self.language = language
        self.figures = 0
        self._landscape = landscape
        # blocks of content: [the element before the block's first (None: the body's start), wide?]
        self._blocks: list[list] = [[None, None]]
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

    @property
    def landscape_text_width(self):
        return Emu(self._width_twips(True) * 635)

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
        """A heading, which starts a block: the heading with what follows up to the next heading, laid out
        in landscape together when a table of it is too wide for a portrait page."""
        self._blocks.append([self._last_element(), None])
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
              caption: str | None = None, widths: Sequence[float] | None = None, bold_rows: set[int] = frozenset(),
              groups: Sequence[tuple[str | None, int]] | None = None, figures: bool = True) -> None:
        """A table with a header row that repeats on every page; `numeric` columns are right-aligned.

        `groups` puts a second header row on top: (label, columns spanned), a label spanning the columns
        below it ("Fleksjob" over "antal" and "andel"); a None label lets each column's own header span both
        rows. Every column is as wide as the longest word it holds (a short cell, as "Netværket i alt", on one
        line), so no word or name breaks; a table too wide for the page gets a smaller font, and then a
        landscape section of its own with its heading and notes (see `heading`). `figures`: spaces inside
        figures ("100,0 %", "p < 0,05") are made non-breaking (off for answers as typed).

        Written as one piece of WordprocessingML (python-docx's cell by cell API costs a millisecond a
        cell, and a survey appendix has tens of thousands)."""
        count = len(headers)
        numeric = list(numeric) + [False] * (count - len(numeric))
        body = [[_text(v) for v in values] for values in rows]
        if figures:
            body = [[_keep_figures(v) for v in values] for values in body]
        head = [_text(h) for h in headers]
        spans = list(groups) if groups else None
        if widths:
            size, landscape = TABLE_SIZES[0], self._landscape
            twips = [int(Cm(w).twips) for w in widths]
            if sum(twips) > self._width_twips(landscape) and not landscape:
                landscape = True
        else:
            size, landscape, twips = self._fit(head, body, bold_rows, spans)
        if landscape and not self._landscape:
            self._blocks[-1][1] = True
        elif self._blocks[-1][1] is None:
            self._blocks[-1][1] = False
        self._keep_notes_with_table()
        if caption:
            # kept with the table, as the heading before it is kept with the caption (Heading styles keep
            # with the next paragraph): a question's heading never ends a page with its table on the next
            self.doc.add_paragraph(_text(caption), style="Caption").paragraph_format.keep_with_next = True
        half_points = round(size * 2)
        margin = CELL_MARGIN_TWIPS if size >= TABLE_SIZES[0] else COMPACT_MARGIN_TWIPS
        parts = [f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="{self._grid_style}"/>'
                 '<w:tblW w:w="0" w:type="auto"/><w:tblLayout w:type="fixed"/>'
                 f'<w:tblCellMar><w:left w:w="{margin}" w:type="dxa"/><w:right w:w="{margin}" w:type="dxa"/>'
                 '</w:tblCellMar>'
                 '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
                 'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
                 *(f'<w:gridCol w:w="{w}"/>' for w in twips), "</w:tblGrid>"]
        if spans:
            parts.append('<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>')
            column = 0
            for label, span in spans:
                if label is None:
                    for k in range(column, column + span):
                        parts.append(_cell(head[k], twips[k], numeric[k], True, half_points, keep=True,
                                           merge="restart"))
                else:
                    parts.append(_cell(label, sum(twips[column:column + span]), False, True, half_points,
                                       keep=True, span=span, centre=True))
                column += span
            parts.append("</w:tr>")
        parts.append('<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>')
        covered = _covered(spans, count) if spans else [False] * count
        parts += [_cell("" if merged else text, w, right, True, half_points, keep=True,
                        merge="continue" if merged else None)
                  for text, w, right, merged in zip(head, twips, numeric, covered)]
        parts.append("</w:tr>")
        last = len(body) - 1
        for index, values in enumerate(body):
            bold = index in bold_rows
            parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            # a bold row is bold in its first cell: the start of a group. A short table's rows but the last
            # keep with the next, so it stays whole. Not a long one's: LibreOffice keeps a table with a kept
            # body row whole, and one longer than the rest of the page would then leave its heading behind
            # (the heading and the header row keep with the first row anyway)
            keep = index < last < WHOLE_TABLE_ROWS
            parts += [_cell(value, w, right, bold and i == 0, half_points, keep=keep)
                      for i, (value, w, right) in enumerate(zip(values, twips, numeric))]
            parts += [_cell("", w, False, False, half_points, keep=keep) for w in twips[len(values):]]
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        self._append(parse_xml("".join(parts)))
        self.doc.add_paragraph()

    # -- layout --------------------------------------------------------------------------------------
    def _width_twips(self, landscape: bool) -> int:
        section = self.doc.sections[0]
        if landscape != self._landscape:
            width = section.page_height  # the other orientation's page width
        else:
            width = section.page_width
        return int(Emu(width - section.left_margin - section.right_margin).twips)

    def _fit(self, head: list[str], body: list[list[str]], bold_rows, spans) -> tuple[float, bool, list[int]]:
        """The font size, orientation and column widths (twips) of the first layout, in portrait (the
        document's orientation) and then landscape, 8 pt and then smaller, in which every column holds its
        longest word; where none does, the smallest font in landscape with the widths shrunk to fit."""
        count = len(head)
        tries = [(size, self._landscape) for size in TABLE_SIZES]
        if not self._landscape:
            tries += [(size, True) for size in TABLE_SIZES]
        for size, landscape in tries:
            margin = CELL_MARGIN_TWIPS if size >= TABLE_SIZES[0] else COMPACT_MARGIN_TWIPS
            least, natural = _column_widths(head, body, bold_rows, size, count, 2 * margin + SLACK_TWIPS)
            if spans:
                _widen_for_groups(least, spans, size, 2 * margin + SLACK_TWIPS)
                natural = [max(n, m) for n, m in zip(natural, least)]
            room = self._width_twips(landscape)
            if sum(least) <= room:
                return size, landscape, _share_out(least, natural, room)
        size, landscape = tries[-1]
        room = self._width_twips(landscape)
        return size, landscape, [int(w * room / sum(least)) for w in least]

    def _append(self, element) -> None:
        body = self.doc.element.body
        section = body.find(qn("w:sectPr"))
        if section is not None:
            section.addprevious(element)
        else:
            body.append(element)

    def _keep_notes_with_table(self) -> None:
        """The paragraphs between the block's heading and this table (notes, conditions) keep with the next
        paragraph, as the heading does, so none of them ends a page with the table on the next."""
        start = self._block_start(self._blocks[-1][0])
        element = self.doc.element.body.find(qn("w:sectPr"))
        element = element.getprevious() if element is not None else self.doc.element.body[-1]
        while element is not None and element.tag == qn("w:p"):
            if not _is_empty(element):
                properties = element.get_or_add_pPr()
                if properties.find(qn("w:keepNext")) is None:
                    properties.insert(0, OxmlElement("w:keepNext"))
            if element is start:
                break
            element = element.getprevious()

    def _block_start(self, marker):
        """The first element of a block whose marker is the element before it (None: the body's start)."""
        body = self.doc.element.body
        return body[0] if marker is None else marker.getnext()

    def _last_element(self):
        body = self.doc.element.body
        section = body.find(qn("w:sectPr"))
        return section.getprevious() if section is not None else (body[-1] if len(body) else None)

    def _sections(self) -> None:
        """Section breaks where the blocks' orientation changes: a block with a table too wide for the page
        is a landscape section (a block without a table goes with the block after it)."""
        if self._landscape or not any(b[1] for b in self._blocks):
            return
        starts = [self._block_start(marker) for marker, _wide in self._blocks]
        wide = [b[1] for b in self._blocks]
        following = None
        for i in range(len(wide) - 1, -1, -1):
            if wide[i] is None:
                wide[i] = following if following is not None else False
            following = wide[i]
        body = self.doc.element.body
        final = body.find(qn("w:sectPr"))
        for i in range(1, len(wide)):
            if wide[i] != wide[i - 1] and starts[i] is not None:
                paragraph = OxmlElement("w:p")
                properties = OxmlElement("w:pPr")
                properties.append(_section_properties(final, wide[i - 1]))
                paragraph.append(properties)
                starts[i].addprevious(paragraph)
        _orient(final, wide[-1])

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
        self._sections()
        with written_in_place(path) as partial:
            self.doc.save(partial)


RIGHT = '<w:jc w:val="right"/>'


def _cell(value: str, width: int, right: bool, bold: bool, half_points: int, keep: bool = False,
          merge: str | None = None, span: int = 1, centre: bool = False) -> str:
    """One table cell as WordprocessingML: its width, alignment, a run in the table's size, line breaks kept
    (`keep`: kept on the page of the next row; `merge`: "restart"/"continue" of a cell spanning two header
    rows; `span`: columns spanned)."""
    text = '</w:t><w:br/><w:t xml:space="preserve">'.join(escape(line) for line in value.split("\n"))
    spans = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    merged = "" if merge is None else ('<w:vMerge w:val="restart"/>' if merge == "restart" else "<w:vMerge/>")
    align = RIGHT if right else ('<w:jc w:val="center"/>' if centre else "")
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{spans}{merged}</w:tcPr><w:p><w:pPr>'
            f'{"<w:keepNext/>" if keep else ""}<w:spacing w:after="0"/>{align}</w:pPr><w:r><w:rPr>'
            f'{"<w:b/>" if bold else ""}<w:sz w:val="{half_points}"/></w:rPr>'
            f'<w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:tc>')


# where a line may break inside a text: at spaces, and after a slash or a hyphen before a letter
# ("Kontanthjælp/uddannelseshjælp", "Fleks-job"), as LibreOffice and Word break lines
_BREAKS = re.compile(r"[ \t]+|(?<=/)|(?<=-)(?=[^\W\d_])")
_FIGURE_SPACES = re.compile(r"(?<=\d) (?=%)|(?<=[(\s]p) (?=<)|(?<=<) (?=\d)")


def _keep_figures(text: str) -> str:
    """"100,0 %" and "p < 0,05" with non-breaking spaces, so that a figure never breaks over two lines."""
    return _FIGURE_SPACES.sub(NBSP, text)


def _words(text: str) -> list[str]:
    return [w for line in text.split("\n") for w in _BREAKS.split(line) if w]


def _column_widths(head: list[str], body: list[list[str]], bold_rows, size: float, count: int,
                   padding: int) -> tuple[list[int], list[int]]:
    """Per column the least width (its longest word; a short cell whole) and the natural one (its longest
    line), in twips with the cell's padding."""
    least, natural = [0.0] * count, [0.0] * count
    for k, text in enumerate(head):
        words = _words(text)
        least[k] = max([width_pt(w, size, True) for w in words] or [0.0])
        natural[k] = least[k]
    for r, values in enumerate(body):
        bold_first = r in bold_rows
        for k, text in enumerate(values[:count]):
            if not text:
                continue
            bold = bold_first and k == 0
            lines = text.split("\n")
            whole = max(width_pt(line, size, bold) for line in lines)
            if len(text) <= SHORT_CELL and len(lines) == 1:
                word = whole
            else:
                word = max([width_pt(w, size, bold) for w in _words(text)] or [0.0])
            least[k] = max(least[k], word)
            natural[k] = max(natural[k], whole)
    return ([int(w * 20) + padding for w in least], [int(w * 20) + padding for w in natural])


def _widen_for_groups(least: list[int], spans, size: float, padding: int) -> None:
    """A group label's longest word fits the columns it spans: the deficit goes evenly to them."""
    column = 0
    for label, span in spans:
        if label is not None:
            need = int(max([width_pt(w, size, True) for w in _words(label)] or [0.0]) * 20) + padding
            have = sum(least[column:column + span])
            if need > have:
                for k in range(column, column + span):
                    least[k] += (need - have) // span + 1
        column += span


def _covered(spans, count: int) -> list[bool]:
    """Per column: does its own header stand in the row above (merged down into this one)?"""
    covered, column = [False] * count, 0
    for label, span in spans:
        if label is None:
            for k in range(column, column + span):
                covered[k] = True
        column += span
    return covered


def _share_out(least: list[int], natural: list[int], room: int) -> list[int]:
    """Widths filling `room`: every column its least width, the rest shared by how much more each would
    take on one line; when every line fits, in proportion to the natural widths."""
    if sum(natural) <= room:
        total = sum(natural) or 1
        return [int(n * room / total) for n in natural]
    extra = room - sum(least)
    wants = [n - m for n, m in zip(natural, least)]
    total = sum(wants) or 1
    return [m + int(extra * w / total) for m, w in zip(least, wants)]


def _is_empty(paragraph) -> bool:
    return not "".join(t.text or "" for t in paragraph.iter(qn("w:t"))) and paragraph.find(qn("w:r")) is None


def _orient(properties, landscape: bool) -> None:
    """Set a section's page size and orientation (A4)."""
    size = properties.find(qn("w:pgSz"))
    if size is None:
        size = OxmlElement("w:pgSz")
        properties.insert(0, size)
    short, long = str(int(Cm(21.0).twips)), str(int(Cm(29.7).twips))
    size.set(qn("w:w"), long if landscape else short)
    size.set(qn("w:h"), short if landscape else long)
    if landscape:
        size.set(qn("w:orient"), "landscape")
    elif size.get(qn("w:orient")) is not None:
        del size.attrib[qn("w:orient")]


def _section_properties(final, landscape: bool):
    """A section break's properties: the document's own (margins, footer with the page numbers) in the
    orientation asked for."""
    properties = deepcopy(final)
    _orient(properties, landscape)
    return properties


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

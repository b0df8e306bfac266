"""A Word document opened by LibreOffice (converted to PDF) and its text read back with pdftotext."""
from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

from tests.conftest import skip_or_fail


def pdf_text(document: Path, work: Path, layout: bool = False) -> str:
    """The document's text as LibreOffice lays it out (`layout`: table rows kept on their lines); fails
    when LibreOffice cannot open the document."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        skip_or_fail("LibreOffice (soffice) is not installed")
    if not shutil.which("pdftotext"):
        skip_or_fail("pdftotext (poppler-utils) is not installed")
    out = work / "pdf"
    out.mkdir(exist_ok=True)
    done = subprocess.run([soffice, f"-env:UserInstallation=file://{work / 'lo-profile'}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(out), str(document)],
                          capture_output=True, text=True, timeout=240)
    pdf = out / (document.stem + ".pdf")
    assert done.returncode == 0 and pdf.exists(), done.stdout + done.stderr
    options = ["-layout"] if layout else []
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    """Whitespace collapsed, so a wording wrapped over lines or cells still matches."""
    return re.sub(r"\s+", " ", text).strip()


def pdf_pages(document: Path, work: Path) -> tuple[list[str], list[str]]:
    """The document's pages as LibreOffice lays them out: each page's text in reading order, and with
    table rows kept on their lines (pdftotext -layout)."""
    pdf_text(document, work)  # converts, and fails when LibreOffice cannot open it
    pdf = work / "pdf" / (document.stem + ".pdf")
    layout = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                            check=True).stdout
    plain = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return plain.split("\f")[:-1] or [plain], layout.split("\f")[:-1] or [layout]


# where a line may break without breaking a word: at spaces, after a slash, after a hyphen before a letter
BREAKS = re.compile(r"\s+|(?<=/)|(?<=-)(?=[^\W\d_])")


BULLET = re.compile(r"[\uf0b7\u2022\u25cf]")  # a list's bullet as pdftotext reads it


def words_of(text: str) -> list[str]:
    """A text's words as a line may be broken between them (NFKC, so ligatures read as their letters)."""
    return [w for w in BREAKS.split(unicodedata.normalize("NFKC", text)) if w]


def document_words(path: Path) -> set[str]:
    """Every word the Word document holds (body, tables, footers), and the parts of a word a line may
    break between (after a slash or a hyphen)."""
    import zipfile

    from lxml import etree

    namespace = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    found: set[str] = set()
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if name == "word/document.xml" or name.startswith("word/footer"):
                root = etree.fromstring(package.read(name))
                for paragraph in root.iter(f"{{{namespace['w']}}}p"):
                    text = "".join(t.text or "" for t in paragraph.iterfind(".//w:t", namespace))
                    for token in unicodedata.normalize("NFKC", text).split():
                        parts = words_of(token)  # a line may break after any of them
                        joined = {"".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)}
                        # pdftotext joins a word broken after a hyphen at a line's end without the hyphen
                        found.update(joined, {w[:k] + w[k + 1:] for w in joined for k, c in enumerate(w) if c == "-"})
    return found


def broken_words(path: Path, pages: list[str]) -> list[tuple[int, str]]:
    """(page, token) for each token of the laid-out text that is no word of the document: a word or a name
    broken by a line break ("Frederikshav" "n", "procentpoi" "nt", "100," "0 %"), page numbers aside; and
    a line that starts with "%" (a figure broken before its unit)."""
    words = document_words(path)
    broken = []
    for number, page in enumerate(pages, 1):
        for line in page.splitlines():
            if line.strip().startswith("%"):
                broken.append((number, line.strip()))
            for token in unicodedata.normalize("NFKC", line).split():
                if token not in words and not token.isdigit() and not BULLET.fullmatch(token):
                    broken.append((number, token))
    return broken


def headings_and_first_rows(path: Path, style: str = "Heading 2") -> list[tuple[str, str]]:
    """(heading, the first three cells of its table's first body row as one line) for each heading of
    `style` followed by a table before the next heading."""
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(str(path))
    styles = {s.style_id: s.name for s in document.styles}
    pairs, heading = [], None
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            style_of = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            name = styles.get(style_of.get(qn("w:val"))) if style_of is not None else None
            if name is not None and name.startswith("Heading"):
                text = "".join(t.text or "" for t in element.iter(qn("w:t")))
                heading = text if name == style else None
        elif element.tag == qn("w:tbl") and heading is not None:
            rows = element.findall(qn("w:tr"))
            body = [r for r in rows if r.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None]
            if body:
                cells = ["".join(t.text or "" for t in c.iter(qn("w:t"))) for c in body[0].findall(qn("w:tc"))]
                pairs.append((heading, flat(" ".join([c for c in cells if c.strip()][:3]))))
            heading = None
    return pairs


def tables_by_section(path: Path) -> list[tuple[bool, int, list[int]]]:
    """(landscape?, text width in twips, [the grid width of each table]) for each section of the document."""
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(str(path))
    sections, tables = [], []

    def close(properties) -> None:
        size, margins = properties.find(qn("w:pgSz")), properties.find(qn("w:pgMar"))
        width = int(size.get(qn("w:w")))
        room = width - int(margins.get(qn("w:left"))) - int(margins.get(qn("w:right")))
        sections.append((width > int(size.get(qn("w:h"))), room, list(tables)))
        tables.clear()

    for element in document.element.body.iterchildren():
        if element.tag == qn("w:tbl"):
            tables.append(sum(int(c.get(qn("w:w"))) for c in element.find(qn("w:tblGrid"))))
        elif element.tag == qn("w:p") and element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            close(element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}"))
        elif element.tag == qn("w:sectPr"):
            close(element)
    return sections

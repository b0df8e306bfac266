"""A Word document opened by LibreOffice (converted to PDF) and its text read back with pdftotext."""
from __future__ import annotations

import re
import shutil
import subprocess
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

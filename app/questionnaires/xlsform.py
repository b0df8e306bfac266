"""An uploaded XLSForm read within the bounds of every upload, then made into a questionnaire file and checked."""
from __future__ import annotations

from flask_babel import gettext as _

from app.uploads import read_workbook
from forms import Catalogue, Problem
from forms.loader import parse_questionnaire_text
from forms.xlsform import SHEETS, from_sheets

MAX_ROWS = 10_000  # rows of one sheet of an XLSForm, besides its header
MAX_BYTES = 1024 * 1024  # an XLSForm file


def questionnaire_from_xlsform(filename: str, content: bytes, catalogue: Catalogue) -> tuple[str, list[Problem]]:
    """The text of the questionnaire file an XLSForm makes, checked against `catalogue`, and its warnings.

    Raises ValueError (a message for the user) when the file cannot be read or exceeds the bounds, and
    CatalogueError with every problem (sheet, row, column) when the form holds what Bølge has no place for
    or the resulting questionnaire does not pass the check.
    """
    if len(content) > MAX_BYTES:
        raise ValueError(_("Filen er større end %(mb)s MB.", mb=MAX_BYTES // (1024 * 1024)))
    tables = read_workbook(content, SHEETS, MAX_ROWS)
    text, warnings = from_sheets(tables, filename, catalogue)
    yaml_name = filename.rsplit(".", 1)[0] + ".yaml"
    _questionnaire, more = parse_questionnaire_text(text, yaml_name, catalogue)
    return text, [*warnings, *more]

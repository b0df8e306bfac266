"""Hidden groups whose answers are all alike: network − visible groups must not tell each of their answers.

Læsø (2) and Thisted (3) are under the threshold and hidden together (5). In one export every one of their
advisers chose "Telefon" (multiple choice) and gave 36 months (the question's maximum). The attacker reads the
workbook back and subtracts the shown municipalities from the network: if every hidden respondent chose an
option, or the hidden mean is the largest number allowed, every hidden adviser's answer is known.
"""
from __future__ import annotations

import openpyxl

from exports.survey import SurveyExporter
from tests.exports.builders import question_sheet, respondents, survey

VARIED = [{"grad": 1 + i % 5, "kanal": [1 + i % 3] + ([2] if i % 2 else []), "maaneder": 3 * i} for i in range(10)]
ALIKE = {"grad": 5, "kanal": [1], "maaneder": 36}


def _export(tmp_path, everyone_alike: bool = False):
    hidden = [dict(ALIKE) for _ in range(5)]
    shown = [dict(ALIKE) for _ in range(18)] if everyone_alike else VARIED + VARIED[:8]
    rows = (respondents(1, 1, 1, shown[:10]) + respondents(1, 4, 100, shown[10:])
            + respondents(1, 2, 200, hidden[:2]) + respondents(1, 3, 300, hidden[2:]))
    path = tmp_path / "alike.xlsx"
    SurveyExporter(survey(rows)).write_xlsx(path)
    return path


def _table(path, number: int) -> list[tuple]:
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book[question_sheet(book, number)].iter_rows(values_only=True))
    book.close()
    at = next(i for i, r in enumerate(rows) if r and r[0] == "Gruppe")
    return rows[at + 1:]


def _subtracted(rows: list[tuple], label: str) -> tuple[float, float] | None:
    """(network − shown municipalities) of the row `label`'s count (or mean × N) and of N; None when the
    network is hidden."""
    def value(group, what, column):
        return next(r[column] for r in rows if r[0] == group and r[1] == what)

    groups = {r[0] for r in rows} - {"Netværket i alt"}
    n = value("Netværket i alt", "N (besvarelser)", 3)
    if not isinstance(n, int):
        return None
    shown = [g for g in groups if isinstance(value(g, "N (besvarelser)", 3), int)]
    hidden_n = n - sum(value(g, "N (besvarelser)", 3) for g in shown)
    if label == "Gennemsnit":
        total = value("Netværket i alt", label, 4) * n - sum(value(g, label, 4) * value(g, "N (besvarelser)", 3)
                                                            for g in shown)
        return total / hidden_n, hidden_n
    return value("Netværket i alt", label, 3) - sum(value(g, label, 3) for g in shown), hidden_n


def test_no_option_is_known_to_be_every_hidden_respondents_choice(tmp_path):
    rows = _table(_export(tmp_path), 2)
    assert any(r[0] == "Hjørring" and r[3] == "skjult" for r in rows)  # the complement
    for option in ("Telefon", "Mail", "Møde"):
        found = _subtracted(rows, option)
        assert found is not None
        chose, n = found
        assert chose < n, option


def test_the_hidden_mean_is_not_the_largest_number_allowed(tmp_path):
    mean, _n = _subtracted(_table(_export(tmp_path), 3), "Gennemsnit")
    assert mean < 36 - 1e-6  # (subtraction of rounded floats)


def test_when_everyone_answered_alike_the_whole_question_is_hidden(tmp_path):
    path = _export(tmp_path, everyone_alike=True)
    for number in (1, 2, 3):
        rows = _table(path, number)
        assert any(r[3] == "skjult" for r in rows), number  # the table has its rows: all() of none is true
        assert all(r[3] in ("skjult", None) for r in rows), number
    book = openpyxl.load_workbook(path, read_only=True)
    reasons = [r[3] for r in book["Anonymitet"].iter_rows(values_only=True) if r and r[1] == 2]
    assert any(reason and "alle svar var ens" in reason for reason in reasons)

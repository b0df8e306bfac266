"""Fixtures for results and exports against a real database: a survey with known answers in two waves."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from app.extensions import db
from tests.results.factory import add_responses, make_wave, municipality_ids

SLUG = "ledighedsydelse-raadgiver"
# Respondents per wave and municipality; Rebild is under the threshold (5) in wave 1, so Thisted, the
# next smallest, is hidden as well (3 + 6 >= 5); nothing is hidden in wave 2.
SIZES = {"Januar 2019": {"aalborg": 12, "jammerbugt": 8, "thisted": 6, "rebild": 3},
         "Sommer 2020": {"aalborg": 10, "jammerbugt": 7, "thisted": 9, "rebild": 6}}
HIDDEN = {"Januar 2019": {"Thisted", "Rebild"}, "Sommer 2020": set()}
NAMES = {"aalborg": "Aalborg", "jammerbugt": "Jammerbugt", "thisted": "Thisted", "rebild": "Rebild"}


@dataclass
class KnownSurvey:
    wave_ids: dict[str, int]
    # answers[wave label][municipality name] = list of answer dicts
    answers: dict[str, dict[str, list[dict]]] = field(default_factory=dict)
    invited: dict[str, dict[str, int]] = field(default_factory=dict)


@pytest.fixture
def known_survey(app) -> KnownSurvey:
    rng = random.Random(7)
    with app.app_context():
        ids = municipality_ids()
        covered = [ids[s] for s in NAMES]
        survey = KnownSurvey({})
        for label, opens in (("Januar 2019", datetime(2019, 1, 7, 7, tzinfo=timezone.utc)),
                             ("Sommer 2020", datetime(2020, 6, 1, 6, tzinfo=timezone.utc))):
            wave_id = make_wave(SLUG, label, opens, covered)
            survey.wave_ids[label] = wave_id
            for slug, n in SIZES[label].items():
                answers = [{"ly_forenklet": rng.choice([1, 2, 3, 4, 5, 5, 4, 9]),
                            "ly_kvalitet": rng.choice([1, 2, 3, 4, 9])} for _ in range(n)]
                add_responses(wave_id, ids[slug], answers, not_answered=2)
                survey.answers.setdefault(label, {})[NAMES[slug]] = answers
                survey.invited.setdefault(label, {})[NAMES[slug]] = n + 2
        db.session.commit()
    return survey


# the questions' numbers, which name their sheets (a survey's, and the supervision questionnaires' of seeds C, D)
NUMBERS = {"ly_forenklet": 1, "ly_kvalitet": 2, "rf_oensket": 1, "rf_varighed": 2, "rf_fleksjob_fp": 3,
           "rf_forelagt": 4, "rf_forsoergelse": 5, "lae265_uden": 1, "lae265_egen_laege": 2, "lae265_tvivl": 3,
           "lae265_forlaenget": 4, "lae265_indhentet": 5}


def read_table(path: Path, sheet: str, first_header: str) -> pd.DataFrame:
    """A sheet's table read with pandas, its header found as the row starting with `first_header`.

    A question id as `sheet` reads that question's sheet (named by its number and wording)."""
    book = openpyxl.load_workbook(path, read_only=True)
    if sheet in NUMBERS:
        sheet = next(name for name in book.sheetnames if name.startswith(f"{NUMBERS[sheet]}. "))
    header = next(i for i, row in enumerate(book[sheet].iter_rows(values_only=True)) if row[0] == first_header)
    book.close()
    return pd.read_excel(path, sheet_name=sheet, header=header)

"""The database's GROUP BY aggregates equal the same figures counted from the long answer frame."""
from __future__ import annotations

import pandas as pd

from app.results import service
from exports.aggregates import Aggregates
from tests.results.conftest import SIZES


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns[:-1])).reset_index(drop=True)


def test_database_aggregates_equal_the_counts_of_the_long_frame(app, known_survey):
    with app.app_context():
        ids = list(known_survey.wave_ids.values())
        from_db = service.survey_aggregates(ids)
        from_long = Aggregates.from_long(service.long_answers(ids))
    for name in ("sizes", "answered", "options"):
        pd.testing.assert_frame_equal(_sorted(getattr(from_db, name)), _sorted(getattr(from_long, name)),
                                      check_dtype=False)
    assert from_db.sizes["responses"].sum() == sum(n for sizes in SIZES.values() for n in sizes.values())


def test_the_results_page_data_holds_no_answer_rows(app, known_survey):
    with app.app_context():
        data = service.survey_data("ledighedsydelse-raadgiver", with_answers=False)
    assert len(data.answers) == 0
    assert sum(sum(s.values()) for s in data.wave_sizes.values()) == 61

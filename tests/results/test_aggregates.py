"""The database's GROUP BY aggregates equal the same figures counted from the long answer frame."""
from __future__ import annotations

import pandas as pd
import pytest

from app.results import service
from exports.aggregates import Aggregates
from tests.results.conftest import SIZES


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns[:-1])).reset_index(drop=True)


@pytest.mark.parametrize("single_choice", [frozenset(), frozenset({"ly_forenklet", "ly_kvalitet"})])
def test_database_aggregates_equal_the_counts_of_the_long_frame(app, known_survey, single_choice):
    with app.app_context():
        ids = list(known_survey.wave_ids.values())
        from_db = service.survey_aggregates(ids, single_choice)
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


def test_streamed_chunks_hold_whole_responses_and_add_up_to_every_answer(app, known_survey):
    with app.app_context():
        ids = list(known_survey.wave_ids.values())
        chunks = list(service.answer_chunks(ids, rows_per_chunk=7))
        whole = service.long_answers(ids)
    assert len(chunks) > 5
    seen = [set(chunk["response_id"]) for chunk in chunks]
    assert all(not (a & b) for i, a in enumerate(seen) for b in seen[i + 1:])  # no response split
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), whole)


def test_the_workbook_from_small_chunks_equals_the_one_from_a_single_chunk(app, known_survey, tmp_path):
    from exports.survey import SurveyExporter

    with app.app_context():
        ids = list(known_survey.wave_ids.values())
        data = service.survey_data("ledighedsydelse-raadgiver")
        small = service.survey_data("ledighedsydelse-raadgiver")
        small.chunks = lambda: service.answer_chunks(ids, rows_per_chunk=5)
        one = SurveyExporter(data).long_frame()
        many = SurveyExporter(small).long_frame()
        rows = list(SurveyExporter(small).data_table().rows)
    pd.testing.assert_frame_equal(one, many)
    assert [r[2] for r in rows] == list(range(1, 62))

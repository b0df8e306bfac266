"""Seed C, forenkling af bevillingsgrundlaget for revalidering: the shared LÆ265 supervision section reviewed
in Aalborg, Jammerbugt, Thisted and Vesthimmerland in two rounds, and the adviser survey with its screening
question, end to end.

Supervision: each team leader uploads the case list and reviews the cases through the record form; the own
doctor question is asked only where the case was decided without LÆ265, and "Ved ikke" counts in N; in 2020
Aalborg reviews a sample of five of its eight cases and one case outside it.

Survey: only advisers who handled such cases before the start (the screening question) are asked the rest.
In January 2019 Vesthimmerland (three answers) is under the threshold and Thisted is hidden with it. In
summer 2020 no municipality is under the threshold, but only three of Thisted's five advisers pass the
screening: the screened questions hide Thisted and, so it cannot be worked out, Vesthimmerland.
"""
from __future__ import annotations

from datetime import date

from tests.seeds.harness import (
    SupervisionCheck,
    SupervisionRound,
    SurveyCheck,
    SurveyWave,
    run_supervision,
    run_survey,
)

SURVEY = "revalidering-raadgiver"
SUPERVISION = "revalidering-tilsyn"
SCREENED = ("rv_smidig", "rv_egen_laege", "rv_adfaerd", "rv_sagstyper")
PEOPLE = {"aalborg": 9, "jammerbugt": 7, "thisted": 6, "vesthimmerland": 5}


def _adviser(before: int, *codes: int) -> dict:
    """The screening answer, then (for advisers who handled cases before the start) the four scaled answers."""
    return {"rv_foer_opstart": before, **(dict(zip(SCREENED, codes)) if before == 1 else {})}


WAVES = [
    SurveyWave("Januar 2019", {
        "aalborg": [_adviser(1, 3, 2, 3, 2), _adviser(1, 4, 3, 4, 1), _adviser(1, 2, 1, 2, 9), _adviser(2),
                    _adviser(1, 4, 2, 3, 2), _adviser(1, 3, 3, 3, 1), _adviser(1, 5, 4, 4, 2), _adviser(1, 9, 2, 3, 2)],
        "jammerbugt": [_adviser(1, 3, 2, 2, 2), _adviser(1, 4, 3, 3, 1), _adviser(1, 2, 2, 2, 2),
                       _adviser(1, 3, 1, 3, 9), _adviser(1, 4, 4, 4, 1), _adviser(1, 3, 2, 3, 2), _adviser(1, 2, 3, 2, 2)],
        "thisted": [_adviser(1, 4, 2, 3, 2), _adviser(1, 3, 3, 3, 1), _adviser(2), _adviser(1, 2, 2, 2, 2),
                    _adviser(1, 5, 3, 4, 2), _adviser(1, 3, 2, 3, 9)],
        "vesthimmerland": [_adviser(1, 4, 3, 4, 1), _adviser(1, 3, 2, 3, 2), _adviser(2)],
    }, hidden={"Thisted", "Vesthimmerland"}),
    SurveyWave("Sommer 2020", {
        "aalborg": [_adviser(1, 4, 3, 4, 2), _adviser(1, 5, 3, 4, 1), _adviser(1, 4, 2, 3, 2), _adviser(1, 3, 3, 3, 2),
                    _adviser(1, 4, 4, 4, 9), _adviser(1, 5, 3, 5, 2), _adviser(1, 4, 2, 4, 2), _adviser(1, 3, 3, 3, 1)],
        "jammerbugt": [_adviser(1, 4, 3, 3, 2), _adviser(1, 4, 2, 4, 1), _adviser(1, 3, 3, 3, 2),
                       _adviser(1, 5, 4, 4, 2), _adviser(1, 4, 3, 4, 9), _adviser(1, 2, 2, 2, 2)],
        "thisted": [_adviser(1, 4, 3, 4, 2), _adviser(2), _adviser(1, 5, 3, 4, 1), _adviser(2), _adviser(1, 3, 2, 3, 2)],
        "vesthimmerland": [_adviser(1, 4, 3, 4, 2), _adviser(1, 4, 4, 4, 1), _adviser(1, 5, 3, 5, 2),
                           _adviser(1, 3, 2, 3, 2), _adviser(1, 4, 3, 3, 9)],
    }),
]
HIDDEN_FOR = {("Sommer 2020", q): {"Thisted", "Vesthimmerland"} for q in SCREENED}


def _review(without: int, own_doctor: int | None, doubt: int, longer: int, obtained: int) -> dict:
    answers = {"lae265_uden": without, "lae265_tvivl": doubt, "lae265_forlaenget": longer, "lae265_indhentet": obtained}
    if without == 1:  # the own doctor question is asked only when the case was decided without LÆ265
        answers["lae265_egen_laege"] = own_doctor
    return answers


def _cases(prefix: str, reviews: list[tuple]) -> dict[str, dict]:
    return {f"{prefix}-{i:02d}": _review(*r) for i, r in enumerate(reviews, start=1)}


ROUNDS = [
    SupervisionRound("Juli 2019", date(2019, 7, 1), {
        "aalborg": _cases("AAL-2019", [(1, 1, 2, 2, 2), (1, 2, 1, 1, 2), (2, None, 2, 9, 1), (1, 1, 9, 2, 2)]),
        "jammerbugt": _cases("JAM-2019", [(1, 1, 2, 2, 2), (2, None, 1, 1, 1), (1, 2, 2, 9, 2)]),
        "thisted": _cases("THI-2019", [(1, 1, 2, 2, 2), (1, 1, 2, 2, 2)]),
        "vesthimmerland": _cases("VES-2019", [(2, None, 1, 2, 1), (1, 2, 9, 9, 2), (1, 1, 2, 2, 2)]),
    }),
    SupervisionRound("Juli 2020", date(2020, 7, 1), {
        "aalborg": _cases("AAL-2020", [(1, 1, 2, 2, 2), (1, 1, 2, 2, 2), (1, 2, 2, 9, 2), (2, None, 1, 1, 1),
                                       (1, 1, 2, 2, 2), (1, 1, 9, 2, 2), (2, None, 2, 2, 1), (1, 2, 2, 2, 2)]),
        "jammerbugt": _cases("JAM-2020", [(1, 1, 2, 2, 2), (1, 1, 2, 9, 2), (1, 2, 1, 2, 2)]),
        "thisted": _cases("THI-2020", [(1, 1, 2, 2, 2), (2, None, 1, 1, 1), (1, 1, 2, 2, 2)]),
        "vesthimmerland": _cases("VES-2020", [(1, 1, 2, 2, 2), (1, 1, 2, 2, 2)]),
    }, sample={"aalborg": 5}, outside={"aalborg": 1}),
]


def test_seed_c_shared_lae265_supervision(app, client, runner, make_user, login, tmp_path):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    run_supervision(app, make_user, login, SUPERVISION, ROUNDS)
    check = SupervisionCheck(app, client, runner, tmp_path, SUPERVISION, ROUNDS)
    assert check.everything() > 500


def test_seed_c_adviser_survey_with_its_screening_question(app, client, runner, make_user, login, tmp_path):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    run_survey(app, client, SURVEY, WAVES, PEOPLE)
    check = SurveyCheck(app, client, runner, tmp_path, SURVEY, WAVES, PEOPLE, HIDDEN_FOR)
    assert check.everything() > 500

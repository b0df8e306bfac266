"""Seed B, lempede mentorregler: the adviser survey in January 2019 and at the end of the experiment, and the
management's review of a sample of the exempted cases in each municipality, end to end.

Two municipalities (the seed names none; Hjørring and Brønderslev here). Advisers answer through personal
links; in January 2019 Brønderslev has four answers, under the threshold, and with two municipalities the
other is hidden with it, while the network total (eleven) is shown. Each team leader uploads the list of
exempted cases, draws a sample from it in both rounds and reviews the sampled cases with the two free texts
and the yes/no question; one case is reviewed outside the sample and not counted.
"""
from __future__ import annotations

import re
from datetime import date

from tests.seeds.harness import (
    SupervisionCheck,
    SupervisionRound,
    SurveyCheck,
    SurveyWave,
    page_text,
    run_supervision,
    run_survey,
)

SURVEY = "mentor-raadgiver"
REVIEW = "mentor-sagsgennemgang"
PEOPLE = {"hjoerring": 8, "broenderslev": 6}


def _advisers(codes: list[tuple[int, int, int]]) -> list[dict]:
    return [dict(zip(("mentor_benyttet", "mentor_forenklet", "mentor_kvalitet"), c)) for c in codes]


WAVES = [
    SurveyWave("Januar 2019", {
        "hjoerring": _advisers([(1, 2, 2), (2, 3, 2), (2, 2, 9), (3, 4, 3), (1, 9, 2), (2, 3, 3), (3, 4, 4)]),
        "broenderslev": _advisers([(2, 3, 2), (1, 1, 1), (3, 4, 3), (2, 9, 9)]),
    }, hidden={"Hjørring", "Brønderslev"}),
    SurveyWave("Forsøgets afslutning", {
        "hjoerring": _advisers([(3, 4, 3), (4, 5, 4), (3, 4, 3), (2, 3, 3), (3, 5, 4), (4, 4, 9), (3, 4, 3),
                                (2, 2, 2)]),
        "broenderslev": _advisers([(3, 4, 3), (4, 4, 4), (3, 5, 3), (2, 3, 2), (4, 9, 3), (3, 4, 4)]),
    }),
]


def _review(traits: str, measures: str, timely: int) -> dict:
    return {"ms_kendetegn": traits, "ms_indsatser": measures, "ms_rettidigt": timely}


def _cases(prefix: str, timely: list[int]) -> dict[str, dict]:
    return {f"{prefix}-{i:02d}": _review(f"Kendetegn {prefix} {i}", f"Indsatser {prefix} {i}: virksomhedspraktik",
                                         t) for i, t in enumerate(timely, start=1)}


ROUNDS = [
    SupervisionRound("Januar 2019", date(2019, 1, 1), {
        "hjoerring": _cases("HJ-2019", [1, 1, 2, 1, 2, 1, 1, 2]),
        "broenderslev": _cases("BR-2019", [1, 2, 2, 1, 1, 2]),
    }, sample={"hjoerring": 5, "broenderslev": 4}, outside={"hjoerring": 1}),
    SupervisionRound("Januar 2020", date(2020, 1, 1), {
        "hjoerring": _cases("HJ-2020", [1, 1, 1, 2, 1, 1, 1]),
        "broenderslev": _cases("BR-2020", [1, 1, 2, 1, 1]),
    }, sample={"hjoerring": 5, "broenderslev": 3}),
]


def test_seed_b_adviser_survey(app, client, runner, make_user, login, tmp_path):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    run_survey(app, client, SURVEY, WAVES, PEOPLE)
    check = SurveyCheck(app, client, runner, tmp_path, SURVEY, WAVES, PEOPLE)
    assert check.everything() > 300


def test_seed_b_case_review_of_a_sample(app, client, runner, make_user, login, tmp_path):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    run_supervision(app, make_user, login, REVIEW, ROUNDS)
    check = SupervisionCheck(app, client, runner, tmp_path, REVIEW, ROUNDS)
    assert check.everything() > 100
    page = client.get(f"/resultater/tilsyn/{REVIEW}?kommune=alle").get_data(as_text=True)
    texts = re.findall(r"<li><span class=\"muted\">(.*?)</span>(.*?)</li>", page, re.S)
    for plan in ROUNDS:  # the coordinator reads every review's free texts, those outside the sample marked
        for municipality in plan.cases:
            for ref, answers in {**plan.counted[municipality], **plan.apart[municipality]}.items():
                shown = [page_text(head + body) for head, body in texts if f" · {ref}" in head]
                assert len(shown) == 3, (ref, shown)  # the two texts and the record's comment
                assert answers["ms_kendetegn"] in shown[0] and answers["ms_indsatser"] in shown[1]
                outside = ref in plan.apart[municipality]
                assert all(("udenfor stikprøven" in t) == outside for t in shown), (ref, shown)

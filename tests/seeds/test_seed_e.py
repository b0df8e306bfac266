"""Seed E, citizens' satisfaction: the yearly anonymous citizen surveys of *Fritagelse for krav om opdatering
af indsatsplanens tilbud* (borgertilfredshed) and *Fleksibelt kontaktforløb for integrationsborgere* (its
citizens' survey and its caseworkers' survey), end to end.

Citizens answer through the anonymous link of their municipality read off the wave page, one browser each;
caseworkers through personal links. In each citizens' survey a small municipality is under the threshold in
one year, so the next smallest is hidden with it; in 2021 only four citizens answer the satisfaction survey,
so that whole wave is hidden.
"""
from __future__ import annotations

from app.extensions import db
from app.models import Wave
from app.waves.service import public_token
from tests.seeds.harness import NO_MUNICIPALITY, SurveyCheck, SurveyWave, _answer_in_browser, run_survey


def _citizens(codes: list[tuple[int, int]], comment: str | None = None) -> list[dict]:
    return [{"bt_forloeb": a, "bt_indsatsplan": b, **({"bt_kommentar": f"{comment} {i}"} if comment else {})}
            for i, (a, b) in enumerate(codes, start=1)]


SATISFACTION = [
    SurveyWave("Borgere 2019", {
        "vesthimmerland": _citizens([(4, 4), (5, 3), (3, 3), (4, 2), (2, 2), (9, 4), (5, 5)], "Godt forløb"),
        "frederikshavn": _citizens([(3, 2), (4, 4), (2, 1), (1, 2), (4, 3), (5, 9)], "Mere kontakt"),
        "laesoe": _citizens([(5, 5), (4, 4)], "Fint"),
    }, hidden={"Frederikshavn", "Læsø"}),
    SurveyWave("Borgere 2020", {
        "vesthimmerland": _citizens([(5, 4), (5, 5), (4, 4), (4, 3), (3, 3), (4, 4)]),
        "frederikshavn": _citizens([(4, 3), (4, 4), (3, 3), (5, 5), (2, 2), (4, 9), (5, 4), (9, 9)]),
        "laesoe": _citizens([(3, 3), (4, 4), (5, 4), (4, 5), (2, 3)]),
    }),
    # four answers in all: under the threshold, so the whole wave is hidden, the network total included
    SurveyWave("Borgere 2021", {
        "vesthimmerland": _citizens([(4, 4), (5, 5), (3, 4)], "Tak"),
        "frederikshavn": _citizens([(2, 2)]),
        "laesoe": [],  # nobody answered Læsø's link: it reads 0, there is nothing to hide
    }, hidden={"Vesthimmerland", "Frederikshavn"}),
]


def _meetings(codes: list[tuple[int, int, int, int]]) -> list[dict]:
    return [dict(zip(("kb_mening", "kb_indsats", "kb_inddraget", "kb_tilfreds"), c)) for c in codes]


MEETINGS = [
    SurveyWave("Borgere 2019", {
        "vesthimmerland": _meetings([(3, 3, 2, 3), (4, 3, 3, 4), (2, 2, 2, 2), (4, 4, 3, 4), (5, 4, 4, 5),
                                     (9, 3, 2, 9)]),
        "thisted": _meetings([(3, 4, 4, 4), (2, 3, 2, 3), (4, 4, 5, 4), (1, 2, 1, 2), (3, 3, 3, 3)]),
        "jammerbugt": _meetings([(4, 4, 4, 4), (5, 5, 5, 5), (3, 9, 3, 3), (2, 2, 3, 2)]),
    }, hidden={"Thisted", "Jammerbugt"}),
    SurveyWave("Borgere 2020", {
        "vesthimmerland": _meetings([(4, 4, 4, 4), (5, 4, 5, 5), (4, 5, 4, 4), (3, 3, 4, 4), (5, 5, 4, 5),
                                     (4, 4, 3, 9), (2, 3, 3, 3)]),
        "thisted": _meetings([(4, 4, 4, 5), (3, 3, 3, 3), (4, 5, 4, 4), (5, 4, 4, 4), (4, 4, 5, 4)]),
        "jammerbugt": _meetings([(4, 4, 4, 4), (5, 4, 5, 5), (3, 3, 4, 3), (4, 9, 4, 4), (5, 5, 5, 5)]),
    }),
]

CASEWORKERS = {"vesthimmerland": 7, "thisted": 5}


def _caseworkers(codes: list[tuple[int, int, int, int]]) -> list[dict]:
    return [dict(zip(("ks_fleksibel", "ks_mening", "ks_fagligt_relevant", "ks_kvalitet"), c)) for c in codes]


CASEWORK = [
    SurveyWave("Januar 2019", {
        "vesthimmerland": _caseworkers([(2, 3, 3, 2), (3, 4, 4, 3), (1, 2, 2, 2), (2, 3, 4, 9), (3, 4, 3, 3),
                                        (4, 5, 5, 4)]),
        "thisted": _caseworkers([(2, 2, 3, 2), (3, 3, 3, 3), (1, 9, 2, 2)]),
    }, hidden={"Vesthimmerland", "Thisted"}),
    SurveyWave("Sommer 2020", {
        "vesthimmerland": _caseworkers([(3, 4, 4, 3), (4, 5, 4, 4), (3, 4, 5, 3), (2, 4, 4, 3), (4, 4, 4, 4),
                                        (3, 3, 3, 9), (4, 5, 5, 4)]),
        "thisted": _caseworkers([(3, 4, 3, 3), (4, 4, 4, 4), (3, 3, 4, 3), (2, 4, 3, 3), (4, 5, 4, 4)]),
    }),
]


def _coordinator(client, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)


def test_seed_e_citizen_satisfaction_through_the_anonymous_links(app, client, runner, make_user, login, tmp_path):
    _coordinator(client, make_user, login)
    run_survey(app, client, "borgertilfredshed", SATISFACTION)
    check = SurveyCheck(app, client, runner, tmp_path, "borgertilfredshed", SATISFACTION, None)
    assert check.everything() > 250


def test_seed_e_flexible_contact_course_citizens_and_caseworkers(app, client, runner, make_user, login, tmp_path):
    _coordinator(client, make_user, login)
    run_survey(app, client, "kontaktforloeb-borger", MEETINGS)
    run_survey(app, client, "kontaktforloeb-sagsbehandler", CASEWORK, CASEWORKERS)
    citizens = SurveyCheck(app, client, runner, tmp_path / "borger", "kontaktforloeb-borger", MEETINGS, None)
    assert citizens.everything() > 400
    caseworkers = SurveyCheck(app, client, runner, tmp_path / "sagsbehandler", "kontaktforloeb-sagsbehandler",
                              CASEWORK, CASEWORKERS)
    assert caseworkers.everything() > 400


# A wave planned without municipalities has one anonymous link; a wave planned before the links carried a
# municipality had one too, and the citizens who got it still answer through it. Their answers belong to no
# municipality: they count in the network total (and as a group of their own under the threshold rule).
ONE_LINK = [SurveyWave("Borgere 2021", {"": _citizens([(4, 4), (5, 5), (3, 4), (4, 3), (2, 2), (5, 9)])})]
OLD_LINK = [(4, 4), (5, 4), (3, 3)]  # three citizens answer the 2022 wave through its old one link
WITH_OLD_LINK = [SurveyWave("Borgere 2022", {
    "vesthimmerland": _citizens([(4, 4), (4, 3), (5, 5), (3, 3), (2, 3), (4, 4), (5, 4)]),
    "frederikshavn": _citizens([(3, 3), (4, 4), (4, 2), (5, 5), (1, 1), (9, 4)]),
    "": _citizens(OLD_LINK),
}, hidden={"Frederikshavn", NO_MUNICIPALITY})]


def test_answers_through_a_link_without_municipality_count_in_the_network(app, client, runner, make_user, login,
                                                                          tmp_path):
    _coordinator(client, make_user, login)
    run_survey(app, client, "borgertilfredshed", ONE_LINK)
    check = SurveyCheck(app, client, runner, tmp_path, "borgertilfredshed", ONE_LINK, None)
    assert check.everything() > 50


def test_answers_through_a_waves_old_link_count_in_the_network(app, client, runner, make_user, login, tmp_path):
    _coordinator(client, make_user, login)
    plan = WITH_OLD_LINK[0]
    given = {m: a for m, a in plan.answers.items() if m}
    [wave_id] = run_survey(app, client, "borgertilfredshed", [SurveyWave(plan.label, given)]).values()
    plan.wave_id = wave_id
    with app.app_context():
        wave = db.session.get(Wave, wave_id)
        old_link = f"/p/{public_token(wave)}"  # the link the wave page showed before it had one per municipality
        wave.status = "open"
        db.session.commit()
    for answer in plan.answers[""]:
        _answer_in_browser(app, old_link, answer)
    check = SurveyCheck(app, client, runner, tmp_path, "borgertilfredshed", WITH_OLD_LINK, None)
    assert check.everything() > 150

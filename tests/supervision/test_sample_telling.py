"""Samples say what they do: a redraw names the reviewed cases it takes out of the tallies before it is
confirmed, its audit entry reads as a sentence, and a round without a sample says so."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, CaseListEntry, Municipality, SupervisionRecord
from app.supervision.sampling import draw
from tests.supervision.conftest import list_cases, log_case, post_form

CASES = [f"AAL-{i:03d}" for i in range(1, 16)]


@pytest.fixture
def leader(app, make_user, login):
    _uid, email, password = make_user("team_leader", "aalborg")
    client = app.test_client()
    login(client, email, password)
    return client


@pytest.fixture
def coordinator(app, make_user, login):
    _uid, email, password = make_user("coordinator")
    client = app.test_client()
    login(client, email, password)
    return client


def _aalborg(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Municipality.id).where(Municipality.slug == "aalborg"))


def _draw(client, round_id, municipality_id, size, seed, **extra):
    data = {"municipality": str(municipality_id), "size": str(size), "seed": seed, **extra}
    return post_form(client, f"/tilsyn/runder/{round_id}/stikproeve", data)


def _sample(app, round_id) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(CaseListEntry.case_reference).where(
            CaseListEntry.round_id == round_id, CaseListEntry.sample_rank.is_not(None))
            .order_by(CaseListEntry.sample_rank)))


def _reviewed_round(app, make_round, leader) -> tuple[int, list[str]]:
    """A list of 15, a sample of 5 drawn with seed "juli-2019", every sampled case reviewed."""
    round_id = make_round()
    list_cases(app, round_id, CASES, municipalities=("aalborg",))
    assert _draw(leader, round_id, _aalborg(app), 5, "juli-2019").status_code == 302
    sample = _sample(app, round_id)
    for reference in sample:
        assert log_case(leader, round_id, reference, listed=False).status_code == 302
    return round_id, sample


def _seed_dropping(round_id, sample, least: int) -> tuple[str, list[str]]:
    """A seed whose draw of 5 leaves at least `least` of the sample out, and the cases it leaves out."""
    for i in range(200):
        seed = f"ny-{i}"
        leaving = sorted(set(sample) - set(draw(CASES, 5, seed, round_id, 851)))
        if len(leaving) >= least:
            return seed, leaving
    raise AssertionError("no such seed")


def test_a_redraw_names_the_reviewed_cases_leaving_the_tallies_before_it_is_confirmed(
        app, leader, coordinator, make_round):
    round_id, sample = _reviewed_round(app, make_round, leader)
    seed, leaving = _seed_dropping(round_id, sample, 3)
    asked = _draw(coordinator, round_id, _aalborg(app), 5, seed, reason="Listen var forkert")
    html = asked.get_data(as_text=True)
    assert asked.status_code == 409
    assert f"{len(leaving)} af de 5 gennemgåede sager" in html
    assert all(reference in html for reference in leaving)
    assert _sample(app, round_id) == sample  # nothing changed yet
    confirm = re.search(r'name="confirm_leaving" value="(\d+)"', html)
    assert confirm and confirm.group(1) == str(len(leaving))
    done = _draw(coordinator, round_id, _aalborg(app), 5, seed, reason="Listen var forkert",
                 confirm_leaving=confirm.group(1))
    assert done.status_code == 302
    assert _sample(app, round_id) == draw(CASES, 5, seed, round_id, 851)
    page = coordinator.get(f"/tilsyn/runder/{round_id}/stikproeve").get_data(as_text=True)
    assert f"{len(leaving)} gennemgåede sager tælles ikke længere med" in page


def test_a_first_draw_over_reviewed_cases_asks_the_team_leader_too(app, leader, make_round):
    """Without a sample every listed case counts; a first draw then moves the reviewed cases it misses out."""
    round_id = make_round()
    list_cases(app, round_id, CASES, municipalities=("aalborg",))
    for reference in CASES[:6]:
        assert log_case(leader, round_id, reference, listed=False).status_code == 302
    chosen = draw(CASES, 5, "juli-2019", round_id, 851)
    leaving = sorted(set(CASES[:6]) - set(chosen))
    asked = _draw(leader, round_id, _aalborg(app), 5, "juli-2019")
    assert asked.status_code == 409 and f"{len(leaving)} af de 6 gennemgåede sager" in asked.get_data(as_text=True)
    assert _sample(app, round_id) == []
    assert _draw(leader, round_id, _aalborg(app), 5, "juli-2019",
                 confirm_leaving=str(len(leaving))).status_code == 302
    assert _sample(app, round_id) == chosen


def test_a_redraw_reads_as_a_sentence_in_the_log(app, leader, coordinator, make_round):
    round_id, sample = _reviewed_round(app, make_round, leader)
    seed, leaving = _seed_dropping(round_id, sample, 1)
    assert _draw(coordinator, round_id, _aalborg(app), 5, seed, reason="Listen var forkert",
                 confirm_leaving=str(len(leaving))).status_code == 302
    log = coordinator.get(f"/tilsyn/runder/{round_id}/log").get_data(as_text=True)
    expected = (f"coordinator trak stikprøven for Aalborg i Juli 2019 igen: startværdi juli-2019 → {seed}, "
                f"5 → 5 sager. Begrundelse: Listen var forkert. ")
    assert expected in log
    if len(leaving) == 1:
        assert f"1 af de 5 gennemgåede sager tælles ikke længere med: {leaving[0]}." in log
    else:
        assert f"{len(leaving)} af de 5 gennemgåede sager tælles ikke længere med: {', '.join(leaving)}." in log
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "case_sample")
                                   .order_by(AuditEntry.id.desc())).first()
        assert entry.after["leaving"] == leaving and entry.after["reviewed_before"] == 5


def test_including_and_excluding_a_case_read_as_sentences(app, leader, coordinator, make_round):
    round_id = make_round()
    list_cases(app, round_id, CASES, municipalities=("aalborg",))
    assert _draw(leader, round_id, _aalborg(app), 5, "juli-2019").status_code == 302
    outside = next(c for c in CASES if c not in _sample(app, round_id))
    assert log_case(leader, round_id, outside, listed=False, outside_sample="y").status_code == 302
    with app.app_context():
        record_id = db.session.scalar(select(SupervisionRecord.id))
    url = f"/tilsyn/runder/{round_id}"
    assert post_form(coordinator, url, {"include": "1"}, action=f"/tilsyn/sager/{record_id}/medtag").status_code == 302
    assert post_form(coordinator, url, {"include": "0"}, action=f"/tilsyn/sager/{record_id}/medtag").status_code == 302
    log = coordinator.get(f"/tilsyn/runder/{round_id}/log").get_data(as_text=True)
    assert (f"coordinator medtog sag {outside} (Aalborg, Juli 2019), der er gennemgået udenfor stikprøven, "
            "i stikprøvens tal") in log
    assert (f"coordinator lod sag {outside} (Aalborg, Juli 2019) tælle for sig igen, udenfor stikprøvens tal"
            in log)
    assert f"ændrede sag {outside}" not in log


def test_a_round_without_a_sample_says_so_plainly(app, leader, make_round):
    round_id = make_round()
    list_cases(app, round_id, CASES[:3], municipalities=("aalborg",))
    assert log_case(leader, round_id, CASES[0], listed=False).status_code == 302
    page = leader.get(f"/tilsyn/runder/{round_id}").get_data(as_text=True)
    row = page[page.index('<th scope="row">Aalborg</th>'):]
    row = row[:row.index("</tr>")]
    assert "Ingen stikprøve: hele listen gennemgås" in row
    assert re.search(r'<td class="num">0</td>', row) is None


def test_check_sample_without_a_draw_says_no_sample_drawn_and_exits_0(app, runner, make_round):
    round_id = make_round()
    list_cases(app, round_id, CASES, municipalities=("aalborg",))
    result = runner.invoke(args=["supervision", "check-sample", str(round_id), "--municipality", "aalborg"])
    assert result.exit_code == 0, result.output
    assert "no sample drawn" in result.output and "FAIL" not in result.output


def test_check_sample_fails_when_the_audited_sample_is_gone(app, runner, leader, make_round):
    round_id = make_round()
    list_cases(app, round_id, CASES, municipalities=("aalborg",))
    assert _draw(leader, round_id, _aalborg(app), 5, "juli-2019").status_code == 302
    with app.app_context():
        for entry in db.session.scalars(select(CaseListEntry).where(CaseListEntry.round_id == round_id)):
            entry.sample_rank = entry.sample_seed = None
        db.session.commit()
    result = runner.invoke(args=["supervision", "check-sample", str(round_id), "--municipality", "aalborg"])
    assert result.exit_code == 1 and "FAIL" in result.output


def test_the_command_line_names_the_leaving_cases_and_needs_confirmation(app, runner, leader, make_round):
    round_id, sample = _reviewed_round(app, make_round, leader)
    seed, leaving = _seed_dropping(round_id, sample, 1)
    args = ["supervision", "sample", str(round_id), "--municipality", "aalborg", "--size", "5", "--seed", seed,
            "--reason", "Forkert liste"]
    refused = runner.invoke(args=args)
    assert refused.exit_code != 0 and f"{len(leaving)} of the 5 reviewed case(s)" in refused.output
    assert all(reference in refused.output for reference in leaving) and "--confirm-leaving" in refused.output
    assert _sample(app, round_id) == sample
    done = runner.invoke(args=[*args, "--confirm-leaving", str(len(leaving))])
    assert done.exit_code == 0, done.output
    assert _sample(app, round_id) == draw(CASES, 5, seed, round_id, 851)

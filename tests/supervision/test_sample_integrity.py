"""The sample stays the sample: each attack from the field, as a test (page and command line alike)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, CaseListEntry, Municipality, SupervisionRecord, SupervisionRound
from app.supervision.sampling import draw
from tests.conftest import extract_csrf
from tests.supervision.conftest import list_cases, log_case, post_form

CASES = [f"AAL-{i:03d}" for i in range(1, 16)]  # a list of 15 cases


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


def _draw(client, round_id, municipality_id, size, seed, reason=None):
    data = {"municipality": str(municipality_id), "size": str(size), "seed": seed}
    if reason is not None:
        data["reason"] = reason
    return post_form(client, f"/tilsyn/runder/{round_id}/stikproeve", data)


def _sample(app, round_id) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(CaseListEntry.case_reference).where(
            CaseListEntry.round_id == round_id, CaseListEntry.sample_rank.is_not(None))
            .order_by(CaseListEntry.sample_rank)))


def _records(app, round_id) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(SupervisionRecord.case_reference).where(
            SupervisionRecord.round_id == round_id)))


def _coverage(app, round_id) -> dict:
    from app.supervision.service import counts_by_municipality

    with app.app_context():
        rows = counts_by_municipality(db.session.get(SupervisionRound, round_id), None)
        return {r["municipality"].slug: (r["listed"], r["sampled"], r["reviewed"], r["outside"]) for r in rows}


def _sampled_round(app, make_round, leader, size=5, seed="juli-2019") -> tuple[int, list[str]]:
    round_id = make_round()
    list_cases(app, round_id, CASES, municipalities=("aalborg",))
    assert _draw(leader, round_id, _aalborg(app), size, seed).status_code == 302
    return round_id, _sample(app, round_id)


def test_a_case_not_on_the_list_is_refused(app, leader, make_round):
    round_id, _sample_ = _sampled_round(app, make_round, leader)
    response = log_case(leader, round_id, "IKKE-PAA-LISTEN", listed=False)
    assert response.status_code == 200
    assert "står ikke på kommunens sagsliste" in response.get_data(as_text=True)
    assert _records(app, round_id) == []


def test_a_case_outside_the_sample_is_refused_unless_marked_and_then_counts_apart(app, leader, make_round):
    round_id, sample = _sampled_round(app, make_round, leader)
    outside = next(c for c in CASES if c not in sample)
    refused = log_case(leader, round_id, outside, listed=False)
    assert refused.status_code == 200 and "ikke trukket i stikprøven" in refused.get_data(as_text=True)
    assert _records(app, round_id) == []
    assert log_case(leader, round_id, outside, listed=False, outside_sample="y").status_code == 302
    assert log_case(leader, round_id, sample[0], listed=False).status_code == 302
    assert _coverage(app, round_id)["aalborg"] == (15, 5, 1, 1)
    page = leader.get(f"/tilsyn/runder/{round_id}").get_data(as_text=True)
    assert "udenfor stikprøven" in page


def test_without_a_drawn_sample_every_listed_case_is_under_review(app, leader, make_round):
    round_id = make_round()
    list_cases(app, round_id, CASES[:3], municipalities=("aalborg",))
    assert log_case(leader, round_id, CASES[0], listed=False).status_code == 302
    assert _coverage(app, round_id)["aalborg"] == (3, 0, 1, 0)


def test_the_team_leader_cannot_redraw_once_a_sampled_case_is_reviewed(app, leader, make_round):
    round_id, sample = _sampled_round(app, make_round, leader)
    for reference in sample:
        assert log_case(leader, round_id, reference, listed=False).status_code == 302
    response = _draw(leader, round_id, _aalborg(app), 5, "et-andet-seed")
    assert response.status_code == 409 and "låst" in response.get_data(as_text=True)
    assert _sample(app, round_id) == sample
    assert _coverage(app, round_id)["aalborg"] == (15, 5, 5, 0)


def test_a_sample_without_reviewed_cases_can_still_be_redrawn(app, leader, make_round):
    round_id, sample = _sampled_round(app, make_round, leader)
    assert _draw(leader, round_id, _aalborg(app), 5, "nyt-seed").status_code == 302
    assert _sample(app, round_id) == draw(CASES, 5, "nyt-seed", round_id, 851) != sample


def test_a_coordinator_redraw_needs_a_reason_and_keeps_the_old_draw_in_the_audit_log(
        app, leader, coordinator, make_round):
    round_id, sample = _sampled_round(app, make_round, leader)
    assert log_case(leader, round_id, sample[0], listed=False).status_code == 302
    without = _draw(coordinator, round_id, _aalborg(app), 5, "ny-trækning")
    assert without.status_code == 400 and "begrundelse" in without.get_data(as_text=True)
    assert _sample(app, round_id) == sample
    assert _draw(coordinator, round_id, _aalborg(app), 5, "ny-trækning",
                 reason="Sagslisten var trukket for tidligt").status_code == 302
    new = _sample(app, round_id)
    assert new == draw(CASES, 5, "ny-trækning", round_id, 851)
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "case_sample")
                                   .order_by(AuditEntry.id.desc())).first()
        assert entry.action == "redraw"
        assert entry.before["sample"] == sample and entry.before["seed"] == "juli-2019"
        assert entry.after["reason"] == "Sagslisten var trukket for tidligt" and entry.after["sample"] == new
    log = coordinator.get(f"/tilsyn/runder/{round_id}/log").get_data(as_text=True)
    assert "Sagslisten var trukket for tidligt" in log and "juli-2019" in log
    # the record made before the redraw is now outside the sample, unless it was drawn again
    expected_outside = 0 if sample[0] in new else 1
    assert _coverage(app, round_id)["aalborg"][3] == expected_outside


def test_an_oversized_sample_is_refused_on_the_page_with_a_clear_message(app, leader, make_round):
    round_id = make_round()
    list_cases(app, round_id, CASES, municipalities=("aalborg",))
    response = _draw(leader, round_id, _aalborg(app), 50, "x")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "har kun 15 sager" in html and "højst 15" in html
    assert _sample(app, round_id) == []


def _cli(runner, *args):
    return runner.invoke(args=["supervision", *args])


def test_the_command_line_refuses_an_oversized_sample(app, runner, make_round):
    round_id = make_round()
    list_cases(app, round_id, CASES, municipalities=("aalborg",))
    result = _cli(runner, "sample", str(round_id), "--municipality", "aalborg", "--size", "50", "--seed", "x")
    assert result.exit_code != 0 and "only 15 case(s)" in result.output and "at most 15" in result.output
    assert _sample(app, round_id) == []


def test_the_command_line_refuses_a_closed_round(app, runner, make_round):
    round_id = make_round(status="closed")
    list_cases(app, round_id, CASES, municipalities=("aalborg",))
    result = _cli(runner, "sample", str(round_id), "--municipality", "aalborg", "--size", "5", "--seed", "x")
    assert result.exit_code != 0 and "is closed" in result.output
    assert _sample(app, round_id) == []


def test_the_command_line_refuses_a_frozen_redraw_without_a_reason(app, runner, leader, make_round):
    round_id, sample = _sampled_round(app, make_round, leader)
    assert log_case(leader, round_id, sample[0], listed=False).status_code == 302
    refused = _cli(runner, "sample", str(round_id), "--municipality", "aalborg", "--size", "5", "--seed", "y")
    assert refused.exit_code != 0 and "--reason" in refused.output
    assert _sample(app, round_id) == sample
    done = _cli(runner, "sample", str(round_id), "--municipality", "aalborg", "--size", "5", "--seed", "y",
                "--reason", "Forkert liste")
    assert done.exit_code == 0, done.output
    check = _cli(runner, "check-sample", str(round_id), "--municipality", "aalborg")
    assert check.exit_code == 0 and "redraw" in check.output and "Forkert liste" in check.output


def test_check_sample_fails_when_another_valid_draw_replaces_the_one_in_force(app, runner, leader, make_round):
    """A sample swapped in the database for another seed's draw is self-consistent, but not the draw in force."""
    round_id, sample = _sampled_round(app, make_round, leader)
    assert _cli(runner, "check-sample", str(round_id), "--municipality", "aalborg").exit_code == 0
    other = draw(CASES, 5, "et-andet-seed", round_id, 851)
    with app.app_context():
        for entry in db.session.scalars(select(CaseListEntry).where(CaseListEntry.round_id == round_id)):
            rank = other.index(entry.case_reference) + 1 if entry.case_reference in other else None
            entry.sample_rank, entry.sample_seed = rank, "et-andet-seed" if rank else None
        db.session.commit()
    check = _cli(runner, "check-sample", str(round_id), "--municipality", "aalborg")
    assert check.exit_code == 1 and "not the last draw recorded in the audit log" in check.output


def test_a_closed_round_offers_no_reopening_and_refuses_it(app, coordinator, make_round):
    round_id = make_round(status="closed")
    page = coordinator.get(f"/tilsyn/runder/{round_id}").get_data(as_text=True)
    assert "Åbn runden" not in page and "kan kun læses" in page
    token = extract_csrf(page)
    response = coordinator.post(f"/tilsyn/runder/{round_id}/status", data={"csrf_token": token, "status": "open"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(SupervisionRound, round_id).status == "closed"

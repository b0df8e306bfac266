"""`flask supervision sample` and `check-sample`: the draw can be re-done and checked from the command line."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import CaseListEntry, Municipality, SupervisionRound
from app.supervision.sampling import draw


def _list(app, round_id, references):
    with app.app_context():
        aalborg = db.session.scalar(select(Municipality).where(Municipality.slug == "aalborg"))
        db.session.add_all(CaseListEntry(round_id=round_id, municipality_id=aalborg.id, case_reference=r)
                           for r in references)
        db.session.commit()
        return aalborg.code


def test_sample_then_check(app, runner, make_round):
    round_id = make_round()
    references = [f"S-{i}" for i in range(30)]
    code = _list(app, round_id, references)
    result = runner.invoke(args=["supervision", "sample", str(round_id), "--municipality", "aalborg",
                                 "--size", "4", "--seed", "tjek"])
    assert result.exit_code == 0, result.output
    expected = draw(references, 4, "tjek", round_id, code)
    assert result.output.split() == [x for i, ref in enumerate(expected, 1) for x in (str(i), ref)]
    check = runner.invoke(args=["supervision", "check-sample", str(round_id), "--municipality", "aalborg"])
    assert check.exit_code == 0 and "OK" in check.output


def test_check_sample_detects_a_changed_sample(app, runner, make_round):
    round_id = make_round()
    _list(app, round_id, [f"S-{i}" for i in range(30)])
    runner.invoke(args=["supervision", "sample", str(round_id), "--municipality", "aalborg", "--size", "3", "--seed", "x"])
    with app.app_context():
        chosen = db.session.scalar(select(CaseListEntry).where(CaseListEntry.sample_rank == 1))
        other = db.session.scalar(select(CaseListEntry).where(CaseListEntry.sample_rank.is_(None)).limit(1))
        other.sample_rank, other.sample_seed, chosen.sample_rank = 1, "x", None
        db.session.commit()
    check = runner.invoke(args=["supervision", "check-sample", str(round_id), "--municipality", "aalborg"])
    assert check.exit_code == 1 and "does NOT match" in check.output


def test_sample_refuses_a_municipality_outside_the_round(app, runner, make_round):
    round_id = make_round(municipalities=("aalborg",))
    with app.app_context():
        thisted = db.session.scalar(select(Municipality).where(Municipality.slug == "thisted"))
        db.session.add_all(CaseListEntry(round_id=round_id, municipality_id=thisted.id, case_reference=f"T-{i}")
                           for i in range(5))
        db.session.commit()
    result = runner.invoke(args=["supervision", "sample", str(round_id), "--municipality", "thisted", "--size", "1",
                                 "--seed", "x"])
    assert result.exit_code == 2
    assert f"'thisted' is not a municipality of round {round_id}" in result.output
    with app.app_context():
        assert db.session.get(SupervisionRound, round_id) is not None
        drawn = db.session.scalars(select(CaseListEntry).where(CaseListEntry.round_id == round_id,
                                                               CaseListEntry.sample_rank.is_not(None))).all()
        assert drawn == []

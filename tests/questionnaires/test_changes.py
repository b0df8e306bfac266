"""What changes: the diff's consequences for comparison, read from the stored fingerprints (both databases)."""
from __future__ import annotations

from app.extensions import db
from app.questionnaires import catalogue as cat
from app.questionnaires.changes import catalogue_changes
from tests.questionnaires.conftest import PATH, SLUG
from tests.waves.factories import add_wave

KVALITET_DA = "Den løbende revurdering er:"


def _edited(text_change) -> dict[str, str]:
    files = {p: f.text for p, f in cat.stored_files().items()}
    return {PATH: text_change(files[PATH])}


def _changes_for(edit: dict[str, str], slug: str = SLUG):
    problems, catalogue = cat.check(edit)
    assert catalogue is not None, [str(p) for p in problems]
    return {qc.slug: qc for qc in catalogue_changes(catalogue)}, catalogue


def test_a_reworded_question_is_no_longer_compared_with_the_waves_that_asked_it(ctx):
    add_wave(label="Januar 2019")
    add_wave(label="Sommer 2020")
    db.session.flush()
    changes, catalogue = _changes_for(_edited(lambda t: t.replace(KVALITET_DA, "Den nye revurdering er:", 1)))
    change = {c.question_id: c for c in changes[SLUG].questions}
    assert set(change) == {"ly_kvalitet"}
    kvalitet = change["ly_kvalitet"]
    assert kvalitet.aspects == ("text",) and kvalitet.breaks
    assert kvalitet.compared_with == ("Januar 2019", "Sommer 2020")
    stored = cat.stored_files()[PATH]
    assert kvalitet.old.fingerprint != catalogue.questionnaires[SLUG].question("ly_kvalitet").fingerprint
    assert stored.token.startswith("v")


def test_a_help_text_only_change_stays_comparable(ctx):
    add_wave(label="Januar 2019")
    edit = _edited(lambda t: t.replace("    scale: quality4\n", "    scale: quality4\n    help: {da: \"Hjælp\", en: \"Help\"}\n", 1))
    changes, _catalogue = _changes_for(edit)
    (kvalitet,) = changes[SLUG].questions
    assert kvalitet.aspects == ("help",)
    assert not kvalitet.breaks and kvalitet.compared_with == ()
    assert changes[SLUG].breaking == []


def test_a_changed_scale_lists_every_questionnaire_it_changes_with_their_consequences(ctx):
    add_wave(label="Januar 2019")
    scales = cat.stored_files()["scales.yaml"].text
    changed = scales.replace('da: "af samme kvalitet"', 'da: "af omtrent samme kvalitet"', 1)
    assert changed != scales
    changes, _catalogue = _changes_for({"scales.yaml": changed})
    assert {"ledighedsydelse-raadgiver", "mentor-raadgiver"} <= set(changes)
    (kvalitet,) = [c for c in changes[SLUG].questions if c.question_id == "ly_kvalitet"]
    assert kvalitet.aspects == ("options",) and kvalitet.compared_with == ("Januar 2019",)
    assert all(c.question_id != "ly_forenklet" for c in changes[SLUG].questions)


def test_an_unchanged_catalogue_has_no_changes(ctx):
    changes, _catalogue = _changes_for({})
    assert changes == {}


def test_added_and_removed_questions(ctx):
    add_wave(label="Januar 2019")

    def drop_kvalitet(text: str) -> str:
        head, _sep, _rest = text.partition("  - id: ly_kvalitet")
        return head + "  - id: ly_ny\n    type: yes_no\n    text: {da: \"Nyt?\", en: \"New?\"}\n"

    changes, _catalogue = _changes_for(_edited(drop_kvalitet))
    status = {c.question_id: (c.status, c.compared_with) for c in changes[SLUG].questions}
    assert status == {"ly_ny": ("added", ()), "ly_kvalitet": ("removed", ("Januar 2019",))}

"""Loading the YAML catalogue into the database: all seeds, idempotence, new versions, CLI."""
from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.models import Experiment, Municipality, QuestionFingerprint, QuestionnaireVersion
from app.questionnaires.service import definition_of, latest_version, read_catalogue, store_catalogue

ROOT = Path(__file__).resolve().parents[2]
SEED_QUESTIONNAIRES = {
    "ledighedsydelse-raadgiver", "mentor-raadgiver", "mentor-sagsgennemgang", "revalidering-tilsyn",
    "revalidering-raadgiver", "ressourceforloeb-tilsyn", "borgertilfredshed", "evalueringsskema",
    "kontaktforloeb-borger", "kontaktforloeb-sagsbehandler",
}


def test_every_seed_questionnaire_and_the_reference_data_are_loaded(ctx):
    slugs = set(db.session.scalars(select(QuestionnaireVersion.slug)))
    assert SEED_QUESTIONNAIRES <= slugs
    assert db.session.scalar(select(func.count()).select_from(Municipality)) == 11
    assert db.session.scalar(select(Municipality.code).where(Municipality.slug == "aalborg")) == 851
    revalidering = db.session.scalars(select(Experiment)).all()
    members = {e.slug: {m.slug for m in e.municipalities} for e in revalidering}
    assert any(ms == {"vesthimmerland", "thisted", "jammerbugt", "aalborg"} for ms in members.values())


def test_stored_definition_round_trips_with_the_danish_wording_verbatim(ctx):
    version = latest_version("ledighedsydelse-raadgiver")
    questionnaire = definition_of(version)
    wordings = [q.text.da for q in questionnaire.questions]
    assert (
        "I hvor høj grad har fritagelse for revurdering efter 12 måneder på Ledighedsydelse indenfor 18 måneder "
        "forenklet sagsbehandlingen på området?"
    ) in wordings
    stored = {f.question_id: f.fingerprint for f in version.questions}
    assert stored == {q.id: q.fingerprint for q in questionnaire.questions}


def test_shared_block_keeps_the_same_question_ids_in_every_questionnaire(ctx):
    tilsyn = definition_of(latest_version("revalidering-tilsyn"))
    block_ids = [q.id for q in tilsyn.questions if q.block]
    assert len(block_ids) >= 5
    assert tilsyn.questions[1].condition is not None  # C.2 asked only when C.1 is yes


def test_loading_twice_changes_nothing(ctx):
    before = db.session.scalar(select(func.count()).select_from(QuestionnaireVersion))
    report = store_catalogue(read_catalogue())
    db.session.commit()
    assert not report.changed
    assert report.new_versions == []
    assert db.session.scalar(select(func.count()).select_from(QuestionnaireVersion)) == before


def test_a_changed_wording_creates_a_new_version_and_keeps_the_old_one(app, tmp_path):
    copy = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", copy)
    path = copy / "ledighedsydelse-raadgiver.yaml"
    source = path.read_text(encoding="utf-8")
    changed = source.replace("forenklet sagsbehandlingen på området?", "forenklet sagsbehandlingen?", 1)
    assert changed != source
    path.write_text(changed, encoding="utf-8")
    app.config["QUESTIONNAIRES_DIR"] = copy
    with app.app_context():
        old = latest_version("ledighedsydelse-raadgiver")
        old_definition, old_prints = dict(old.definition), {q.question_id: q.fingerprint for q in old.questions}
        report = store_catalogue(read_catalogue())
        db.session.commit()
        assert report.new_versions == ["ledighedsydelse-raadgiver v2"]
        new = latest_version("ledighedsydelse-raadgiver")
        assert new.version == 2
        new_prints = {q.question_id: q.fingerprint for q in new.questions}
        changed_ids = {qid for qid in old_prints if old_prints[qid] != new_prints.get(qid)}
        assert len(changed_ids) == 1
        reloaded = db.session.get(QuestionnaireVersion, old.id)
        assert reloaded.definition == old_definition
        assert db.session.scalar(select(func.count()).select_from(QuestionFingerprint).where(
            QuestionFingerprint.questionnaire_version_id == old.id)) == len(old_prints)


def test_cli_check_passes_on_the_catalogue(runner):
    result = runner.invoke(args=["questionnaires", "check", str(ROOT / "questionnaires")])
    assert result.exit_code == 0, result.output


def test_cli_check_reports_path_line_and_exits_non_zero(runner, tmp_path):
    copy = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", copy)
    broken = copy / "broken.yaml"
    broken.write_text(
        "questionnaire:\n  id: broken\n  version: 1\n  kind: survey\n  audience: adviser\n"
        "  title: {da: Brudt, en: Broken}\nquestions:\n  - id: q1\n    type: likert\n    scale: no_such_scale\n"
        "    text: {da: 'Hvad?', en: 'What?'}\n",
        encoding="utf-8",
    )
    runner.app.config["QUESTIONNAIRES_DIR"] = copy
    result = runner.invoke(args=["questionnaires", "check", str(broken)])
    assert result.exit_code == 1
    assert f"{broken}:10:" in result.output
    assert "no_such_scale" in result.output


def test_cli_load_refuses_a_broken_catalogue_and_loads_nothing(runner, tmp_path):
    copy = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", copy)
    (copy / "broken.yaml").write_text("questionnaire:\n  id: [unclosed\n", encoding="utf-8")
    runner.app.config["QUESTIONNAIRES_DIR"] = copy
    with runner.app.app_context():
        before = db.session.scalar(select(func.count()).select_from(QuestionnaireVersion))
    result = runner.invoke(args=["questionnaires", "load"])
    assert result.exit_code == 1
    assert "broken.yaml:" in result.output
    with runner.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuestionnaireVersion)) == before


def test_cli_load_twice_says_unchanged(runner):
    result = runner.invoke(args=["questionnaires", "load"])
    assert result.exit_code == 0, result.output
    assert "Unchanged" in result.output

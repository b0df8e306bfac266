"""Loading the folder after publishing in the browser: what was published since is never undone.

A folder file holding an older stored text is kept as stored (and so are the questionnaires built on
it); a folder file with a text of its own, where the stored file was published in the browser since, is
a conflict that stores nothing unless `--force` says so.
"""
from __future__ import annotations

import shutil

from sqlalchemy import func, select

from app.extensions import db
from app.models import CatalogueFile, QuestionnaireVersion, User
from app.questionnaires.catalogue import publish, stored_files
from app.questionnaires.service import latest_version
from tests.conftest import ROOT
from tests.questionnaires.conftest import PATH, SLUG

WORDING = "forenklet sagsbehandlingen på området?"


def _browser_publish(app, user_id: int, path: str, old: str, new: str) -> int:
    """Publish `path` with `old` replaced by `new`, as the editor does; the stored version number."""
    with app.app_context():
        stored = stored_files()[path]
        edited = stored.text.replace(old, new, 1)
        assert edited != stored.text
        publish({path: edited}, {path: stored.token}, db.session.get(User, user_id))
        db.session.commit()
        return latest_version(SLUG).version


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(QuestionnaireVersion)),
                db.session.scalar(select(func.count()).select_from(CatalogueFile)))


def _folder(tmp_path):
    copy = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", copy)
    return copy


def test_an_older_folder_leaves_a_browser_edit_in_place(runner, make_user):
    app = runner.app
    uid, _email, _password = make_user("coordinator")
    published = _browser_publish(app, uid, PATH, WORDING, "forenklet arbejdet?")
    before = _counts(app)

    result = runner.invoke(args=["questionnaires", "load"])

    assert result.exit_code == 0, result.output
    assert f"kept as stored: {PATH}" in result.output
    assert "published in the browser by coordinator" in result.output
    assert "flask questionnaires export" in result.output
    assert _counts(app) == before
    with app.app_context():
        newest = latest_version(SLUG)
        assert newest.version == published and "forenklet arbejdet?" in newest.source_text


def test_an_older_scales_file_leaves_the_browser_scale_and_its_questionnaires(runner, make_user):
    app = runner.app
    uid, _email, _password = make_user("coordinator")
    with app.app_context():
        scales = stored_files()["scales.yaml"].text
    label = "I høj grad"
    assert label in scales
    with app.app_context():
        stored = stored_files()["scales.yaml"]
        report, _catalogue = publish({"scales.yaml": stored.text.replace(label, "I allerhøjeste grad")},
                                     {"scales.yaml": stored.token}, db.session.get(User, uid))
        db.session.commit()
    assert report.new_versions
    before = _counts(app)

    result = runner.invoke(args=["questionnaires", "load"])

    assert result.exit_code == 0, result.output
    assert "kept as stored: scales.yaml" in result.output
    assert _counts(app) == before
    with app.app_context():
        assert "I allerhøjeste grad" in stored_files()["scales.yaml"].text


def test_a_new_folder_text_of_another_file_still_loads_beside_a_kept_one(runner, make_user, tmp_path):
    app = runner.app
    uid, _email, _password = make_user("coordinator")
    published = _browser_publish(app, uid, PATH, WORDING, "forenklet arbejdet?")
    folder = _folder(tmp_path)
    other = folder / "mentor-raadgiver.yaml"
    text = other.read_text(encoding="utf-8")
    with app.app_context():
        mentor = latest_version("mentor-raadgiver").version
    first = next(line for line in text.splitlines() if "da:" in line and "?" in line)
    other.write_text(text.replace(first, first.replace("?", " i dag?"), 1), encoding="utf-8")

    result = runner.invoke(args=["questionnaires", "load", str(folder)])

    assert result.exit_code == 0, result.output
    assert f"kept as stored: {PATH}" in result.output
    assert f"new version: mentor-raadgiver v{mentor + 1}" in result.output
    with app.app_context():
        assert latest_version(SLUG).version == published
        assert latest_version("mentor-raadgiver").version == mentor + 1


def test_a_folder_behind_a_later_load_is_kept_too(runner, tmp_path):
    app = runner.app
    folder = _folder(tmp_path)
    path = folder / PATH
    path.write_text(path.read_text(encoding="utf-8").replace(WORDING, "forenklet det hele?", 1), encoding="utf-8")
    assert runner.invoke(args=["questionnaires", "load", str(folder)]).exit_code == 0
    before = _counts(app)

    result = runner.invoke(args=["questionnaires", "load"])

    assert result.exit_code == 0, result.output
    assert f"kept as stored: {PATH}" in result.output
    assert "loaded from a folder" in result.output
    assert _counts(app) == before


def test_a_folder_text_of_its_own_after_a_browser_edit_is_a_conflict_and_stores_nothing(runner, make_user,
                                                                                       tmp_path):
    app = runner.app
    uid, _email, _password = make_user("coordinator")
    published = _browser_publish(app, uid, PATH, WORDING, "forenklet arbejdet?")
    folder = _folder(tmp_path)
    path = folder / PATH
    path.write_text(path.read_text(encoding="utf-8").replace(WORDING, "forenklet det hele?", 1), encoding="utf-8")
    before = _counts(app)

    result = runner.invoke(args=["questionnaires", "load", str(folder)])

    assert result.exit_code == 1
    assert f"{PATH}: published in the browser by coordinator" in result.output
    assert "--force" in result.output and "Nothing loaded." in result.output
    assert _counts(app) == before

    forced = runner.invoke(args=["questionnaires", "load", "--force", str(folder)])
    assert forced.exit_code == 0, forced.output
    with app.app_context():
        newest = latest_version(SLUG)
        assert newest.version == published + 1 and "forenklet det hele?" in newest.source_text


def test_force_stores_an_older_folder_as_a_new_version(runner, make_user):
    app = runner.app
    uid, _email, _password = make_user("coordinator")
    published = _browser_publish(app, uid, PATH, WORDING, "forenklet arbejdet?")

    result = runner.invoke(args=["questionnaires", "load", "--force"])

    assert result.exit_code == 0, result.output
    with app.app_context():
        newest = latest_version(SLUG)
        assert newest.version == published + 1 and WORDING in newest.source_text


def test_the_exported_catalogue_loads_back_after_a_browser_edit_without_a_conflict(runner, make_user, tmp_path):
    app = runner.app
    uid, _email, _password = make_user("coordinator")
    _browser_publish(app, uid, PATH, WORDING, "forenklet arbejdet?")
    target = tmp_path / "exported"
    assert runner.invoke(args=["questionnaires", "export", str(target)]).exit_code == 0
    before = _counts(app)

    result = runner.invoke(args=["questionnaires", "load", str(target)])

    assert result.exit_code == 0, result.output
    assert "Unchanged" in result.output
    assert _counts(app) == before

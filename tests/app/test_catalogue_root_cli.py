"""`flask questionnaires check/load COPY/` read scales and shared blocks from the copy's own root."""
from __future__ import annotations

import shutil

from sqlalchemy import func, select

from app.extensions import db
from app.models import QuestionnaireVersion
from tests.conftest import ROOT

CYCLE_A = """\
block:
  id: ring_a
  questions:
    - include: ring_b
"""
CYCLE_B = """\
block:
  id: ring_b
  questions:
    - include: ring_a
"""


def _copy(tmp_path):
    copy = tmp_path / "kopi"
    shutil.copytree(ROOT / "questionnaires", copy)
    return copy


def _versions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(QuestionnaireVersion))


def test_check_of_an_unmodified_copy_finds_no_errors(runner, tmp_path):
    copy = _copy(tmp_path)
    result = runner.invoke(args=["questionnaires", "check", f"{copy}/"])
    assert result.exit_code == 0, result.output
    assert result.output == "OK: no errors.\n"


def test_check_of_a_copy_reports_the_copys_include_cycle(runner, tmp_path):
    copy = _copy(tmp_path)
    (copy / "shared" / "ring-a.yaml").write_text(CYCLE_A, encoding="utf-8")
    (copy / "shared" / "ring-b.yaml").write_text(CYCLE_B, encoding="utf-8")
    result = runner.invoke(args=["questionnaires", "check", f"{copy}/"])
    assert result.exit_code == 1
    assert "ring-b.yaml:4: include cycle: ring_a -> ring_b -> ring_a" in result.output


def test_load_of_a_copy_with_an_include_cycle_stores_nothing(app, runner, tmp_path):
    copy = _copy(tmp_path)
    (copy / "shared" / "ring-a.yaml").write_text(CYCLE_A, encoding="utf-8")
    (copy / "shared" / "ring-b.yaml").write_text(CYCLE_B, encoding="utf-8")
    before = _versions(app)
    result = runner.invoke(args=["questionnaires", "load", str(copy)])
    assert result.exit_code == 1
    assert "include cycle" in result.output
    assert _versions(app) == before


def test_check_of_one_file_in_a_copy_uses_the_copys_scales(runner, tmp_path):
    copy = _copy(tmp_path)
    scales = copy / "scales.yaml"
    scales.write_text(scales.read_text(encoding="utf-8").replace("extent5:", "extent5_renamed:", 1),
                      encoding="utf-8")
    result = runner.invoke(args=["questionnaires", "check", str(copy / "ledighedsydelse-raadgiver.yaml")])
    assert result.exit_code == 1
    assert "unknown scale 'extent5'" in result.output


def test_check_without_paths_still_reads_the_configured_folder(runner, tmp_path):
    copy = _copy(tmp_path)
    (copy / "shared" / "ring-a.yaml").write_text(CYCLE_A, encoding="utf-8")
    (copy / "shared" / "ring-b.yaml").write_text(CYCLE_B, encoding="utf-8")
    runner.app.config["QUESTIONNAIRES_DIR"] = copy
    result = runner.invoke(args=["questionnaires", "check"])
    assert result.exit_code == 1
    assert "include cycle" in result.output

"""Checking a catalogue given as texts: the same problems as the command line, at relative paths."""
from __future__ import annotations

import pytest

from forms.loader import check_files, check_paths, is_catalogue_path, load_catalogue
from tests.conftest import ROOT


def _real_files() -> dict[str, str]:
    return dict(load_catalogue(root=ROOT / "questionnaires").sources)


def test_the_loaded_catalogue_keeps_every_file_text_by_relative_path():
    catalogue = load_catalogue(root=ROOT / "questionnaires")
    assert catalogue.sources["scales.yaml"] == (ROOT / "questionnaires" / "scales.yaml").read_text("utf-8")
    assert "shared/lae265-tilsyn.yaml" in catalogue.sources
    assert catalogue.questionnaire_files["revalidering-tilsyn"] == "revalidering-tilsyn.yaml"
    assert set(catalogue.questionnaire_files) == set(catalogue.questionnaires)


def test_the_real_catalogue_as_texts_checks_clean_and_loads_the_same_definitions():
    problems, catalogue = check_files(_real_files())
    assert [p for p in problems if p.is_error] == []
    real = load_catalogue(root=ROOT / "questionnaires")
    assert {q: d.fingerprint for q, d in catalogue.questionnaires.items()} == \
        {q: d.fingerprint for q, d in real.questionnaires.items()}


def test_an_edited_file_is_checked_against_the_others_with_the_command_lines_messages(tmp_path):
    files = _real_files()
    files["mentor-raadgiver.yaml"] = files["mentor-raadgiver.yaml"].replace("scale: extent5", "scale: extent7", 1)
    problems, catalogue = check_files(files)
    assert catalogue is None
    (tmp_path / "q").mkdir()
    for path, text in files.items():
        target = tmp_path / "q" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    on_disk = [str(p).replace(f"{tmp_path / 'q'}/", "") for p in check_paths(root=tmp_path / "q")]
    assert [str(p) for p in problems] == on_disk
    assert any(p.path == "mentor-raadgiver.yaml" and "unknown scale 'extent7'" in p.message for p in problems)


def test_a_duplicate_id_names_the_other_file_by_its_relative_path():
    files = _real_files()
    files["kopi.yaml"] = files["mentor-raadgiver.yaml"]
    problems, catalogue = check_files(files)
    assert catalogue is None
    duplicate = [p.message for p in problems if p.code == "duplicate_questionnaire"]
    assert len(duplicate) == 1
    assert duplicate[0].startswith("duplicate questionnaire id 'mentor-raadgiver' (also in ")
    assert "boelge-catalogue" not in duplicate[0] and "/tmp" not in duplicate[0]


@pytest.mark.parametrize("path", ["../x.yaml", "/etc/x.yaml", "a/../../x.yaml", "x.txt", "X.yaml", "", "a//b.yaml"])
def test_paths_outside_a_catalogue_are_refused(path):
    assert not is_catalogue_path(path)
    with pytest.raises(ValueError):
        check_files({path: "a: 1\n"})


def test_ordinary_catalogue_paths_are_accepted():
    assert all(map(is_catalogue_path, ["scales.yaml", "shared/lae265-tilsyn.yaml", "reference/experiments.yaml"]))

"""A question whose wording changed between two waves' versions is flagged, not compared."""
from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

from app.extensions import db
from app.questionnaires.service import latest_version, read_catalogue, store_catalogue
from tests.results.conftest import SLUG, read_table
from tests.results.factory import add_responses, make_wave, municipality_ids

ROOT = Path(__file__).resolve().parents[2]
OLD = "forenklet sagsbehandlingen på området?"
NEW = "forenklet sagsbehandlingen?"


def test_changed_wording_is_shown_with_both_versions_and_no_change_is_computed(app, runner, tmp_path):
    answers = [{"ly_forenklet": c, "ly_kvalitet": 3} for c in (1, 2, 4, 5, 5, 4)]
    with app.app_context():
        ids = municipality_ids()
        first = make_wave(SLUG, "Januar 2019", datetime(2019, 1, 7, tzinfo=timezone.utc), [ids["aalborg"]])
        add_responses(first, ids["aalborg"], answers)
        db.session.commit()
    copy = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", copy)
    path = copy / f"{SLUG}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(OLD, NEW, 1), encoding="utf-8")
    app.config["QUESTIONNAIRES_DIR"] = copy
    with app.app_context():
        store_catalogue(read_catalogue())
        version2 = latest_version(SLUG)
        assert version2.version == 2
        second = make_wave(SLUG, "Sommer 2020", datetime(2020, 6, 1, tzinfo=timezone.utc), [ids["aalborg"]],
                           version=version2)
        add_responses(second, ids["aalborg"], answers, version=version2)
        db.session.commit()
    out = tmp_path / "compare.xlsx"
    result = runner.invoke(args=["export", "survey", "--questionnaire", SLUG, "-o", str(out)])
    assert result.exit_code == 0, result.output

    compare = read_table(out, "Sammenlignelighed", "Spørgsmål").set_index("Spørgsmål")
    assert compare.loc["ly_forenklet", "Sammenlignelig"] == "Nej"
    assert compare.loc["ly_forenklet", "Formulering før"].endswith(OLD)
    assert compare.loc["ly_forenklet", "Formulering efter"].endswith(NEW)
    assert compare.loc["ly_kvalitet", "Sammenlignelig"] == "Ja"

    change = "Ændring Januar 2019 → Sommer 2020 (procentpoint)"
    changed = read_table(out, "ly_forenklet", "Gruppe")
    assert set(changed[change].dropna()) == {"ikke sammenlignelig"}
    same = read_table(out, "ly_kvalitet", "Gruppe").set_index(["Gruppe", "Svarmulighed"])
    assert same.loc[("Netværket i alt", "i nogen grad af højere kvalitet"), change] == 0
    codebook = read_table(out, "Kodebog", "Variabel")
    wording = set(codebook.loc[codebook["Variabel"] == "ly_forenklet", "Spørgsmål"])
    assert len(wording) == 1
    text = wording.pop()
    assert OLD in text and NEW in text and "(Januar 2019)" in text and "(Sommer 2020)" in text

"""The merged hidden group gives nothing away: the attack of reading its rows in order must fail."""
from __future__ import annotations

from datetime import datetime, timezone
from statistics import mean

import pandas as pd
import pytest

from app.extensions import db
from tests.results.conftest import SLUG, read_table
from tests.results.factory import add_responses, make_wave, municipality_ids

# Thisted (3) is under the threshold, Rebild (7) is hidden as its complement; both merge into "Øvrige".
HIDDEN_SMALL = [4, 2, 5]          # its real mean, 3.67, is what the attack wants
HIDDEN_LARGE = [1, 1, 5, 5, 3, 3, 2]
VISIBLE = {"aalborg": [3, 4, 5, 2, 4, 4, 5, 1, 3, 4, 2, 5], "jammerbugt": [2, 3, 4, 5, 1, 2, 3, 4, 5]}


@pytest.fixture
def mixed_order_export(app, runner, tmp_path):
    with app.app_context():
        ids = municipality_ids()
        covered = [ids[s] for s in ("aalborg", "jammerbugt", "thisted", "rebild")]
        for label, opens in (("Januar 2019", datetime(2019, 1, 7, 7, tzinfo=timezone.utc)),
                             ("Sommer 2020", datetime(2020, 6, 1, 6, tzinfo=timezone.utc))):
            wave_id = make_wave(SLUG, label, opens, covered)
            # Submitted in mixed order: the two hidden municipalities' responses interleave.
            large = list(HIDDEN_LARGE)
            for code in HIDDEN_SMALL:
                add_responses(wave_id, ids["rebild"], [{"ly_forenklet": large.pop(0), "ly_kvalitet": 2}])
                add_responses(wave_id, ids["thisted"], [{"ly_forenklet": code, "ly_kvalitet": 2}])
            add_responses(wave_id, ids["rebild"], [{"ly_forenklet": c, "ly_kvalitet": 2} for c in large])
            for slug, codes in VISIBLE.items():
                add_responses(wave_id, ids[slug], [{"ly_forenklet": c, "ly_kvalitet": 3} for c in codes])
        db.session.commit()
    out = tmp_path / "attack.xlsx"
    result = runner.invoke(args=["export", "survey", "--questionnaire", SLUG, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _attack(codes: list[int], small: int) -> set[float]:
    """The means an attacker who knows the hidden groups' sizes reads off an ordered list of merged rows."""
    return {round(mean(codes[:small]), 6), round(mean(codes[-small:]), 6)}


def test_reading_the_merged_rows_in_order_does_not_recover_the_hidden_mean(mixed_order_export):
    target = round(mean(HIDDEN_SMALL), 6)
    overview = read_table(mixed_order_export, "Oversigt", "Bølge")
    # A hidden municipality's count is not shown; the attacker below is given it anyway (3) and still fails.
    assert set(overview.loc[overview["Kommune"] == "Thisted", "Besvarelser"]) == {"skjult"}
    data = read_table(mixed_order_export, "Data", "Bølge")
    csv = pd.read_csv(mixed_order_export.with_name("attack-svar.csv"), sep=";", encoding="utf-8-sig")
    for wave in ("Januar 2019", "Sommer 2020"):
        merged = data[(data["Bølge"] == wave) & (data["Kommune"] == "Øvrige (skjult)")]
        assert len(merged) == 10
        assert target not in _attack(list(merged["ly_forenklet"]), 3)  # sheet order
        assert target not in _attack(list(merged.sort_values("Besvarelse")["ly_forenklet"]), 3)  # running number
        rows = csv[(csv["bølge"] == wave) & (csv["kommune"] == "Øvrige (skjult)") & (csv["spørgsmål"] == "ly_forenklet")]
        assert target not in _attack(list(rows["kode"]), 3)  # CSV order
        assert target not in _attack(list(rows.sort_values("besvarelse")["kode"]), 3)
    # The merged rows are still all there, with the right answers.
    merged = data[(data["Bølge"] == "Januar 2019") & (data["Kommune"] == "Øvrige (skjult)")]
    assert sorted(merged["ly_forenklet"]) == sorted(HIDDEN_SMALL + HIDDEN_LARGE)


def test_the_running_numbers_of_sheet_and_csv_name_the_same_responses(mixed_order_export):
    data = read_table(mixed_order_export, "Data", "Bølge").set_index("Besvarelse")
    csv = pd.read_csv(mixed_order_export.with_name("attack-svar.csv"), sep=";", encoding="utf-8-sig")
    checked = 0
    for row in csv[csv["spørgsmål"] == "ly_forenklet"].itertuples():
        assert data.loc[row.besvarelse, "ly_forenklet"] == row.kode
        assert data.loc[row.besvarelse, "Kommune"] == row.kommune
        checked += 1
    # every answered row of the sheet was compared: an empty CSV cannot pass
    assert checked == data["ly_forenklet"].notna().sum() > 0

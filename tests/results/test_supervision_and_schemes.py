"""The supervision workbook and the evaluation-scheme compilation, from known records and schemes."""
from __future__ import annotations

from datetime import date, datetime, timezone

import openpyxl
import pytest

from app.extensions import db
from tests.results.conftest import read_table
from tests.results.factory import add_records, add_scheme, make_round, municipality_ids

TILSYN = "revalidering-tilsyn"
# (lae265_uden, lae265_egen_laege when uden = 1, lae265_tvivl, lae265_forlaenget, lae265_indhentet)
CASES = {
    "aalborg": [(1, 1, 2, 2, 2), (1, 2, 1, 9, 2), (2, None, 2, 2, 1), (1, 1, 9, 1, 2)],
    "thisted": [(2, None, 1, 1, 1), (1, 2, 2, 2, 2)],
}


def _answers(case: tuple) -> dict:
    keys = ("lae265_uden", "lae265_egen_laege", "lae265_tvivl", "lae265_forlaenget", "lae265_indhentet")
    return {k: v for k, v in zip(keys, case) if v is not None}


@pytest.fixture
def supervision_round(app):
    with app.app_context():
        ids = municipality_ids()
        round_id = make_round(TILSYN, "Juli 2019", date(2019, 7, 1), date(2019, 7, 31),
                              [ids["aalborg"], ids["thisted"]])
        for slug, cases in CASES.items():
            add_records(TILSYN, round_id, ids[slug], [_answers(c) for c in cases])
        db.session.commit()
    return round_id


def test_supervision_counts_shares_and_reviewed_cases_per_municipality_and_network(runner, supervision_round,
                                                                                  tmp_path):
    out = tmp_path / "tilsyn.xlsx"
    result = runner.invoke(args=["export", "supervision", "--questionnaire", TILSYN, "-o", str(out)])
    assert result.exit_code == 0, result.output
    names = {"aalborg": "Aalborg", "thisted": "Thisted"}
    for position, question in enumerate(("lae265_uden", "lae265_egen_laege", "lae265_tvivl")):
        table = read_table(out, question, "Runde").set_index("Kommune")
        groups = {names[s]: [c[position] for c in cases] for s, cases in CASES.items()}
        groups["Netværket i alt"] = [v for values in groups.values() for v in values]
        for group, values in groups.items():
            answered = [v for v in values if v is not None]
            assert table.loc[group, "Gennemgåede sager"] == len(values)
            assert table.loc[group, "Besvaret (N)"] == len(answered)
            for code, label in ((1, "Ja"), (2, "Nej")):
                assert table.loc[group, f"{label} (antal)"] == answered.count(code)
                assert table.loc[group, f"{label} (andel)"] == pytest.approx(answered.count(code) / len(answered))
    records = read_table(out, "Sager", "Runde")
    assert len(records) == 6 and records["Sagsreference"].str.startswith("SAG-").all()
    (uden,) = [c for c in records.columns if c.startswith("1. Er sagen afgjort uden")]
    assert set(records[uden]) == {"Ja", "Nej"}


def test_supervision_for_one_municipality_leaves_out_the_others_and_the_records(runner, supervision_round,
                                                                                 tmp_path):
    out = tmp_path / "aalborg.xlsx"
    result = runner.invoke(args=["export", "supervision", "--questionnaire", TILSYN, "--municipality", "aalborg",
                                 "--no-records", "-o", str(out)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert "Sager" not in book.sheetnames
    table = read_table(out, "lae265_uden", "Runde")
    assert set(table["Kommune"]) == {"Netværket i alt", "Aalborg"}


def test_team_leader_supervision_export_from_the_web_has_no_records(client, supervision_round, make_user, login):
    import io

    from tests.results.test_views import _start_export, _wait_done

    _id, email, password = make_user("team_leader", "thisted")
    login(client, email, password)
    location = _start_export(client, "supervision", TILSYN).headers["Location"]
    state = _wait_done(client, location)
    book = openpyxl.load_workbook(io.BytesIO(client.get(state["files"]["xlsx"]).data))
    assert "Sager" not in book.sheetnames
    (sheet,) = [name for name in book.sheetnames if name.startswith("1. ")]
    kommuner = {row[1] for row in book[sheet].iter_rows(min_row=6, values_only=True) if row[1]}
    assert kommuner == {"Netværket i alt", "Thisted"}


@pytest.fixture
def schemes(app):
    with app.app_context():
        ids = municipality_ids()
        when = datetime(2018, 6, 1, 10, tzinfo=timezone.utc)
        add_scheme("revalidering-bevillingsgrundlag", ids["aalborg"], {"p01": "Aalborgs beskrivelse",
                                                                         "p02": "=formål"}, when)
        add_scheme("revalidering-bevillingsgrundlag", ids["thisted"], {"p01": "Thisteds <b>beskrivelse</b>"}, when)
        db.session.commit()


def test_scheme_compilation_lists_each_point_with_every_municipalitys_answer(runner, schemes, tmp_path):
    out = tmp_path / "skemaer.xlsx"
    result = runner.invoke(args=["export", "schemes", "-o", str(out)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    (name,) = book.sheetnames
    table = read_table(out, name, "Punkt")
    first = table[table["Punkt"] == "1. Beskrivelse af forsøget"].set_index("Kommune")["Svar"]
    assert first.to_dict() == {"Aalborg": "Aalborgs beskrivelse", "Thisted": "Thisteds <b>beskrivelse</b>"}
    second = table[table["Punkt"] == "2. Formål med forsøget"].set_index("Kommune")["Svar"]
    assert second["Aalborg"] == "'=formål" and second["Thisted"] == "(ikke udfyldt)"
    assert len(table) == 10 * 2


def test_scheme_page_escapes_answers_and_a_team_leader_sees_only_their_own(client, schemes, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    html = client.get("/resultater/evalueringsskemaer").get_data(as_text=True)
    assert "Thisteds &lt;b&gt;beskrivelse&lt;/b&gt;" in html and "Aalborgs beskrivelse" in html
    leader = client.application.test_client()
    _id, email, password = make_user("team_leader", "aalborg")
    login(leader, email, password)
    html = leader.get("/resultater/evalueringsskemaer").get_data(as_text=True)
    assert "Aalborgs beskrivelse" in html and "Thisted" not in html

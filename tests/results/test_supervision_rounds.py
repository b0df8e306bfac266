"""Supervision results round by round, recomputed from a known plan over three rounds (workbook and page)."""
from __future__ import annotations

import statistics

import pytest

from app.extensions import db
from exports.round_change import marker, pp_change
from tests.results.conftest import read_table
from tests.results.factory import municipality_ids
from tests.results.supervision_plan import NAMES, NETWORK, PLAN, ROUNDS, SLUG
from tests.results.supervision_plan import three_rounds  # noqa: F401  (fixture)

def _export(runner, tmp_path, name="tilsyn.xlsx", *extra):
    out = tmp_path / name
    result = runner.invoke(args=["export", "supervision", "--questionnaire", SLUG, "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out


def _groups(label: str, plan=PLAN) -> dict[str, list[tuple[int, int]]]:
    groups = {NAMES[s]: cases for s, cases in plan[label].items()}
    groups[NETWORK] = [c for cases in plan[label].values() for c in cases]
    return groups


def test_the_comparison_sheet_puts_rounds_side_by_side_with_the_change_in_points(runner, three_rounds, tmp_path):
    table = read_table(_export(runner, tmp_path), "Sammenligning", "Spørgsmål")
    table = table[table["Spørgsmål"].str.startswith("1. Har borger ønsket")]
    labels = [label for label, _start in ROUNDS]
    for group in ("Frederikshavn", "Læsø", NETWORK):
        yes = table[(table["Kommune"] == group) & (table["Svarmulighed"] == "Ja")].iloc[0]
        n_row = table[(table["Kommune"] == group) & (table["Svarmulighed"] == "Besvaret (N)")].iloc[0]
        counts = [sum(1 for w, _m in _groups(label)[group] if w == 1) for label in labels]
        ns = [len(_groups(label)[group]) for label in labels]
        for label, count, n in zip(labels, counts, ns):
            assert yes[f"{label} (antal)"] == count and n_row[f"{label} (antal)"] == n
            assert yes[f"{label} (andel)"] == pytest.approx(count / n)
        for i, (a, b) in enumerate(zip(labels, labels[1:])):
            change = (counts[i + 1] / ns[i + 1] - counts[i] / ns[i]) * 100
            assert yes[f"Ændring {a} → {b} (procentpoint)"] == pytest.approx(change)
            expected_mark = marker(counts[i], ns[i], counts[i + 1], ns[i + 1])
            assert (yes[f"Signifikant {a} → {b}"] == "*") == (expected_mark == "*")
    frederikshavn = table[(table["Kommune"] == "Frederikshavn") & (table["Svarmulighed"] == "Ja")].iloc[0]
    assert frederikshavn["Ændring Juli 2019 → Juli 2020 (procentpoint)"] == pytest.approx(30.0)
    assert frederikshavn["Ændring Juli 2020 → Juli 2021 (procentpoint)"] == pytest.approx(-70.0)
    assert frederikshavn["Signifikant Juli 2020 → Juli 2021"] == "*"  # 4 of 5, then 1 of 10
    assert frederikshavn["Signifikant Juli 2019 → Juli 2020"] != "*"  # 2 of 4, then 4 of 5


def test_number_questions_get_n_mean_median_minimum_and_maximum(runner, three_rounds, tmp_path):
    table = read_table(_export(runner, tmp_path), "rf_varighed", "Runde")
    for label, _start in ROUNDS:
        for group, cases in _groups(label).items():
            months = [m for _w, m in cases]
            row = table[(table["Runde"] == label) & (table["Kommune"] == group)].iloc[0]
            assert row["Besvaret (N)"] == len(months)
            assert row["Gennemsnit (måneder)"] == pytest.approx(statistics.mean(months))
            assert row["Median (måneder)"] == pytest.approx(statistics.median(months))
            assert (row["Minimum (måneder)"], row["Maksimum (måneder)"]) == (min(months), max(months))
    first = table[(table["Runde"] == "Juli 2019") & (table["Kommune"] == "Frederikshavn")].iloc[0]
    assert (first["Gennemsnit (måneder)"], first["Median (måneder)"]) == (pytest.approx(21.75), pytest.approx(10.5))


def test_a_case_outside_the_sample_counts_apart_until_a_coordinator_includes_it(app, runner, three_rounds,
                                                                                 tmp_path):
    from app.models import SupervisionRecord

    _rounds, outside = three_rounds
    before = read_table(_export(runner, tmp_path), "rf_oensket", "Runde")
    row = before[(before["Runde"] == "Juli 2021") & (before["Kommune"] == "Frederikshavn")].iloc[0]
    assert (row["Gennemgåede sager"], row["Ja (antal)"]) == (10, 1)
    overview = read_table(tmp_path / "tilsyn.xlsx", "Oversigt", "Runde")
    line = overview[(overview["Runde"] == "Juli 2021") & (overview["Kommune"] == "Frederikshavn")].iloc[0]
    assert (line["Gennemgåede sager"], line["Udenfor stikprøven, ikke talt med"]) == (10, 1)
    with app.app_context():
        db.session.get(SupervisionRecord, outside).include_outside = True
        db.session.commit()
    after = read_table(_export(runner, tmp_path, "igen.xlsx"), "rf_oensket", "Runde")
    row = after[(after["Runde"] == "Juli 2021") & (after["Kommune"] == "Frederikshavn")].iloc[0]
    assert (row["Gennemgåede sager"], row["Ja (antal)"]) == (11, 2)
    months = read_table(tmp_path / "igen.xlsx", "rf_varighed", "Runde")
    line = months[(months["Runde"] == "Juli 2021") & (months["Kommune"] == "Frederikshavn")].iloc[0]
    assert line["Maksimum (måneder)"] == 60


def test_the_coverage_sheet_and_the_comment_column(runner, three_rounds, tmp_path):
    out = _export(runner, tmp_path)
    coverage = read_table(out, "Dækning", "Runde")
    row = coverage[(coverage["Runde"] == "Juli 2021") & (coverage["Kommune"] == "Frederikshavn")].iloc[0]
    assert [row[c] for c in ("Sager på listen", "I stikprøven", "Gennemgået i stikprøven", "Udenfor stikprøven",
                             "Heraf medtaget af koordinator")] == [11, 10, 10, 1, 0]
    early = coverage[(coverage["Runde"] == "Juli 2019") & (coverage["Kommune"] == "Læsø")].iloc[0]
    assert (early["Gennemgået i stikprøven"], early["Udenfor stikprøven"]) == (2, 0)
    records = read_table(out, "Sager", "Runde").set_index("Sagsreference")
    assert records.loc["FRE-2021-UDEN", "Bemærkning"] == "Udenfor stikprøven, men set"
    assert records.loc["FRE-2021-UDEN", "Stikprøve"] == "udenfor stikprøven"
    assert records.loc["LAE-2020-01", "Bemærkning"] == "Bemærkning laesoe 2020 nr. 1"
    assert records.loc["LAE-2020-01", "Stikprøve"] == "i stikprøven"


def test_pp_change_and_its_marker():
    assert pp_change(2, 4, 4, 5) == pytest.approx(30.0)
    assert pp_change(0, 0, 1, 2) is None
    assert marker(4, 5, 1, 10) == "*" and marker(2, 4, 4, 5) == ""
    assert marker(50, 100, 65, 100) == "*" and marker(50, 100, 60, 100) == ""  # z = 2.14, then 1.42
    assert marker(0, 10, 0, 10) == ""  # no variance: nothing to test
    # Small counts go to Fisher's exact test, as in the survey tables: 3 of 4 against 0 of 4 is a pooled
    # z of 2.19 (which would be marked) but Fisher's p = 0.14.
    assert marker(3, 4, 0, 4) == ""


@pytest.fixture
def coordinator(app, make_user, login):
    _uid, email, password = make_user("coordinator")
    client = app.test_client()
    login(client, email, password)
    return client


def _frederikshavn(app) -> int:
    with app.app_context():
        return municipality_ids()["frederikshavn"]


def test_the_results_page_shows_rounds_side_by_side_statistics_and_free_texts(app, coordinator, three_rounds):
    html = coordinator.get(f"/resultater/tilsyn/{SLUG}?kommune={_frederikshavn(app)}").get_data(as_text=True)
    assert "4 (80,0 %)" in html and "+30,0" in html and "70,0" in html
    assert "<abbr" in html  # the significant 2020 → 2021 change is marked
    assert "10,5" in html and "21,8" in html  # median and mean of 2019 (21.75 shown with one decimal)
    assert 'role="img"' in html  # the chart
    assert "Udenfor stikprøven, men set" in html and "Bemærkning frederikshavn 2019 nr. 1" in html
    assert "Stikprøvens dækning" in html


def test_the_results_page_in_english(app, coordinator, three_rounds):
    with coordinator.session_transaction() as session:
        session["lang"] = "en"
    html = coordinator.get(f"/resultater/tilsyn/{SLUG}").get_data(as_text=True)
    assert "Sample coverage" in html and "Yes" in html and "Median" in html
    assert "the whole list" in html and "Frederikshavn" in html  # coverage of every municipality
    assert "Did the citizen want the resource course" in html


def test_a_team_leader_sees_only_their_own_municipality_and_no_free_texts(app, make_user, login, three_rounds):
    _uid, email, password = make_user("team_leader", "laesoe")
    client = app.test_client()
    login(client, email, password)
    html = client.get(f"/resultater/tilsyn/{SLUG}?kommune={_frederikshavn(app)}").get_data(as_text=True)
    assert "Læsø" in html and "Frederikshavn" not in html
    assert "Bemærkning" not in html and "Udenfor stikprøven, men set" not in html


def test_an_unknown_questionnaire_is_404(coordinator, three_rounds):
    assert coordinator.get("/resultater/tilsyn/findes-ikke").status_code == 404


def test_outputs_follow_the_questionnaire_with_units_a_codebook_and_conditions_in_words(app, coordinator,
                                                                                      runner, three_rounds,
                                                                                      tmp_path):
    out = _export(runner, tmp_path)
    import openpyxl

    names = openpyxl.load_workbook(out, read_only=True).sheetnames
    questions = [n for n in names if n[0].isdigit()]
    assert [n.split(".")[0] for n in questions] == ["1", "2", "3", "4", "5"]
    assert questions[1].startswith("2. Hvad er varigheden")
    codebook = read_table(out, "Kodebog", "Nr.")
    months = codebook[codebook["Variabel"] == "rf_varighed"].iloc[0]
    assert (months["Nr."], months["Enhed"]) == (2, "måneder")
    income = codebook[codebook["Variabel"] == "rf_forsoergelse"]
    assert len(income) == 7 and set(income["Betingelse"]) == {
        "Stilles kun, når '4. Har sagen efterfølgende været forelagt…' er besvaret med Ja."}
    # the number question's change of the mean, tested with Welch's test as the survey tests a mean
    table = read_table(out, "rf_varighed", "Runde")
    change = "Ændring i gennemsnit fra forrige runde (måneder)"
    for (a, _s), (b, _e) in zip(ROUNDS, ROUNDS[1:]):
        for group, cases in _groups(b).items():
            before, after = [m for _w, m in _groups(a)[group]], [m for _w, m in cases]
            row = table[(table["Runde"] == b) & (table["Kommune"] == group)].iloc[0]
            assert row[change] == pytest.approx(statistics.mean(after) - statistics.mean(before))
            from scipy import stats

            p = stats.ttest_ind(before, after, equal_var=False).pvalue
            assert row["p-værdi (Welch)"] == pytest.approx(p)
            assert (row["Signifikant"] == "*") == (p < 0.05)
    records = read_table(out, "Sager", "Runde")
    assert "2. Hvad er varigheden af forlængelsen? (måneder)" in records.columns
    # the page: the number question second, as in the questionnaire, with its unit
    html = coordinator.get(f"/resultater/tilsyn/{SLUG}").get_data(as_text=True)
    assert html.index("1. Har borger ønsket") < html.index("2. Hvad er varigheden af forlængelsen? (måneder)") \
        < html.index("3. Har rådgiver forholdt sig")
    assert "Stilles kun, når &#39;4. Har sagen efterfølgende været forelagt…&#39; er besvaret med Ja." in html

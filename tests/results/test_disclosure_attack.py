"""The attack on every export: no hidden cell can be worked out from everything the exports show.

Five municipalities of 40, 15, 6, 4 and 2 advisers, in two waves; in variants a group answers a question
too few times (in one wave or both, one group or two) or is too small in one wave. Each plan is exported
as the workbook, the long CSV and Bilag 2, read back (openpyxl, csv, python-docx), and every figure they
show becomes a linear constraint on the unknown counts per municipality, question, wave and answer code:
the tables' counts and N (network and municipalities), the Data sheet's and the CSV's rows per place
(the merged "Øvrige (skjult)" rows as the sum of the municipalities the Oversigt marks hidden), and the
Oversigt's responses per municipality as bounds; and the results page (fetched as a coordinator, in Danish and
English, with and without the municipalities, and as a team leader of a visible municipality): every count,
N, share (as the ratio it rounds to) and mean it shows. For every cell a table shows as hidden, an integer
program finds the smallest and largest count of each code the constraints allow: the cell is safe only
when they differ for some code, that is, more than one distribution fits everything exported.
"""
from __future__ import annotations

import csv
import html as markup
import random
import re
from collections import Counter
from datetime import datetime, timezone

import docx
import numpy as np
import openpyxl
import pytest
from scipy.optimize import LinearConstraint, milp

from app.extensions import db
from app.questionnaires.service import definition_of, latest_version
from tests.conftest import extract_csrf
from tests.results.conftest import SLUG
from tests.results.factory import add_responses, make_wave, municipality_ids

WAVES = ("Januar 2019", "Sommer 2020")
QUESTIONS = ("ly_forenklet", "ly_kvalitet")
HIDDEN = "skjult"
MERGED = "Øvrige (skjult)"
BASE = {"aalborg": 40, "jammerbugt": 15, "thisted": 6, "rebild": 4, "laesoe": 2}

# plan: per wave, per municipality (responses, how many of them answer the optional ly_kvalitet[, answers
# every one of them gives: {question: code}])
ALIKE = {"ly_forenklet": 4, "ly_kvalitet": 2}
PLANS = {
    # the plan of the report: Thisted's 6 answer, 4 of them the optional question, in both waves
    "optional-question": {w: {**{m: (n, n) for m, n in BASE.items()}, "thisted": (6, 4)} for w in WAVES},
    # Thisted is too small in the second wave only
    "one-wave-only": {WAVES[0]: {m: (n, n) for m, n in BASE.items()},
                      WAVES[1]: {**{m: (n, n) for m, n in BASE.items()}, "thisted": (3, 3)}},
    # two groups hidden for the same question
    "two-groups": {w: {**{m: (n, n) for m, n in BASE.items()}, "thisted": (6, 4), "jammerbugt": (15, 4)}
                   for w in WAVES},
    # hidden for the question in the first wave, not in the second
    "question-one-wave": {WAVES[0]: {**{m: (n, n) for m, n in BASE.items()}, "thisted": (6, 4)},
                          WAVES[1]: {m: (n, n) for m, n in BASE.items()}},
    # every answer of the merged group (Rebild, Læsø) is the same code, and so are Thisted's to the optional
    # question: network − visible groups would give each of them whole
    "alike": {w: {**{m: (n, n) for m, n in BASE.items()}, "thisted": (6, 4, {"ly_kvalitet": 2}),
                  "rebild": (4, 4, ALIKE), "laesoe": (2, 2, ALIKE)} for w in WAVES},
    # the optional question answered alike by everyone: nothing is left to hide a hidden group behind
    "alike-everywhere": {w: {**{m: (n, n, {"ly_kvalitet": 3}) for m, n in BASE.items()},
                             "thisted": (6, 4, {"ly_kvalitet": 3})} for w in WAVES},
}


def _build(app, plan: dict, seed: int) -> None:
    rng = random.Random(seed)
    with app.app_context():
        ids = municipality_ids()
        for label, opens in zip(WAVES, (datetime(2019, 1, 7, 7, tzinfo=timezone.utc),
                                        datetime(2020, 6, 1, 6, tzinfo=timezone.utc))):
            wave_id = make_wave(SLUG, label, opens, [ids[m] for m in BASE])
            for slug, (n, optional, *fixed) in plan[label].items():
                given = fixed[0] if fixed else {}
                answers = [{"ly_forenklet": given.get("ly_forenklet", rng.choice([1, 2, 3, 4, 5, 9]))}
                           for _ in range(n)]
                for a in answers[:optional]:
                    a["ly_kvalitet"] = given.get("ly_kvalitet", rng.choice([1, 2, 3, 4]))
                add_responses(wave_id, ids[slug], answers)
        db.session.commit()


def _sheet_rows(book, name: str, first: str) -> list[dict]:
    rows = list(book[name].iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if r and r[0] == first)
    header = rows[at]
    return [dict(zip(header, r)) for r in rows[at + 1:] if any(v is not None for v in r)]


class Exported:
    """Everything one export shows, read back from its files."""

    def __init__(self, xlsx, docx_path) -> None:
        book = openpyxl.load_workbook(xlsx, read_only=True)
        self.overview = _sheet_rows(book, "Oversigt", "Bølge")
        self.tables = {q: _sheet_rows(book, next(s for s in book.sheetnames if s.startswith(f"{i}. ")), "Gruppe")
                       for i, q in enumerate(QUESTIONS, start=1)}
        self.data = _sheet_rows(book, "Data", "Bølge")
        self.anonymity = _sheet_rows(book, "Anonymitet", "Bølge")
        book.close()
        with open(xlsx.with_name(f"{xlsx.stem}-svar.csv"), encoding="utf-8-sig", newline="") as f:
            self.csv = list(csv.DictReader(f, delimiter=";"))
        self.pages: dict[tuple, Page] = {}
        self.document = [[[c.text for c in row.cells] for row in t.rows] for t in docx.Document(docx_path).tables
                         if t.rows and t.rows[0].cells[0].text == "Gruppe"]

    def sizes(self, wave: str) -> dict[str, int | str]:
        """The Oversigt's responses per municipality (`skjult` for a hidden one)."""
        return {r["Kommune"]: r["Besvarelser"] for r in self.overview
                if r["Bølge"] == wave and r["Kommune"] != "Netværket i alt"}

    def total(self, wave: str) -> int:
        return next(r["Besvarelser"] for r in self.overview if r["Bølge"] == wave and r["Kommune"] == "Netværket i alt")

    def merged(self, wave: str) -> set[str]:
        return {r["Kommune"] for r in self.overview if r["Bølge"] == wave and r["Kommune"] != "Netværket i alt"
                and r["Bemærkning"]}

    def codes(self, question: str) -> list[int]:
        return sorted({r["Kode"] for r in self.tables[question] if isinstance(r["Kode"], int)})

    def hidden_cells(self, question: str, wave: str) -> set[str]:
        return {r["Gruppe"] for r in self.tables[question] if r[f"{wave} (antal)"] == HIDDEN
                and r["Gruppe"] != "Netværket i alt"}


def _cell_text(raw: str) -> str:
    return markup.unescape(re.sub(r"<[^>]+>", "", raw)).replace("\xa0", " ").strip()


def _number(text: str, lang: str) -> float:
    text = text.replace("%", "").replace(" ", "")
    text = text.replace(".", "").replace(",", ".") if lang == "da" else text.replace(",", "")
    return float(text)


class Page:
    """Every figure one view of the results page shows, as (question, wave, members, weights per code, lo, hi):
    the sum over the members of weight × count of the code lies between lo and hi."""

    def __init__(self, html: str, lang: str, waves: list[str], questions: dict) -> None:
        self.html, self.lang, self.waves = html, lang, waves
        self.figures: list[tuple] = []
        self.hidden: set[tuple[str, str, str]] = set()  # (question, wave, municipality) shown as hidden
        self.shown: set[tuple[str, str, str]] = set()
        for section in html.split('<section class="result-question"')[1:]:
            number = int(re.search(r'<h2 id="q-(\d+)"', section)[1])
            question = questions[QUESTIONS[number - 1]]
            tables = re.findall(r'<table class="result-table">(.*?)</table>', section, re.S)
            self._network(question, self._rows(tables[0]))
            if len(tables) > 1:
                self._breakdown(question, self._rows(tables[1]))

    def _rows(self, table: str) -> list[tuple[str, list[str]]]:
        return [(_cell_text(label), [_cell_text(c) for c in re.findall(r'<td class="num">(.*?)</td>', cells)]
                 [:len(self.waves)]) for label, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', table)]

    def _network(self, question, rows) -> None:
        codes = [o.code for o in question.options]
        scale = question.scale
        valid, top2 = (list(scale.valid_codes), list(scale.top2)) if scale else ([], [])
        measures = [("share", [c], codes) for c in codes] + [("n", codes, codes)]
        if question.question_type.has_mean(question):
            measures.append(("mean", valid, valid))
        if question.question_type.has_top2(question):
            measures.append(("share", top2, valid))
        assert len(rows) == len(measures), rows
        for (_label, cells), measure in zip(rows, measures):
            self._add(question.id, None, measure, cells)

    def _breakdown(self, question, rows) -> None:
        scale = question.scale
        valid, top2 = (list(scale.valid_codes), list(scale.top2)) if scale else ([], [])
        if question.question_type.has_top2(question):
            measure = ("share", top2, valid)
        elif question.question_type.has_mean(question):
            measure = ("mean", valid, valid)
        else:
            measure = ("n", [o.code for o in question.options], None)
        for label, cells in rows:
            self._add(question.id, label, measure, cells)

    def _add(self, qid: str, group: str | None, measure: tuple, cells: list[str]) -> None:
        kind, part, whole = measure
        for wave, text in zip(self.waves, cells):
            if group is not None:
                (self.hidden if text in ("skjult", "hidden") else self.shown).add((qid, wave, group))
            if text in ("", "–", "skjult", "hidden"):
                continue
            if kind == "n":
                n = _number(text, self.lang)
                self.figures.append((qid, wave, group, {c: 1 for c in part}, n, n))
            elif kind == "mean":  # the mean rounds to two decimals: (mean ± 0.005) × valid bounds Σ code × count
                m = _number(text, self.lang)
                self.figures.append((qid, wave, group, {c: c - (m - 0.005) for c in part}, 0, np.inf))
                self.figures.append((qid, wave, group, {c: c - (m + 0.005) for c in part}, -np.inf, 0))
            else:  # "12,5 % (5)": the count exactly, and the share as a ratio of the counts to within its rounding
                share, count = re.fullmatch(r"(.*?)\s*\((.*?)\)", text).groups()
                k, r = _number(count, self.lang), _number(share, self.lang) / 100
                self.figures.append((qid, wave, group, {c: 1 for c in part}, k, k))
                for bound, lo, hi in ((r - 0.0005, 0, np.inf), (r + 0.0005, -np.inf, 0)):
                    weights = {c: (c in part) - bound for c in whole}
                    self.figures.append((qid, wave, group, weights, lo, hi))


def _constraints(ex: Exported, question: str, wave: str):
    """(groups, codes, A, lower, upper) of everything exported about one question in one wave."""
    groups = sorted(ex.sizes(wave))
    codes = ex.codes(question)
    index = {(g, c): i for i, (g, c) in enumerate((g, c) for g in groups for c in codes)}
    rows, lower, upper = [], [], []

    def weigh(members, weights: dict, lo, hi):
        row = np.zeros(len(index))
        for g in members:
            for c, w in weights.items():
                row[index[(g, c)]] = w
        rows.append(row)
        lower.append(lo)
        upper.append(hi)

    def add(members, code, lo, hi):
        weigh(members, {c: 1 for c in (codes if code is None else [code])}, lo, hi)

    sizes = ex.sizes(wave)
    shown = sum(n for n in sizes.values() if isinstance(n, int))
    for g, n in sizes.items():  # the Oversigt: nobody answers more often than they responded; a hidden
        # municipality's count is bounded by the network's minus the shown ones
        add([g], None, 0, n if isinstance(n, int) else ex.total(wave) - shown)
    add([g for g, n in sizes.items() if not isinstance(n, int)], None, 0, ex.total(wave) - shown)
    question_def = ex.questions[question]
    scale = question_def.scale
    valid, top2 = (list(scale.valid_codes), list(scale.top2)) if scale else ([], [])
    for r in ex.tables[question]:  # the table: counts, N, means and top-2 of every group shown
        value, share = r[f"{wave} (antal)"], r[f"{wave} (andel)"]
        members = groups if r["Gruppe"] == "Netværket i alt" else [r["Gruppe"]]
        if isinstance(r["Kode"], int) and isinstance(value, int):
            add(members, r["Kode"], value, value)
        elif r["Svarmulighed"] == "N (besvarelser)" and isinstance(value, int):
            add(members, None, value, value)
        elif r["Svarmulighed"] == "Gennemsnit" and isinstance(share, float):  # mean × N = sum of codes
            weigh(members, {c: c - share for c in valid}, -1e-6, 1e-6)
        elif str(r["Svarmulighed"]).startswith("Top-2") and isinstance(value, int):
            weigh(members, {c: 1 for c in top2}, value, value)
    merged = sorted(ex.merged(wave))
    for rows_of in ([(r["Kommune"], r[question]) for r in ex.data if r["Bølge"] == wave],
                    [(r["kommune"], int(r["kode"])) for r in ex.csv
                     if r["bølge"] == wave and r["spørgsmål"] == question]):
        by_place: dict[str, list] = {}
        for place, value in rows_of:
            by_place.setdefault(place, []).append(value)
        for place, values in by_place.items():
            members = merged if place == MERGED else [place]
            if not members:
                continue
            if HIDDEN in values:
                continue
            counts = Counter(v for v in values if isinstance(v, int))
            for c in codes:  # a place's answers are listed whole or not at all
                add(members, c, counts.get(c, 0), counts.get(c, 0))
    for page in ex.pages.values():  # the results page, every view
        for qid, at, group, weights, lo, hi in page.figures:
            if qid == question and at == wave:
                weigh(groups if group is None else [group], weights, lo, hi)
    return groups, codes, index, np.array(rows), np.array(lower, float), np.array(upper, float)


def _determined(ex: Exported, question: str, wave: str, group: str) -> bool:
    """True when exactly one distribution of the group's answers fits everything exported: either its count
    of every code is fixed, or all its answers are certainly one code (whatever their number)."""
    groups, codes, index, a, lo, hi = _constraints(ex, question, wave)
    constraint = LinearConstraint(a, lo, hi)
    integral = np.ones(len(index))
    fixed = True
    for code in codes:
        objective = np.zeros(len(index))
        objective[index[(group, code)]] = 1
        low = milp(objective, constraints=constraint, integrality=integral)
        high = milp(-objective, constraints=constraint, integrality=integral)
        assert low.success and high.success, "the exports contradict themselves"
        if round(low.fun) != round(-high.fun):
            fixed = False
        # every answer this code: the group's answers to other codes can be nothing but 0
        others = np.zeros(len(index))
        for c in codes:
            if c != code:
                others[index[(group, c)]] = -1
        most = milp(others, constraints=constraint, integrality=integral)
        if round(-most.fun) == 0 and round(-high.fun) > 0:
            return True
    return fixed


def _pages(app, client, make_user, login) -> dict[str, Page]:
    """The results page as a coordinator (Danish and English, with and without the municipalities) and as
    a team leader of Aalborg, visible in every plan."""
    with app.app_context():
        questions = {q.id: q for q in definition_of(latest_version(SLUG)).questions}
    url = f"/resultater/survey/{SLUG}"
    pages = {}
    for role, municipality in (("coordinator", None), ("team_leader", "aalborg")):
        browser = app.test_client()
        _id, email, password = make_user(role, municipality)
        login(browser, email, password)
        for lang in ("da", "en"):
            token = extract_csrf(browser.get("/resultater/").get_data(as_text=True))
            browser.post("/sprog", data={"csrf_token": token, "lang": lang})
            for query in ("", "?kommuner=1"):
                response = browser.get(url + query)
                assert response.status_code == 200
                pages[(role, lang, query)] = Page(response.get_data(as_text=True), lang, list(WAVES), questions)
    return pages


@pytest.fixture(params=sorted(PLANS))
def exported(request, app, runner, client, make_user, login, tmp_path):
    _build(app, PLANS[request.param], seed=len(request.param))
    out = tmp_path / "plan.xlsx"
    result = runner.invoke(args=["export", "survey", "--questionnaire", SLUG, "-o", str(out)])
    assert result.exit_code == 0, result.output
    document = tmp_path / "bilag2.docx"
    result = runner.invoke(args=["export", "report", "survey", "--questionnaire", SLUG, "-o", str(document)])
    assert result.exit_code == 0, result.output
    ex = Exported(out, document)
    ex.pages = _pages(app, client, make_user, login)
    with app.app_context():
        ex.questions = {q.id: q for q in definition_of(latest_version(SLUG)).questions}
    return request.param, ex


def test_no_hidden_cell_is_determined_by_everything_exported(exported):
    name, ex = exported
    checked = 0
    for question in QUESTIONS:
        for wave in WAVES:
            for group in ex.hidden_cells(question, wave):
                assert not _determined(ex, question, wave, group), (name, question, wave, group)
                checked += 1
    assert checked, "the plan hides something"


def test_the_plan_hides_what_the_report_describes(exported):
    name, ex = exported
    if name == "optional-question":
        assert ex.hidden_cells("ly_kvalitet", WAVES[0]) >= {"Thisted", "Rebild", "Læsø"}
        assert "Thisted" not in ex.hidden_cells("ly_forenklet", WAVES[0])


def test_bilag_2_shows_exactly_the_workbooks_figures_and_hides_the_same_cells(exported):
    _name, ex = exported
    for question, table in zip(QUESTIONS, ex.document):
        header, *rows = table
        sheet = ex.tables[question]
        assert len(rows) == len(sheet)
        for wave in WAVES:
            column = header.index(f"{wave}: antal")
            for shown, row in zip(rows, sheet):
                value = row[f"{wave} (antal)"]
                assert shown[column] == (HIDDEN if value == HIDDEN else "" if value is None else str(value)), row


def test_the_anonymity_sheet_lists_every_hidden_cell(exported):
    _name, ex = exported
    listed = {(r["Bølge"], r["Spørgsmål"], r["Gruppe"]) for r in ex.anonymity}
    for number, question in enumerate(QUESTIONS, start=1):
        for wave in WAVES:
            merged = ex.merged(wave)
            for group in ex.hidden_cells(question, wave):
                assert (wave, "(alle)", group) in listed or (wave, str(number), group) in listed \
                    or (wave, number, group) in listed, (wave, question, group)
                assert group in merged or any(r["Gruppe"] == group and r["Årsag"] for r in ex.anonymity)


def test_the_results_page_hides_exactly_the_workbooks_cells_in_every_view(exported):
    _name, ex = exported
    for view, page in ex.pages.items():
        assert page.figures, view
        for question in QUESTIONS:
            for wave in WAVES:
                hidden = ex.hidden_cells(question, wave)
                on_page = {g for q, w, g in page.hidden if (q, w) == (question, wave)}
                shown = {g for q, w, g in page.shown if (q, w) == (question, wave)}
                assert on_page == (hidden & (on_page | shown)), (view, question, wave)
                if view[2]:  # with the municipalities: a coordinator sees every group, a team leader Aalborg only
                    expected = set(ex.sizes(wave)) if view[0] == "coordinator" else {"Aalborg"}
                    assert on_page | shown == expected, (view, question, wave)


def test_a_change_is_shown_only_between_two_shown_figures(exported):
    """A change of a group between the waves is the difference of its two shown shares (or means), never a
    figure of its own: where either wave is hidden, so is the change, its p-value and its verdict."""
    _name, ex = exported
    change, p = f"Ændring {WAVES[0]} → {WAVES[1]} (procentpoint)", f"p-værdi {WAVES[0]} → {WAVES[1]}"
    compared = 0
    for question in QUESTIONS:
        for r in ex.tables[question]:
            if isinstance(r[change], (int, float)) or isinstance(r[p], (int, float)):
                assert HIDDEN not in (r[f"{WAVES[0]} (andel)"], r[f"{WAVES[1]} (andel)"]), (question, r)
                compared += 1
    assert compared > 0  # some change is shown in the workbook, so the rule above was put to the test
    shown = 0
    for view, page in ex.pages.items():  # the results page: every row of every view
        for label, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', page.html):
            texts = [_cell_text(c) for c in re.findall(r'<td class="num">(.*?)</td>', cells)]
            values, changes = texts[:len(WAVES)], texts[len(WAVES):]
            if any(c and not c.startswith(("skjult", "hidden", "–")) for c in changes):
                assert not any(v in ("skjult", "hidden") for v in values), (view, label, texts)
                shown += 1
    assert shown, "the pages show changes"


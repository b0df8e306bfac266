"""The seeds end to end: a plan of known answers given over HTTP as users give them, every export file read
back, and every figure recomputed from the plan.

A survey plan is a list of waves; each wave names, per municipality, the answers its people give (one dict
per person, question id -> code, or text). Advisers answer through their personal link `/s/<token>` (one
browser each), citizens through the anonymous link of their municipality `/p/<token>` read off the wave page
as the coordinator sees it. A supervision plan is a list of rounds; each round names, per municipality, the
cases its team leader logs through the record form after logging in.
"""
from __future__ import annotations

import csv
import html as markup
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import docx
import openpyxl
from sqlalchemy import select

from app.extensions import db
from app.models import Invitation, Municipality, utcnow
from app.questionnaires.service import definition_of, latest_version
from app.waves.tokens import invitation_token
from tests.answering.helpers import post_answers
from tests.conftest import extract_csrf
from tests.waves.factories import add_respondents, add_wave

NETWORK = "Netværket i alt"
HIDDEN = "skjult"
THRESHOLD = 5
# the group of anonymous answers that came through a citizen wave's one link, which names no municipality
# (a wave planned without municipalities, and answers given before the links carried one)
NO_MUNICIPALITY = "Uden kommune"


# ---------------------------------------------------------------------------------------------- the plan


@dataclass
class SurveyWave:
    label: str
    # municipality slug -> the answers of the people who answer (one dict each)
    answers: dict[str, list[dict]]
    hidden: set[str] = field(default_factory=set)  # municipality names the threshold rule hides in the wave
    wave_id: int | None = None  # filled in by run_survey


def names(app) -> dict[str, str]:
    """{municipality slug: name}; "" is the one link of a citizen wave without municipalities."""
    with app.app_context():
        return {"": NO_MUNICIPALITY, **dict(db.session.execute(select(Municipality.slug, Municipality.name)).all())}


def questions_of(app, slug: str) -> dict:
    with app.app_context():
        return {q.id: q for q in definition_of(latest_version(slug)).questions}


def form_data(answers: dict) -> dict:
    """The answer form's fields for an answer dict (a list is a multiple choice)."""
    data = {}
    for qid, value in answers.items():
        data[f"q_{qid}"] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def _answer_in_browser(app, link: str, answers: dict) -> None:
    browser = app.test_client()  # a browser of its own: its own cookie, its own response
    opened = browser.get(link)
    assert opened.status_code == 302, (link, opened.status_code)
    page = browser.get("/svar")
    assert page.status_code == 200
    sent = post_answers(browser, form_data(answers), page=page)
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/svar/tak"), sent.get_data(as_text=True)


def run_survey(app, coordinator, slug: str, waves: list[SurveyWave], people: dict[str, int] | None = None,
               ) -> dict[str, int]:
    """Plan each wave (one after the other, opening a day apart), answer it over HTTP; {label: wave id}.

    `people`: the advisers registered per municipality, every one invited to each wave (none for citizens)."""
    ids = {}
    with app.app_context():
        anonymous = latest_version(slug).audience == "citizen"
        if not anonymous:
            add_respondents(people, prefix=f"{slug[:6]}-")
            db.session.commit()
    for age, wave in zip(range(len(waves) + 1, 0, -1), waves):
        with app.app_context():
            planned = add_wave(slug=slug, status="open", opens=utcnow() - timedelta(days=age),
                               closes=utcnow() + timedelta(days=5), municipalities=tuple(m for m in wave.answers if m),
                               label=wave.label)
            wave_id = planned.id
            db.session.commit()
        ids[wave.label] = wave.wave_id = wave_id
        if anonymous:
            links = public_links(coordinator, wave_id)
            for slug_, answers in wave.answers.items():
                for answer in answers:
                    _answer_in_browser(app, links[names(app)[slug_] if slug_ else ""], answer)
        else:
            invite(coordinator, wave_id)
            with app.app_context():
                tokens: dict[str, list[str]] = {}
                for invitation in db.session.scalars(select(Invitation).where(Invitation.wave_id == wave_id)
                                                     .order_by(Invitation.id)):
                    tokens.setdefault(invitation.municipality.slug, []).append(
                        invitation_token(invitation.token_nonce))
            for slug_, answers in wave.answers.items():
                assert len(tokens[slug_]) == people[slug_] >= len(answers), (wave.label, slug_)
                for token, answer in zip(tokens[slug_], answers):
                    _answer_in_browser(app, f"/s/{token}", answer)
        with app.app_context():  # the wave ends before the next one opens
            from app.models import Wave

            db.session.get(Wave, wave_id).status = "closed"
            db.session.commit()
    return ids


def invite(coordinator, wave_id: int) -> None:
    """The coordinator presses *Inviter* on the wave page."""
    page = coordinator.get(f"/runder/{wave_id}").get_data(as_text=True)
    sent = coordinator.post(f"/runder/{wave_id}/inviter", data={"csrf_token": extract_csrf(page)})
    assert sent.status_code == 302, sent.status_code


def public_links(coordinator, wave_id: int) -> dict[str, str]:
    """{municipality name: /p/<token>} as the wave page shows them."""
    page = coordinator.get(f"/runder/{wave_id}").get_data(as_text=True)
    found = re.findall(r'data-municipality="([^"]*)"[^>]*>\s*<code class="link">[^<]*(/p/[^<]+)</code>', page)
    if not found:  # a wave without municipalities: its one link
        found = [("", link) for link in re.findall(r'<p><code class="link">[^<]*(/p/[^<]+)</code></p>', page)]
    assert found, page
    return dict(found)


# -------------------------------------------------------------------------------------- the exported files


def export(runner, *args: str) -> None:
    result = runner.invoke(args=["export", *args])
    assert result.exit_code == 0, result.output


def download(coordinator, kind: str, slug: str, target: Path) -> None:
    """The coordinator presses the download button of the results page; a worker runs the job; the files are
    fetched from the job's page and written as `target` (and `target`-svar.csv where the job has one)."""
    from app.worker import run_pending

    page = coordinator.get("/resultater/")
    started = coordinator.post("/resultater/eksport", data={"csrf_token": extract_csrf(page.get_data(as_text=True)),
                                                            "kind": kind, "slug": slug})
    assert started.status_code == 303, started.status_code
    status_url = started.headers["Location"].rstrip("/") + "/status"
    assert coordinator.get(status_url).get_json()["status"] == "queued"
    assert run_pending(coordinator.application)
    status = coordinator.get(status_url).get_json()
    assert status["status"] == "done", status
    for ext, url in status["files"].items():
        name = target if target.suffix == f".{ext}" else target.with_name(f"{target.stem}-svar.{ext}")
        fetched = coordinator.get(url)
        assert fetched.status_code == 200
        name.write_bytes(fetched.data)


def sheet_rows(book, name: str, first: str) -> list[dict]:
    rows = list(book[name].iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if r and r[0] == first)
    header = rows[at]
    return [dict(zip(header, r)) for r in rows[at + 1:] if any(v is not None for v in r)]


def question_sheet(book, number: int) -> str:
    return next(name for name in book.sheetnames if name.startswith(f"{number}. "))


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def docx_tables(path: Path) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in docx.Document(path).tables]


def docx_text(path: Path) -> str:
    document = docx.Document(path)
    return "\n".join(p.text for p in document.paragraphs)


def page_text(html: str) -> str:
    """The visible text of a page, tags dropped and whitespace collapsed."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", markup.unescape(re.sub(r"<[^>]+>", " ", text)).replace("\xa0", " ")).strip()


# ----------------------------------------------------------------------------------- recomputed from plan


@dataclass
class Figures:
    """A group's figures for one question, recomputed from the plan."""
    counts: Counter
    n: int
    mean: float | None
    top2: float | None


def figures(question, answers: list[dict]) -> Figures:
    values = [a[question.id] for a in answers if question.id in a]
    codes = Counter(c for v in values for c in (v if isinstance(v, list) else [v]))
    scale = question.scale
    valid = [v for v in values if scale is None or v in scale.valid_codes]
    mean = sum(valid) / len(valid) if valid and question.type in ("likert",) else None
    top2 = None
    if scale is not None and scale.top2 and valid:
        top2 = sum(1 for v in valid if v in scale.top2) / len(valid)
    return Figures(codes, len(values), mean, top2)


def share_p(x1: int, n1: int, x2: int, n2: int) -> float | None:
    """The two-sided p-value of a change in share, from scipy on the 2x2 table: Pearson's chi-square without
    continuity correction, Fisher's exact test where an expected count is under 5 (docs/exports.md)."""
    from scipy import stats

    if not n1 or not n2 or x1 + x2 in (0, n1 + n2):
        return None
    table = [[x1, n1 - x1], [x2, n2 - x2]]
    if stats.contingency.expected_freq(table).min() < 5:
        return float(stats.fisher_exact(table).pvalue)
    return float(stats.chi2_contingency(table, correction=False)[1])


def rank_p(before: list[int], after: list[int]) -> float | None:
    """Mann-Whitney U on the valid codes themselves (two-sided, normal approximation, continuity corrected)."""
    from scipy import stats

    if not before or not after or len(set(before) | set(after)) < 2:
        return None
    return float(stats.mannwhitneyu(before, after, use_continuity=True, alternative="two-sided",
                                    method="asymptotic").pvalue)


def welch_p(before: list[float], after: list[float]) -> float | None:
    from scipy import stats

    if len(before) < 2 or len(after) < 2 or (len(set(before)) == 1 and len(set(after)) == 1):
        return None
    import warnings

    with warnings.catch_warnings():  # a round whose numbers are all alike (Læsø's 2, 2) has no spread
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(stats.ttest_ind(before, after, equal_var=False).pvalue)


def close(a, b, places: int = 3) -> bool:
    return a is not None and b is not None and math.isclose(float(a), float(b), abs_tol=0.5 * 10 ** -places)


def _number(text: str) -> float:
    """A Danish figure as the page or Bilag prints it ("33,3 %", "−12,1", "+0,30 pp")."""
    text = text.replace("pp", "").replace("%", "").replace("\u2212", "-").replace("+", "").strip()
    return float(text.replace(".", "").replace(",", "."))


def counted(question) -> bool:
    return question.scale is not None or question.type == "number"


class SurveyCheck:
    """Every figure of a survey's outputs compared with the plan: the workbook (Oversigt, each question's table,
    Data, Fritekst, Kodebog), the long CSV, Bilag 2 and the results page."""

    def __init__(self, app, coordinator, runner, tmp_path: Path, slug: str, waves: list[SurveyWave],
                 people: dict[str, int] | None, hidden_for: dict | None = None, via: str = "cli",
                 own: str | None = None) -> None:
        self.app, self.coordinator, self.slug, self.waves = app, coordinator, slug, waves
        self.questions = questions_of(app, slug)
        self.number = {qid: i for i, qid in enumerate(self.questions, start=1)}
        municipality = self.municipality = names(app)
        self.people = {municipality[m]: n for m, n in (people or {}).items()}
        self.labels = [w.label for w in waves]
        self.plan = {w.label: {municipality[m]: a for m, a in w.answers.items()} for w in waves}
        self.groups = sorted({g for w in self.plan.values() for g in w})
        # a team leader's files: the network and their own municipality (`coordinator` is then their browser)
        self.own = own
        # (wave, question) -> the groups hidden for it; by default the wave's hidden groups
        self.hidden_for = hidden_for or {}
        tmp_path.mkdir(parents=True, exist_ok=True)
        self.xlsx, self.docx = tmp_path / "survey.xlsx", tmp_path / "bilag2.docx"
        if via == "cli":  # flask export, as a coordinator runs it on the server
            export(runner, "survey", "--questionnaire", slug, "-o", str(self.xlsx))
            export(runner, "report", "survey", "--questionnaire", slug, "-o", str(self.docx))
        else:  # the results page's download buttons and a worker
            download(coordinator, "survey", slug, self.xlsx)
            download(coordinator, "report-survey", slug, self.docx)
        self.book = openpyxl.load_workbook(self.xlsx)
        self.csv = read_csv(tmp_path / "survey-svar.csv")
        self.checked = 0

    def wave(self, label: str) -> SurveyWave:
        return next(w for w in self.waves if w.label == label)

    def listed(self, label: str | None = None) -> set[str]:
        """The municipalities the files list (in a wave): all, or a team leader's own."""
        groups = set(self.plan[label]) if label else set(self.groups)
        return groups & {self.own} if self.own else groups

    def hidden(self, label: str, qid: str | None = None) -> set[str]:
        """The groups hidden in a wave (for a question); a group nobody answered in has nothing to hide and
        reads 0."""
        if sum(len(a) for a in self.plan[label].values()) < THRESHOLD:
            hidden = {NETWORK, *self.groups}
        else:
            hidden = set(self.hidden_for.get((label, qid), self.wave(label).hidden))
        return {g for g in hidden if g == NETWORK or self.answers(label, g)}

    def answers(self, label: str, group: str) -> list[dict]:
        if group == NETWORK:
            return [a for g in self.plan[label].values() for a in g]
        return self.plan[label].get(group, [])

    def expect(self, shown, wanted, what) -> None:
        if isinstance(wanted, float) or isinstance(shown, float):
            assert close(shown, wanted, 6), (what, shown, wanted)
        else:
            assert shown == wanted, (what, shown, wanted)
        self.checked += 1

    # -- the workbook

    def overview(self) -> None:
        rows = sheet_rows(self.book, "Oversigt", "Bølge")
        for label in self.labels:
            shown = {r["Kommune"]: r for r in rows if r["Bølge"] == label}
            assert set(shown) == {NETWORK, *self.listed(label)}, (label, set(shown))
            for group, row in shown.items():
                answered = len(self.answers(label, group))
                self.expect(row["Besvarelser"], answered, ("Oversigt", label, group))
                if self.people:
                    invited = sum(self.people.values()) if group == NETWORK else self.people[group]
                    self.expect(row["Inviterede"], invited, ("Oversigt inviterede", label, group))
                    self.expect(row["Svarprocent"], answered / invited, ("Oversigt svarprocent", label, group))
                if group != NETWORK and answered:  # a group nobody answered in has nothing to hide
                    assert bool(row["Bemærkning"]) == (group in self.hidden(label)), (label, group, row)

    def tables(self) -> None:
        for qid, question in self.questions.items():
            if not counted(question):
                continue
            rows = sheet_rows(self.book, question_sheet(self.book, self.number[qid]), "Gruppe")
            assert {r["Gruppe"] for r in rows} == {NETWORK, *self.listed()}, (qid, {r["Gruppe"] for r in rows})
            for row in rows:
                self._table_row(question, row)

    def _table_row(self, question, row: dict) -> None:
        group, what = row["Gruppe"], row["Svarmulighed"]
        per_wave = {}
        for label in self.labels:
            figures_ = figures(question, self.answers(label, group))
            per_wave[label] = figures_
            count, share = row[f"{label} (antal)"], row[f"{label} (andel)"]
            where = (question.id, label, group, what)
            if group in self.hidden(label, question.id):
                assert HIDDEN in (count, share), where
                continue
            if isinstance(row["Kode"], int):
                self.expect(count, figures_.counts[row["Kode"]], where)
                if figures_.n:
                    self.expect(share, figures_.counts[row["Kode"]] / figures_.n, where)
            elif what == "N (besvarelser)":
                self.expect(count, figures_.n, where)
            elif what.startswith("Gennemsnit"):
                if figures_.mean is not None:
                    self.expect(share, figures_.mean, where)
                else:
                    assert share is None, where
            elif what.startswith("Top-2"):
                if figures_.top2 is not None:
                    self.expect(share, figures_.top2, where)
                    self.expect(count, round(figures_.top2 * sum(
                        v for c, v in figures_.counts.items() if c in question.scale.valid_codes)), where)
        for before, after in zip(self.labels, self.labels[1:]):
            column = f"Ændring {before} → {after} (procentpoint)"
            if column not in row or any(group in self.hidden(w, question.id) for w in (before, after)):
                continue
            a, b = per_wave[before], per_wave[after]
            if isinstance(row["Kode"], int) and a.n and b.n:
                wanted = (b.counts[row["Kode"]] / b.n - a.counts[row["Kode"]] / a.n) * 100
            elif what.startswith("Gennemsnit") and a.mean is not None and b.mean is not None:
                wanted = b.mean - a.mean
            elif what.startswith("Top-2") and a.top2 is not None and b.top2 is not None:
                wanted = (b.top2 - a.top2) * 100
            else:
                continue
            self.expect(row[column], wanted, (question.id, group, what, column))
            p_value = row[f"p-værdi {before} → {after}"]
            valid = question.scale.valid_codes if question.scale else ()
            values = {w: [x[question.id] for x in self.answers(w, group) if question.id in x] for w in (before, after)}
            if isinstance(row["Kode"], int):
                wanted_p = share_p(a.counts[row["Kode"]], a.n, b.counts[row["Kode"]], b.n)
            elif what.startswith("Gennemsnit"):
                wanted_p = rank_p(*([v for v in values[w] if v in valid] for w in (before, after)))
            else:  # top-2 of the valid answers
                top = question.scale.top2
                n1, n2 = ([v for v in values[w] if v in valid] for w in (before, after))
                wanted_p = share_p(sum(v in top for v in n1), len(n1), sum(v in top for v in n2), len(n2))
            if wanted_p is None:
                assert p_value is None, (question.id, group, what, p_value)
            else:
                self.expect(p_value, wanted_p, (question.id, group, what, "p"))
                verdict = "signifikant (p < 0,05)" if wanted_p < 0.05 else "kan skyldes tilfældigheder"
                self.expect(row[f"Vurdering {before} → {after}"], verdict, (question.id, group, what, "verdict"))

    def data_rows(self) -> None:
        rows = sheet_rows(self.book, "Data", "Bølge")
        columns = [q for q, question in self.questions.items() if counted(question) and question.type != "number"
                   and question.type != "multiple_choice"]
        if self.own:  # a team leader's data sheet: their own responses, none where their group is hidden
            for label in self.labels:
                mine = [r for r in rows if r["Bølge"] == label]
                assert {r["Kommune"] for r in mine} <= {self.own}, label
                wanted = [] if self.own in self.hidden(label) else self.answers(label, self.own)
                self.expect(Counter(tuple(r[q] for q in columns) for r in mine),
                            Counter(tuple(a.get(q) for q in columns) for a in wanted), ("Data", label, self.own))
            return
        for label in self.labels:
            merged = self.hidden(label) - {NETWORK}
            if NETWORK in self.hidden(label):
                assert not [r for r in rows if r["Bølge"] == label], label
                continue
            places = {r["Kommune"] for r in rows if r["Bølge"] == label}
            assert places == (set(self.plan[label]) - merged) | ({"Øvrige (skjult)"} if merged else set()), places
            for place in places:
                members = merged if place == "Øvrige (skjult)" else {place}
                for qid in columns:
                    shown = Counter(r[qid] for r in rows if r["Bølge"] == label and r["Kommune"] == place)
                    if self.hidden(label, qid) - {NETWORK} > merged and members & self.hidden(label, qid):
                        assert set(shown) == {HIDDEN}, (label, place, qid, shown)
                        continue
                    wanted = Counter(a.get(qid) for m in members for a in self.answers(label, m))
                    self.expect(shown, wanted, ("Data", label, place, qid))

    def long_csv(self) -> None:
        if self.own:
            for label in self.labels:
                mine = [r for r in self.csv if r["bølge"] == label]
                assert {r["kommune"] for r in mine} <= {self.own}, label
                wanted = [] if self.own in self.hidden(label) else self.answers(label, self.own)
                self.expect(Counter((r["spørgsmål"], r["kode"] or r["tal"] or r["tekst"]) for r in mine),
                            Counter((q, str(v)) for a in wanted for q, v in a.items() if v != ""),
                            ("CSV", label, self.own))
            return
        for label in self.labels:
            merged = self.hidden(label) - {NETWORK}
            for qid, question in self.questions.items():
                hidden = self.hidden(label, qid) - {NETWORK}
                rows = [r for r in self.csv if r["bølge"] == label and r["spørgsmål"] == qid]
                if NETWORK in self.hidden(label):
                    assert not rows, (label, qid)
                    continue
                for group in self.plan[label]:
                    place = "Øvrige (skjult)" if group in merged else group
                    members = merged if group in merged else {group}
                    if hidden > merged and group in hidden:
                        assert not [r for r in rows if r["kommune"] == place], (label, qid, place)
                        continue
                    if counted(question):
                        shown = Counter(int(r["kode"] or r["tal"]) for r in rows if r["kommune"] == place)
                        wanted = Counter(a[qid] for m in members for a in self.answers(label, m) if qid in a)
                    else:
                        shown = Counter(r["tekst"] for r in rows if r["kommune"] == place)
                        wanted = Counter(a[qid] for m in members for a in self.answers(label, m) if a.get(qid))
                    self.expect(shown, wanted, ("CSV", label, place, qid))

    def free_texts(self) -> None:
        rows = sheet_rows(self.book, "Fritekst", "Spørgsmål")
        if self.own:
            assert {r["Kommune"] for r in rows} <= {self.own}
            return
        for label in self.labels:
            merged = self.hidden(label) - {NETWORK}
            for qid, question in self.questions.items():
                if question.type not in ("text", "textarea"):
                    continue
                listed = Counter((r["Kommune"], r["Svar"]) for r in rows if r["Bølge"] == label
                                 and str(r["Spørgsmål"]).split(".")[0] == str(self.number[qid]))
                written = [(g, a[qid]) for g in self.plan[label] for a in self.plan[label][g] if a.get(qid)]
                if len(written) < THRESHOLD:
                    self.expect(listed, Counter(), ("Fritekst", label, qid))
                    continue
                wanted = Counter(("Øvrige (skjult)" if g in merged else g, t) for g, t in written)
                self.expect(listed, wanted, ("Fritekst", label, qid))

    def codebook(self) -> None:
        listed = {r["Variabel"] for r in sheet_rows(self.book, "Kodebog", "Variabel")}
        assert {q for q, question in self.questions.items() if counted(question)} <= listed, listed

    def wave_pages(self) -> None:
        """The coordinator's wave page: invited, opened and answered per municipality (personal links), or the
        answers sent through each anonymous link."""
        if self.own:
            return
        for wave in self.waves:
            html = self.coordinator.get(f"/runder/{wave.wave_id}").get_data(as_text=True)
            total = sum(len(a) for a in wave.answers.values())
            if not self.people:
                self.expect(re.search(r"Svar: (\d+) sendt", page_text(html))[1], str(total), ("wave page", wave.label))
                sent = dict(re.findall(r'data-municipality="([^"]*)"[^>]*>\s*<code class="link">[^<]*</code>\s*(\d+) svar',
                                       html))
                for slug, answers in wave.answers.items():
                    if slug:
                        self.expect(sent.get(self.municipality[slug]), str(len(answers)), ("link", slug, sent))
                continue
            rows = {page_text(h): [page_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", cells)]
                    for h, cells in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', html, re.S)}
            for group in (*self.plan[wave.label], "I alt"):
                answered = total if group == "I alt" else len(self.plan[wave.label][group])
                invited = sum(self.people.values()) if group == "I alt" else self.people[group]
                self.expect(rows[group][0], str(invited), ("wave page", wave.label, group))
                self.expect(rows[group][1], str(answered), ("wave page opened", wave.label, group))
                self.expect(rows[group][2], str(answered), ("wave page", wave.label, group))
                self.expect(rows[group][3], f"{answered / invited * 100:.0f} %", ("wave page", wave.label, group))

    def comparability(self) -> None:
        rows = sheet_rows(self.book, "Sammenlignelighed", "Spørgsmål")
        pairs = list(zip(self.labels, self.labels[1:]))
        for qid, question in self.questions.items():
            if counted(question):
                listed = [(r["Fra bølge"], r["Til bølge"]) for r in rows if r["Spørgsmål"] == qid]
                self.expect(listed, pairs, ("Sammenlignelighed", qid))
        for row in rows:  # no seed rewords a question between its waves
            self.expect(row["Sammenlignelig"], "Ja", ("Sammenlignelighed", row["Spørgsmål"]))
            self.expect(row["Formulering før"], row["Formulering efter"], ("Sammenlignelighed", row["Spørgsmål"]))

    # -- Bilag 2

    def report(self) -> None:
        [rates] = [t for t in docx_tables(self.docx) if t and t[0][:4] == ["Bølge", "Kommune", "Inviterede",
                                                                           "Besvarelser"]]
        shown = {(r[0], r[1]): r for r in rates[1:]}
        assert set(shown) == {(w, g) for w in self.labels for g in (NETWORK, *self.listed(w))}, set(shown)
        for (label, group), row in shown.items():
            answered = len(self.answers(label, group))
            self.expect(row[3], str(answered), ("Bilag 2 svar", label, group))
            if self.people:
                invited = sum(self.people.values()) if group == NETWORK else self.people[group]
                self.expect(row[2], str(invited), ("Bilag 2 inviterede", label, group))
                self.expect(_number(row[4]), round(answered / invited * 100, 1), ("Bilag 2 svarprocent", label, group))
        tables = [t for t in docx_tables(self.docx) if t and t[0][:2] == ["Gruppe", "Svarmulighed"]]
        coded = [q for q in self.questions.values() if counted(q)]
        assert len(tables) == len(coded), len(tables)
        for question, (header, *rows) in zip(coded, tables):
            group = None
            for row in rows:
                group = row[0] or group
                for label in self.labels:
                    count = row[header.index(f"{label}: antal")]
                    share = row[header.index(f"{label}: andel")]
                    f = figures(question, self.answers(label, group))
                    where = ("Bilag 2", question.id, label, group, row[1])
                    if group in self.hidden(label, question.id):
                        assert HIDDEN in (count, share), where
                        continue
                    option = next((o for o in question.options if row[1].startswith(o.label.da)), None)
                    if row[1] == "N (besvarelser)":
                        self.expect(count, str(f.n), where)
                    elif row[1].startswith("Gennemsnit") and f.mean is not None:
                        self.expect(share, f"{f.mean:.2f}".replace(".", ","), where)
                    elif row[1].startswith("Top-2") and f.top2 is not None:
                        self.expect(_number(share), round(f.top2 * 100, 1), where)
                    elif option is not None and not row[1].startswith(("Top-2", "Gennemsnit")):
                        self.expect(count, str(f.counts[option.code]), where)
                        if f.n:
                            self.expect(_number(share), round(f.counts[option.code] / f.n * 100, 1), where)

    # -- the results page

    def page(self, browser=None, own: str | None = None) -> None:
        """The results page with the municipalities, as the coordinator sees it, or as a team leader of `own`
        (the network and their own municipality only, hidden by the same rule)."""
        chosen = "".join(f"&bolge={w.wave_id}" for w in self.waves if w.wave_id)  # every wave of the plan
        html = (browser or self.coordinator).get(f"/resultater/survey/{self.slug}?kommuner=1{chosen}").get_data(
            as_text=True)
        seen: set[str] = set()
        sections = {int(re.search(r'<h2 id="q-(\d+)"', s)[1]): s
                    for s in html.split('<section class="result-question"')[1:]}
        for qid, question in self.questions.items():
            if not counted(question):
                continue
            tables = re.findall(r'<table class="result-table">(.*?)</table>', sections[self.number[qid]], re.S)
            network = self._rows(tables[0])
            seen |= {w for _label, cells in network for w in cells}
            for label, cells in network:
                for wave_label, text in cells.items():
                    f = figures(question, self.answers(wave_label, NETWORK))
                    where = ("page", qid, wave_label, label)
                    if NETWORK in self.hidden(wave_label, qid):
                        assert text == HIDDEN, where
                    elif label == "N (besvarelser)":
                        self.expect(int(text), f.n, where)
                    elif label.startswith("Gennemsnit"):
                        if f.mean is not None:
                            self.expect(_number(text), round(f.mean, 2), where)
                    elif label.startswith("Top-2"):
                        if f.top2 is not None:
                            self.expect(_number(text.split("(")[0]), round(f.top2 * 100, 1), where)
                    else:
                        option = next(o for o in question.options if label.startswith(o.label.da))
                        count = int(text.split("(")[1].rstrip(")"))
                        self.expect(count, f.counts[option.code], where)
                        if f.n:
                            self.expect(_number(text.split("(")[0]), round(f.counts[option.code] / f.n * 100, 1),
                                        where)
            if len(tables) > 1:
                listed = {group for group, _cells in self._rows(tables[1])}
                assert listed == ({own} if own else set(self.groups)), (qid, listed)
                for group, cells in self._rows(tables[1]):
                    for wave_label, text in cells.items():
                        hidden = group in self.hidden(wave_label, qid)
                        if group not in self.plan[wave_label]:
                            continue
                        assert (text == HIDDEN) == hidden, ("page", qid, wave_label, group, text)
                        f = figures(question, self.answers(wave_label, group))
                        if not hidden and f.top2 is not None and "(" in text:
                            self.expect(_number(text.split("(")[0]), round(f.top2 * 100, 1),
                                        ("page", qid, wave_label, group))
        assert seen == set(self.labels), seen

    def _rows(self, table: str) -> list[tuple[str, dict[str, str]]]:
        """The rows of a results table as (row label, {wave label: cell}), the waves read off its header."""
        def plain(raw):
            return markup.unescape(re.sub(r"<[^>]+>", "", raw)).replace("\xa0", " ").strip()

        header = [plain(h) for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table, re.S)]
        waves = [h for h in header[1:] if h in self.labels]
        return [(plain(label), dict(zip(waves, (plain(c) for c in re.findall(r'<td class="num">(.*?)</td>', cells)))))
                for label, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', table, re.S)]

    def everything(self) -> int:
        for step in (self.overview, self.tables, self.data_rows, self.long_csv, self.free_texts, self.codebook,
                     self.comparability, self.report, self.wave_pages):
            step()
        self.page(own=self.own)
        return self.checked


# -------------------------------------------------------------------------------------------- supervision


@dataclass
class SupervisionRound:
    label: str
    start: object  # date
    # municipality slug -> {case reference: answers} (the municipality's case list, each case with the answers
    # its review gives)
    cases: dict[str, dict[str, dict]]
    sample: dict[str, int] = field(default_factory=dict)  # municipality slug -> sample size (none: the whole list)
    outside: dict[str, int] = field(default_factory=dict)  # cases reviewed outside the sample, not counted
    counted: dict[str, dict[str, dict]] = field(default_factory=dict)  # filled in: the cases the tallies count
    apart: dict[str, dict[str, dict]] = field(default_factory=dict)  # filled in: reviewed outside the sample


def team_leader(app, make_user, login, municipality: str):
    browser = app.test_client()
    _id, email, password = make_user("team_leader", municipality)
    login(browser, email, password)
    return browser


def _post_page(browser, url: str, data: dict, action: str | None = None, **kwargs):
    page = browser.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return browser.post(action or url, data={"csrf_token": extract_csrf(page.get_data(as_text=True)), **data},
                        **kwargs)


def run_supervision(app, make_user, login, slug: str, rounds: list[SupervisionRound]) -> dict[str, int]:
    """Each round planned, then in each municipality its team leader uploads the case list, draws the sample
    where the plan has one (read back off the sampling page) and logs the reviews through the record form."""
    import io

    from tests.results.factory import make_round, municipality_ids

    leaders = {m: team_leader(app, make_user, login, m) for m in sorted({m for r in rounds for m in r.cases})}
    ids = {}
    for plan in rounds:
        with app.app_context():
            places = municipality_ids()
            round_id = make_round(slug, plan.label, plan.start, plan.start.replace(day=28),
                                  [places[m] for m in plan.cases])
            db.session.commit()
        ids[plan.label] = round_id
        for municipality, cases in plan.cases.items():
            leader = leaders[municipality]
            listing = ("sagsnummer\n" + "\n".join(cases) + "\n").encode()
            sent = _post_page(leader, f"/tilsyn/runder/{round_id}/stikproeve",
                              {"file": (io.BytesIO(listing), "sager.csv")}, f"/tilsyn/runder/{round_id}/sagsliste",
                              content_type="multipart/form-data")
            assert sent.status_code == 302, sent.get_data(as_text=True)
            chosen = list(cases)
            if municipality in plan.sample:
                drawn = _post_page(leader, f"/tilsyn/runder/{round_id}/stikproeve",
                                   {"municipality": str(places[municipality]), "size": str(plan.sample[municipality]),
                                    "seed": f"{plan.label}-{municipality}"})
                assert drawn.status_code == 302, drawn.get_data(as_text=True)
                page = leader.get(f"/tilsyn/runder/{round_id}/stikproeve").get_data(as_text=True)
                chosen = re.findall(r"<li>([^<]+)</li>", page.split('<ol class="sample-list">')[1].split("</ol>")[0])
                assert len(chosen) == plan.sample[municipality], chosen
            plan.counted[municipality] = {ref: cases[ref] for ref in chosen}
            rest = [ref for ref in cases if ref not in chosen][:plan.outside.get(municipality, 0)]
            plan.apart[municipality] = {ref: cases[ref] for ref in rest}
            for ref in chosen + rest:
                data = {"case_reference": ref, "comment": f"Gennemgået {ref}", **form_data(cases[ref])}
                if ref in rest:
                    data["outside_sample"] = "y"
                logged = _post_page(leader, f"/tilsyn/runder/{round_id}/sager/ny", data)
                assert logged.status_code == 302, logged.get_data(as_text=True)
    return ids


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


class SupervisionCheck:
    """Every figure of a supervision questionnaire's outputs compared with the plan: the workbook (Oversigt,
    Dækning, Sammenligning, each question's sheet, Kodebog, Sager), Bilag 1 and the results page. Only the
    cases of the sample count (the whole list where none was drawn); cases reviewed outside it stand apart."""

    def __init__(self, app, coordinator, runner, tmp_path: Path, slug: str, rounds: list[SupervisionRound],
                 via: str = "cli", own: str | None = None) -> None:
        self.coordinator, self.slug, self.rounds = coordinator, slug, rounds
        self.own = own  # a team leader's page and files: the network and their own municipality
        self.questions = questions_of(app, slug)
        self.number = {qid: i for i, qid in enumerate(self.questions, start=1)}
        municipality = names(app)
        self.labels = [r.label for r in rounds]
        self.plan = {r.label: {municipality[m]: list(c.values()) for m, c in r.counted.items()} for r in rounds}
        self.apart = {r.label: {municipality[m]: c for m, c in r.apart.items()} for r in rounds}
        self.listed = {r.label: {municipality[m]: c for m, c in r.cases.items()} for r in rounds}
        self.sample = {r.label: {municipality[m]: n for m, n in r.sample.items()} for r in rounds}
        self.logged = {r.label: {ref: (municipality[m], a) for m in r.cases for ref, a in
                                 {**r.counted[m], **r.apart[m]}.items()} for r in rounds}
        self.groups = sorted({g for r in self.plan.values() for g in r} & ({own} if own else set(municipality.values())))
        tmp_path.mkdir(parents=True, exist_ok=True)
        self.xlsx, self.docx = tmp_path / "tilsyn.xlsx", tmp_path / "bilag1.docx"
        if via == "cli":
            export(runner, "supervision", "--questionnaire", slug, "-o", str(self.xlsx))
            export(runner, "report", "supervision", "--questionnaire", slug, "-o", str(self.docx))
        else:
            download(coordinator, "supervision", slug, self.xlsx)
            download(coordinator, "report-supervision", slug, self.docx)
        self.book = openpyxl.load_workbook(self.xlsx)
        self.checked = 0

    expect = SurveyCheck.expect

    def answers(self, label: str, group: str) -> list[dict]:
        if group in (NETWORK, "Hele netværket"):
            return [a for g in self.plan[label].values() for a in g]
        return self.plan[label].get(group, [])

    def overview(self) -> None:
        rows = sheet_rows(self.book, "Oversigt", "Runde")
        for label in self.labels:
            shown = {r["Kommune"]: r for r in rows if r["Runde"] == label}
            assert set(shown) == {NETWORK, *(set(self.plan[label]) & set(self.groups))}, (label, set(shown))
            for group, row in shown.items():
                apart = sum(len(c) for c in self.apart[label].values()) if group == NETWORK \
                    else len(self.apart[label][group])
                self.expect(row["Gennemgåede sager"], len(self.answers(label, group)), ("Oversigt", label, group))
                self.expect(row["Udenfor stikprøven, ikke talt med"], apart, ("Oversigt", label, group))
        coverage = sheet_rows(self.book, "Dækning", "Runde")
        for row in coverage:
            label, group = row["Runde"], row["Kommune"]
            self.expect(row["Sager på listen"], len(self.listed[label][group]), ("Dækning", label, group))
            self.expect(row["I stikprøven"], self.sample[label].get(group), ("Dækning", label, group))
            self.expect(row["Gennemgået i stikprøven"], len(self.plan[label][group]), ("Dækning", label, group))
            self.expect(row["Udenfor stikprøven"], len(self.apart[label][group]), ("Dækning", label, group))
        assert len(coverage) == sum(len(set(c) & set(self.groups)) for c in self.listed.values())

    def comparison(self) -> None:
        rows = sheet_rows(self.book, "Sammenligning", "Spørgsmål")
        coded = [q for q in self.questions.values() if q.scale is not None]
        assert [int(str(r["Spørgsmål"]).split(".")[0]) for r in rows if r["Svarmulighed"] == "Besvaret (N)"
                and r["Kommune"] == NETWORK] == [self.number[q.id] for q in coded]
        for row in rows:
            question = next(q for q in coded if str(row["Spørgsmål"]).startswith(f"{self.number[q.id]}. "))
            group = row["Kommune"]
            assert group in (NETWORK, *self.groups), group
            per_round = {label: figures(question, self.answers(label, group)) for label in self.labels}
            for label in self.labels:
                f, where = per_round[label], ("Sammenligning", question.id, label, group, row["Svarmulighed"])
                if row["Svarmulighed"] == "Besvaret (N)":
                    self.expect(row[f"{label} (antal)"], f.n, where)
                    continue
                self.expect(row[f"{label} (antal)"], f.counts[row["Kode"]], where)
                if f.n:
                    self.expect(row[f"{label} (andel)"], f.counts[row["Kode"]] / f.n, where)
            for before, after in zip(self.labels, self.labels[1:]):
                a, b = per_round[before], per_round[after]
                if row["Kode"] is not None and a.n and b.n:
                    self.expect(row[f"Ændring {before} → {after} (procentpoint)"],
                                (b.counts[row["Kode"]] / b.n - a.counts[row["Kode"]] / a.n) * 100,
                                ("Sammenligning ændring", question.id, group, row["Svarmulighed"]))
                    p_value = share_p(a.counts[row["Kode"]], a.n, b.counts[row["Kode"]], b.n)
                    self.expect(row[f"Signifikant {before} → {after}"] or "",
                                "*" if p_value is not None and p_value < 0.05 else "",
                                ("Sammenligning signifikant", question.id, group, row["Svarmulighed"]))

    def question_sheets(self) -> None:
        for qid, question in self.questions.items():
            if question.scale is None and question.type != "number":
                continue
            rows = sheet_rows(self.book, question_sheet(self.book, self.number[qid]), "Runde")
            assert {(r["Runde"], r["Kommune"]) for r in rows} == {
                (label, g) for label in self.labels for g in (NETWORK, *(set(self.plan[label]) & set(self.groups)))}, qid
            means = {}
            for row in rows:
                label, group = row["Runde"], row["Kommune"]
                where = ("sheet", qid, label, group)
                cases = self.answers(label, group)
                f = figures(question, cases)
                self.expect(row["Gennemgåede sager"], len(cases), where)
                self.expect(row["Besvaret (N)"], f.n, where)
                if question.type == "number":
                    unit = question.unit.da
                    values = [a[qid] for a in cases if qid in a]
                    mean = sum(values) / len(values)
                    means[(label, group)] = mean
                    self.expect(row[f"Gennemsnit ({unit})"], mean, where)
                    self.expect(row[f"Median ({unit})"], _median(values), where)
                    self.expect(row[f"Minimum ({unit})"], min(values), where)
                    self.expect(row[f"Maksimum ({unit})"], max(values), where)
                    earlier = self.labels.index(label) - 1
                    change = row[f"Ændring i gennemsnit fra forrige runde ({unit})"]
                    if earlier >= 0:
                        before = self.answers(self.labels[earlier], group)
                        self.expect(change, mean - sum(a[qid] for a in before) / len(before), where)
                        wanted_p = welch_p([a[qid] for a in before if qid in a], values)
                        if wanted_p is None:
                            assert row["p-værdi (Welch)"] is None, where
                        else:
                            self.expect(row["p-værdi (Welch)"], wanted_p, where)
                            self.expect(row["Signifikant"] or "", "*" if wanted_p < 0.05 else "", where)
                    else:
                        assert change is None, where
                    continue
                for option in question.options:
                    self.expect(row[f"{option.label.da} (antal)"], f.counts[option.code], where)
                    if f.n:
                        self.expect(row[f"{option.label.da} (andel)"], f.counts[option.code] / f.n, where)

    def comparability(self) -> None:
        rows = sheet_rows(self.book, "Sammenlignelighed", "Spørgsmål")
        pairs = list(zip(self.labels, self.labels[1:]))
        for qid, question in self.questions.items():
            if question.scale is not None or question.type == "number":
                listed = [(r["Fra runde"], r["Til runde"]) for r in rows
                          if str(r["Spørgsmål"]).startswith(f"{self.number[qid]}. ")]
                self.expect(listed, pairs, ("Sammenlignelighed", qid))
        for row in rows:
            self.expect(row["Sammenlignelig"], "Ja", ("Sammenlignelighed", row["Spørgsmål"]))

    def codebook(self) -> None:
        rows = sheet_rows(self.book, "Kodebog", "Nr.")
        listed = list(dict.fromkeys(r["Variabel"] for r in rows))
        assert listed == list(self.questions), listed
        for row in rows:
            question = self.questions[row["Variabel"]]
            self.expect(row["Nr."], self.number[question.id], ("Kodebog", question.id))
            if row["Kode"] is not None:
                self.expect(row["Svarmulighed"], next(o.label.da for o in question.options if o.code == row["Kode"]),
                            ("Kodebog", question.id))

    def records(self) -> None:
        if self.own:  # the records are for coordinators only
            assert "Sager" not in self.book.sheetnames
            return
        rows = sheet_rows(self.book, "Sager", "Runde")
        header = list(rows[0]) if rows else []
        assert len(rows) == sum(len(v) for v in self.logged.values())
        for row in rows:
            label, ref = row["Runde"], row["Sagsreference"]
            group, answers = self.logged[label][ref]
            self.expect(row["Kommune"], group, ("Sager", ref))
            counted = any(answers is a for a in self.plan[label][group])
            self.expect(row["Stikprøve"], "i stikprøven" if counted else "udenfor stikprøven", ("Sager", ref))
            self.expect(row["Bemærkning"], f"Gennemgået {ref}", ("Sager", ref))
            for qid, question in self.questions.items():
                column = next(c for c in header if str(c).startswith(f"{self.number[qid]}. "))
                value = answers.get(qid)
                if question.options and value is not None:
                    value = next(o.label.da for o in question.options if o.code == value)
                self.expect(row[column], value, ("Sager", ref, qid))

    def report(self) -> None:
        """Bilag 1: per question its table per round and municipality, and the rounds compared for the network."""
        tables = docx_tables(self.docx)
        per_question = [t for t in tables if t[0][:4] == ["Runde", "Kommune", "Gennemgåede sager", "Besvaret (N)"]]
        counted_ = [q for q in self.questions.values() if q.scale is not None or q.type == "number"]
        assert len(per_question) == len(counted_), len(per_question)
        for question, (header, *rows) in zip(counted_, per_question):
            for row in rows:
                label, group = row[0], row[1]
                assert group in (NETWORK, *self.groups), group
                cases = self.answers(label, group)
                f = figures(question, cases)
                where = ("Bilag 1", question.id, label, group)
                self.expect(row[2], str(len(cases)), where)
                self.expect(row[3], str(f.n), where)
                if question.type == "number":
                    values = [a[question.id] for a in cases if question.id in a]
                    self.expect(_number(row[4]), round(sum(values) / len(values), 2), where)
                    continue
                for option in question.options:
                    self.expect(row[header.index(f"{option.label.da} (antal)")], str(f.counts[option.code]), where)
                    if f.n:
                        self.expect(_number(row[header.index(f"{option.label.da} (andel)")]),
                                    round(f.counts[option.code] / f.n * 100, 1), where)
        compared = [t for t in tables if t[0][0] == "Svarmulighed"]
        coded = [q for q in self.questions.values() if q.scale is not None]
        assert len(compared) == len(coded), len(compared)
        for question, (header, *rows) in zip(coded, compared):
            for row in rows:
                for label in self.labels:
                    f = figures(question, self.answers(label, NETWORK))
                    shown = row[header.index(f"{label} (antal)")]
                    if row[0] == "Besvaret (N)":
                        self.expect(shown, str(f.n), ("Bilag 1 rounds", question.id, label))
                    else:
                        option = next(o for o in question.options if o.label.da == row[0])
                        self.expect(shown, str(f.counts[option.code]), ("Bilag 1 rounds", question.id, label, row[0]))

    def page(self) -> None:
        html = self.coordinator.get(f"/resultater/tilsyn/{self.slug}?kommune=alle").get_data(as_text=True)
        if self.own:  # a team leader reads no case, not even their own municipality's comments
            assert not any(f"Gennemgået {ref}" in html for refs in self.logged.values() for ref in refs)
        sections = {int(n): s for n, s in re.findall(r'<h2 id="q-(\d+)">(.*?)</section>', html, re.S)}
        for qid, question in self.questions.items():
            if question.scale is None and question.type != "number":
                continue
            # the page numbers each question as the questionnaire, the workbook and Bilag 1 do
            assert self.number[qid] in sections, (qid, self.number[qid], sorted(sections))
            rows = re.findall(r"<tr[^>]*>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", sections[self.number[qid]], re.S)
            assert rows, qid
            for head, cells in rows:
                cells = [page_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
                if question.type == "number":
                    label, group = page_text(head), cells[0]
                    values = [a[qid] for a in self.answers(label, group) if qid in a]
                    self.expect(int(cells[1]), len(values), ("page", qid, label, group))
                    self.expect(_number(cells[2]), round(sum(values) / len(values), 1), ("page", qid, label, group))
                    continue
                group, option = page_text(head), cells[0]
                for label, text in zip(self.labels, cells[1:]):
                    f = figures(question, self.answers(label, group))
                    where = ("page", qid, label, group, option)
                    if option == "Besvaret (N)":
                        self.expect(int(text), f.n, where)
                    else:
                        code = next(o.code for o in question.options if o.label.da == option)
                        self.expect(int(text.split(" ")[0]), f.counts[code], where)
            shown_groups = {page_text(h) if question.type != "number" else page_text(re.findall(r"<td[^>]*>(.*?)</td>", c)[0])
                            for h, c in rows}
            assert shown_groups == {"Hele netværket", *self.groups}, (qid, shown_groups)

    def everything(self) -> int:
        for step in (self.overview, self.comparison, self.question_sheets, self.comparability, self.codebook,
                     self.records, self.report, self.page):
            step()
        return self.checked

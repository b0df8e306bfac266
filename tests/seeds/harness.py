"""End to end for a seed: plan waves or rounds, answer over HTTP as the real users do, export every format,
read the files back and recompute every figure from the plan."""
from __future__ import annotations

import csv
import io
import random
import re
from dataclasses import dataclass, field
from datetime import timedelta

import docx
import openpyxl
from sqlalchemy import select

from app.extensions import db
from app.models import Municipality, utcnow
from app.questionnaires.service import definition_of, latest_version
from forms import Question
from tests.answering.helpers import post_answers
from tests.conftest import extract_csrf
from tests.results.test_views import _wait_done
from tests.waves.factories import add_respondents, add_wave

THRESHOLD = 5  # ANONYMITY_THRESHOLD of the test config
NETWORK = "Netværket i alt"
HIDDEN = "skjult"


def questionnaire(slug: str):
    return definition_of(latest_version(slug))


def random_answer(rng: random.Random, questions, skip_optional: float = 0.15) -> dict:
    """A plan answer: {question id: code | [codes] | number | text} for the questions its answers show."""
    answers: dict = {}
    for question in questions:
        if question.condition is not None and not question.condition.holds(answers):
            continue
        if not question.required and rng.random() < skip_optional:
            continue
        kind = question.type
        if kind == "multiple_choice":
            codes = [o.code for o in question.options if rng.random() < 0.5]
            answers[question.id] = codes or [question.options[0].code]
        elif question.options:
            answers[question.id] = rng.choice([o.code for o in question.options])
        elif kind == "number":
            answers[question.id] = rng.randint(question.min or 0, min(question.max or 24, 24))
        elif kind in ("text", "textarea"):
            answers[question.id] = f"Svar {rng.randint(100, 999)} om {question.id}"
    return answers


def form_fields(answers: dict) -> dict:
    """The answer form's fields as a browser posts them."""
    fields = {}
    for qid, value in answers.items():
        fields[f"q_{qid}"] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return fields


def municipality_names() -> dict[str, str]:
    return dict(db.session.execute(select(Municipality.slug, Municipality.name)).all())


# ---------------------------------------------------------------------------------------------- surveys

NO_MUNICIPALITY = "Uden kommune"


@dataclass
class SurveyPlan:
    """A seed's survey: per wave (oldest first) and municipality slug, (invited, answering); citizens' waves
    are anonymous and invite nobody (invited is 0). `wave_wide` citizens per wave answer the wave's old one
    link, which names no municipality when the wave has several."""

    slug: str
    waves: dict[str, dict[str, tuple[int, int]]]
    seed: int
    wave_wide: dict[str, int] = field(default_factory=dict)
    # filled in by answer_survey: answers[wave][group name] (NETWORK too) = the submitted answer dicts
    answers: dict[str, dict[str, list[dict]]] = field(default_factory=dict)
    invited: dict[str, dict[str, int]] = field(default_factory=dict)
    wave_ids: dict[str, int] = field(default_factory=dict)

    @property
    def municipalities(self) -> list[str]:
        return sorted({m for sizes in self.waves.values() for m in sizes})


def _coordinator_links(client, wave_id: int) -> dict[str, str]:
    """The anonymous links per municipality as the coordinator's wave page shows them."""
    page = client.get(f"/runder/{wave_id}").get_data(as_text=True)
    return dict(re.findall(r'data-municipality="([^"]+)"[^>]*>\s*<code class="link">[^<]*(/p/[^<]+)</code>', page))


def _answer(app, entry: str, answers: dict) -> None:
    """One browser of its own opens its link and submits the form (CSRF token read from the page)."""
    browser = app.test_client()
    assert browser.get(entry).status_code == 302, entry
    sent = post_answers(browser, form_fields(answers))
    assert sent.status_code == 302, sent.get_data(as_text=True)[:2000]
    assert browser.get(sent.headers["Location"]).status_code == 200


def answer_survey(app, coordinator, plan: SurveyPlan) -> SurveyPlan:
    """Plan the waves (respondents, invitations), answer every planned response over HTTP, close the waves."""
    from app.models import Invitation, Wave
    from app.waves.service import invite_audience, public_token
    from app.waves.tokens import invitation_token

    assert int(app.config["ANONYMITY_THRESHOLD"]) == THRESHOLD
    rng = random.Random(plan.seed)
    with app.app_context():
        names = municipality_names()
        q = questionnaire(plan.slug)
        most = {m: max(sizes.get(m, (0, 0))[0] for sizes in plan.waves.values()) for m in plan.municipalities}
        if any(most.values()):
            add_respondents({m: n for m, n in most.items() if n}, prefix=f"{plan.slug[:6]}-")
        db.session.commit()
        now = utcnow()
        entries: dict[str, list[tuple[str | None, str]]] = {}
        for i, (label, sizes) in enumerate(plan.waves.items()):
            wave = add_wave(slug=plan.slug, status="open", opens=now - timedelta(days=10 * (len(plan.waves) - i)),
                            closes=now + timedelta(days=3 + i), municipalities=tuple(sizes), label=label,
                            reminder_days=())
            plan.wave_ids[label] = wave.id
            if not wave.anonymous:
                invite_audience(wave, wave.opens_at)
                db.session.flush()
                # those of each municipality beyond its planned number leave before the wave (inactive)
                invitations = db.session.scalars(select(Invitation).where(Invitation.wave_id == wave.id)
                                                 .order_by(Invitation.id)).all()
                for slug, (invited, answering) in sizes.items():
                    own = [inv for inv in invitations if inv.municipality.slug == slug]
                    for extra in own[invited:]:
                        db.session.delete(extra)
                    entries.setdefault(label, []).extend(
                        (names[slug], f"/s/{invitation_token(inv.token_nonce)}") for inv in own[:answering])
                plan.invited[label] = {names[s]: n for s, (n, _a) in sizes.items()}
            db.session.commit()
            if wave.anonymous:
                entries[label] = [(None, f"/p/{public_token(wave)}")] * plan.wave_wide.get(label, 0)
    for label, sizes in plan.waves.items():
        wave_id = plan.wave_ids[label]
        if label not in plan.invited:  # citizens: the municipality links the coordinator hands out
            links = _coordinator_links(coordinator, wave_id)
            assert set(links) == {names[s] for s in sizes}, links
            entries[label] = [(names[s], links[names[s]]) for s, (_i, n) in sizes.items() for _ in range(n)] + \
                entries[label]
        answered: dict[str, list[dict]] = {NETWORK: []}
        for group, entry in entries[label]:
            answers = random_answer(rng, q.questions)
            _answer(app, entry, answers)
            answered[NETWORK].append(answers)
            answered.setdefault(group or NO_MUNICIPALITY, []).append(answers)
        plan.answers[label] = answered
    with app.app_context():
        for wave_id in plan.wave_ids.values():
            db.session.get(Wave, wave_id).status = "closed"
        db.session.commit()
    return plan


def download(client, kind: str, slug: str | None = None, selected=()) -> dict[str, bytes]:
    """The files of an export job started from the results page (as its button posts), once a worker ran it."""
    page = client.get("/resultater/")
    data = {"csrf_token": extract_csrf(page.get_data(as_text=True)), "kind": kind}
    if slug:
        data["slug"] = slug
    if selected:
        data["selected"] = [str(s) for s in selected]
    started = client.post("/resultater/eksport", data=data)
    assert started.status_code == 303, started.status_code
    status = _wait_done(client, started.headers["Location"])
    assert status["status"] == "done", status
    return {ext: client.get(url).data for ext, url in status["files"].items()}


def rows_of(sheet) -> list[list]:
    return [[c for c in row] for row in sheet.iter_rows(values_only=True)]


# ------------------------------------------------------------------------------- figures from the plan

@dataclass
class Figures:
    """One question's figures for one group in one wave or round, recomputed from the plan."""

    n: int
    counts: dict[int, int]
    mean: float | None
    top2: tuple[int, float] | None  # (count, share of the valid answers)
    numbers: list[float] = field(default_factory=list)

    def share(self, code: int) -> float:
        return self.counts.get(code, 0) / self.n if self.n else 0.0


def figures(question: Question, answers: list[dict]) -> Figures:
    values = [a[question.id] for a in answers if question.id in a]
    counts: dict[int, int] = {}
    for value in values:
        for code in value if isinstance(value, list) else [value]:
            counts[code] = counts.get(code, 0) + 1
    mean = top2 = None
    numbers: list[float] = []
    if question.type == "number":
        numbers = [float(v) for v in values]
        mean = sum(numbers) / len(numbers) if numbers else None
        counts = {}
    elif question.scale is not None:
        valid = [v for v in values if v in question.scale.valid_codes]
        if valid and question.scale.ordinal:
            mean = sum(valid) / len(valid)
        if question.scale.top2 and valid:
            top = sum(1 for v in valid if v in question.scale.top2)
            top2 = (top, top / len(valid))
    return Figures(len(values), counts, mean, top2, numbers)


def close(shown, expected, places: int = 9) -> bool:
    return shown is not None and not isinstance(shown, str) and abs(float(shown) - expected) < 10 ** -places


def _table(rows: list[list], first: tuple) -> tuple[list, list[list]]:
    """(header, body) of the table whose header row starts with `first`."""
    at = next(i for i, r in enumerate(rows) if tuple(r[:len(first)]) == first)
    body = []
    for r in rows[at + 1:]:
        if r[0] is None:
            break
        body.append(r)
    return rows[at], body


class Checked:
    """Counts the figures compared, so a test can say it compared something."""

    def __init__(self) -> None:
        self.figures = 0
        self.hidden = 0

    def equal(self, shown, expected, where) -> None:
        if isinstance(expected, float) or isinstance(shown, float):
            assert close(shown, expected), (where, shown, expected)
        else:
            assert shown == expected, (where, shown, expected)
        self.figures += 1


def hidden_groups(plan: SurveyPlan, label: str) -> set[str]:
    """The municipalities under the threshold in a wave (complementary hiding adds others; not derived here)."""
    return {g for g, a in plan.answers[label].items() if g != NETWORK and len(a) < THRESHOLD}


def check_survey_workbook(app, plan: SurveyPlan, xlsx: bytes, checked: Checked) -> dict[str, set[str]]:
    """Every figure of the survey workbook against the plan; returns the groups each wave hides."""
    with app.app_context():
        q = questionnaire(plan.slug)
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    waves = list(plan.waves)
    # Oversigt: invited, answered, rate per wave and municipality
    _h, body = _table(rows_of(book["Oversigt"]), ("Bølge", "Version"))
    shown_hidden: dict[str, set[str]] = {w: set() for w in waves}
    seen = set()
    for wave, _v, _o, _c, group, invited, answered, rate, _remark in body:
        answers = plan.answers[wave].get(group, [])
        invited_plan = sum(plan.invited.get(wave, {}).values()) if group == NETWORK else \
            plan.invited.get(wave, {}).get(group, 0)
        seen.add((wave, group))
        if answered == HIDDEN:
            assert group != NETWORK, wave
            shown_hidden[wave].add(group)
            checked.hidden += 1
            continue
        checked.equal(answered, len(answers), ("Oversigt", wave, group))
        if invited_plan:
            checked.equal(invited, invited_plan, ("Oversigt invited", wave, group))
            checked.equal(rate, len(answers) / invited_plan, ("Oversigt rate", wave, group))
    for wave in waves:
        assert hidden_groups(plan, wave) <= shown_hidden[wave], (wave, shown_hidden[wave])
        assert {(wave, g) for g in plan.answers[wave]} <= seen, (wave, seen)
    # one sheet per counted question
    sheets = {rows_of(book[name])[0][0]: book[name] for name in book.sheetnames if name[0].isdigit()}
    counted = [x for x in q.questions if x.question_type.tabulated]
    assert set(sheets) == {x.text.da for x in counted}, list(sheets)
    for question in counted:
        header, body = _table(rows_of(sheets[question.text.da]), ("Gruppe", "Svarmulighed"))
        column = {name: i for i, name in enumerate(header)}
        groups = {r[0] for r in body}
        for wave in waves:
            assert set(plan.answers[wave]) <= groups, (question.id, wave, groups)  # every group has its rows
            for r in body:
                group, option, code = r[0], r[1], r[2]
                expected = figures(question, plan.answers[wave].get(group, []))
                count = r[column[f"{wave} (antal)"]] if f"{wave} (antal)" in column else None
                share = r[column[f"{wave} (andel)"]] if f"{wave} (andel)" in column else None
                where = (question.id, wave, group, option)
                if group in shown_hidden[wave] or (group != NETWORK and expected.n < THRESHOLD):
                    assert HIDDEN in (count, share) or (count is None and share is None), where
                    checked.hidden += 1
                    continue
                if count == HIDDEN or share == HIDDEN:  # complementary: hidden with a bigger group
                    checked.hidden += 1
                    continue
                if option == "N (besvarelser)":
                    checked.equal(count, expected.n, where)
                elif option == "Gennemsnit":
                    if expected.mean is None:
                        assert share in (None, "", "–"), where
                    else:
                        checked.equal(share, expected.mean, where)
                elif option.startswith("Top-2"):
                    checked.equal(count, expected.top2[0], where)
                    checked.equal(share, expected.top2[1], where)
                elif code is not None:
                    checked.equal(count, expected.counts.get(code, 0), where)
                    if expected.n:
                        checked.equal(share, expected.share(code), where)
        for a, b in zip(waves, waves[1:]):
            name = f"Ændring {a} → {b} (procentpoint)"
            for r in body:
                group, option, code = r[0], r[1], r[2]
                change = r[column[name]]
                if change in (HIDDEN, None, "") or code is None:
                    continue
                before = figures(question, plan.answers[a].get(group, []))
                after = figures(question, plan.answers[b].get(group, []))
                checked.equal(change, 100 * (after.share(code) - before.share(code)), (question.id, name, group, option))
    # Data and the long CSV: each visible group's codes per question are the plan's; hidden ones merged
    return shown_hidden


def _merged(plan: SurveyPlan, wave: str, hidden: set[str]) -> dict[str, list[dict]]:
    """The plan's answers per group as the row-level outputs list them: hidden groups merged."""
    from exports.anonymity import OTHER_GROUP_LABEL

    groups: dict[str, list[dict]] = {}
    for group, answers in plan.answers[wave].items():
        if group == NETWORK:
            continue
        groups.setdefault(OTHER_GROUP_LABEL if group in hidden else group, []).extend(answers)
    return groups


def check_survey_rows(app, plan: SurveyPlan, xlsx: bytes, csv_bytes: bytes, hidden: dict[str, set[str]],
                      checked: Checked) -> None:
    """The Data sheet and the long CSV hold every counted answer of the plan, by (merged) group."""
    with app.app_context():
        q = questionnaire(plan.slug)
    counted = [x for x in q.questions if x.question_type.tabulated and x.type != "multiple_choice"]
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    header, body = _table(rows_of(book["Data"]), ("Bølge", "Kommune"))
    column = {name: i for i, name in enumerate(header)}
    rows = list(csv.DictReader(io.StringIO(csv_bytes.decode("utf-8-sig")), delimiter=";"))
    for wave in plan.waves:
        if len(plan.answers[wave][NETWORK]) < THRESHOLD:
            assert not [r for r in body if r[0] == wave], wave
            continue
        for group, answers in _merged(plan, wave, hidden[wave]).items():
            lines = [r for r in body if r[0] == wave and r[1] == group]
            checked.equal(len(lines), len(answers), ("Data rows", wave, group))
            in_csv = [r for r in rows if r["bølge"] == wave and r["kommune"] == group]
            checked.equal(len({r["besvarelse"] for r in in_csv}), len(answers), ("CSV responses", wave, group))
            for question in counted:
                listed = sorted(r[column[question.id]] for r in lines if r[column[question.id]] is not None)
                if HIDDEN in listed:
                    checked.hidden += 1
                    continue
                planned = sorted(a[question.id] for a in answers if question.id in a)
                checked.equal(listed, planned, ("Data", wave, group, question.id))
                field_name = "kode" if question.is_coded else "tal"
                codes = sorted(int(r[field_name]) for r in in_csv if r["spørgsmål"] == question.id and r[field_name]
                               and r[field_name] != HIDDEN)
                if codes or planned:
                    checked.equal(codes, sorted(int(v) for v in planned), ("CSV", wave, group, question.id))


# ------------------------------------------------------------------------- Danish figures in text

def number(text: str) -> float | None:
    """A figure as the documents and pages print it ("17,4 %", "−2,6 pp", "+0,26", "23") as a float."""
    match = re.search(r"[+−-]?\d+(?:\.\d{3})*(?:,\d+)?", text.replace("\xa0", " "))
    if not match:
        return None
    value = match.group(0).replace("−", "-").replace(".", "").replace(",", ".")
    return float(value)


def printed(checked: Checked, text: str, expected: float, where, percent: bool = False) -> None:
    """A printed figure equals the plan's to the precision it is printed with."""
    shown = number(text)
    assert shown is not None, (where, text)
    decimals = len(text.replace("\xa0", " ").split(",")[1].split()[0]) if "," in text else 0
    value = expected * 100 if percent else expected
    assert abs(shown - value) <= 0.5 * 10 ** -decimals + 1e-9, (where, text, value)
    checked.figures += 1


def check_survey_report(app, plan: SurveyPlan, document: bytes, hidden: dict[str, set[str]],
                        checked: Checked) -> None:
    """Bilag 2: the response table and each question's table against the plan."""
    with app.app_context():
        q = questionnaire(plan.slug)
    report = docx.Document(io.BytesIO(document))
    tables = [[[c.text for c in row.cells] for row in table.rows] for table in report.tables]
    rates = next(t for t in tables if t[0][:3] == ["Bølge", "Kommune", "Inviterede"])
    for wave, group, invited, answered, rate in rates[1:]:
        if answered == HIDDEN:
            assert group in hidden[wave], (wave, group)
            checked.hidden += 1
            continue
        n = len(plan.answers[wave].get(group, []))
        checked.equal(int(answered), n, ("Bilag 2 rates", wave, group))
        planned = sum(plan.invited.get(wave, {}).values()) if group == NETWORK else plan.invited.get(wave, {}).get(group)
        if planned:
            checked.equal(int(invited), planned, ("Bilag 2 invited", wave, group))
            printed(checked, rate, n / planned, ("Bilag 2 rate", wave, group), percent=True)
    question_tables = [t for t in tables if t[0][:2] == ["Gruppe", "Svarmulighed"]]
    counted = [x for x in q.questions if x.question_type.tabulated]
    assert len(question_tables) == len(counted), len(question_tables)
    waves = list(plan.waves)
    for question, table in zip(counted, question_tables):
        column = {name: i for i, name in enumerate(table[0])}
        group = None
        for row in table[1:]:
            group = row[0] or group
            option = row[1]
            for wave in waves:
                expected = figures(question, plan.answers[wave].get(group, []))
                count, share = row[column[f"{wave}: antal"]], row[column[f"{wave}: andel"]]
                where = ("Bilag 2", question.id, wave, group, option)
                if group in hidden[wave] or (group != NETWORK and expected.n < THRESHOLD):
                    assert HIDDEN in (count, share), where
                    checked.hidden += 1
                    continue
                if HIDDEN in (count, share):
                    checked.hidden += 1
                    continue
                if option == "N (besvarelser)":
                    checked.equal(int(count), expected.n, where)
                elif option == "Gennemsnit":
                    if expected.mean is not None:
                        printed(checked, share, expected.mean, where)
                elif option.startswith("Top-2"):
                    checked.equal(int(count), expected.top2[0], where)
                    printed(checked, share, expected.top2[1], where, percent=True)
                else:
                    code = _code_of(question, option)
                    checked.equal(int(count), expected.counts.get(code, 0), where)
                    if expected.n:
                        printed(checked, share, expected.share(code), where, percent=True)


def _code_of(question: Question, label: str) -> int:
    plain = label.replace(" (manglende værdi)", "").replace(" (missing value)", "")
    return next(o.code for o in question.options if plain in (o.label.da, o.label.en))


def _page_rows(html: str) -> list[list[str]]:
    """The rows of a results-page table as text cells: the row's header, then each cell."""
    rows = []
    for body in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", body, re.S)
        rows.append([re.sub(r"<[^>]+>", " ", c).strip() for c in cells])
    return rows


def check_survey_page(app, plan: SurveyPlan, client, hidden: dict[str, set[str]], checked: Checked) -> None:
    """The results page with the municipalities: the network table per question and the breakdown's N."""
    with app.app_context():
        q = questionnaire(plan.slug)
    ids = "&".join(f"bolge={plan.wave_ids[w]}" for w in plan.waves)
    html = client.get(f"/resultater/survey/{plan.slug}?kommuner=1&{ids}").get_data(as_text=True)
    sections = re.findall(r'<section class="result-question".*?</section>', html, re.S)
    counted = [x for x in q.questions if x.question_type.tabulated]
    assert len(sections) == len(counted), len(sections)
    waves = list(plan.waves)
    for question, section in zip(counted, sections):
        assert question.text.da in section
        tables = re.findall(r"<table.*?</table>", section, re.S)
        network = {w: figures(question, plan.answers[w][NETWORK]) for w in waves}
        for row in _page_rows(tables[0])[1:]:
            label, cells = row[0], row[1:1 + len(waves)]
            for wave, cell in zip(waves, cells):
                where = ("page", question.id, wave, label)
                expected = network[wave]
                if cell == HIDDEN:
                    checked.hidden += 1
                elif label == "N (besvarelser)":
                    checked.equal(int(cell), expected.n, where)
                elif label == "Gennemsnit":
                    if expected.mean is not None:
                        printed(checked, cell, expected.mean, where)
                elif label.startswith("Top-2"):
                    printed(checked, cell.split("(")[0], expected.top2[1], where, percent=True)
                    checked.equal(int(cell.split("(")[1].rstrip(")")), expected.top2[0], where)
                else:
                    code = _code_of(question, label)
                    printed(checked, cell.split("(")[0], expected.share(code), where, percent=True)
                    checked.equal(int(cell.split("(")[1].rstrip(")")), expected.counts.get(code, 0), where)
        if len(tables) > 1:
            for row in _page_rows(tables[1])[1:]:
                group, cells = row[0], row[1:1 + len(waves)]
                for wave, cell in zip(waves, cells):
                    expected = figures(question, plan.answers[wave].get(group, []))
                    if group in hidden[wave] or expected.n < THRESHOLD:
                        assert cell == HIDDEN, ("page breakdown", question.id, wave, group, cell)
                        checked.hidden += 1
                    elif cell != HIDDEN and question.scale is not None and question.scale.top2:
                        printed(checked, cell.split("(")[0], expected.top2[1], ("page", wave, group), percent=True)


def check_survey_texts(app, plan: SurveyPlan, xlsx: bytes, checked: Checked) -> None:
    """The Fritekst sheet: every text of the plan under its municipality (or the merged hidden group), none of a
    question answered by fewer than the threshold in a wave."""
    from exports.anonymity import OTHER_GROUP_LABEL

    with app.app_context():
        q = questionnaire(plan.slug)
    listed_questions = [x for x in q.questions if x.type in ("text", "textarea")]
    if not listed_questions:
        return
    _h, body = _table(rows_of(openpyxl.load_workbook(io.BytesIO(xlsx))["Fritekst"]), ("Spørgsmål", "Bølge"))
    for wave in plan.waves:
        for question in listed_questions:
            planned = [(g, a[question.id]) for g, answers in plan.answers[wave].items() if g != NETWORK
                       for a in answers if question.id in a]
            shown = [(r[2], r[3]) for r in body if r[1] == wave and str(r[3]).endswith(f"om {question.id}")]
            if len(planned) < THRESHOLD:
                assert not shown, (wave, question.id, shown)
                checked.hidden += len(planned)
                continue
            checked.equal(sorted(t for _g, t in shown), sorted(t for _g, t in planned), ("Fritekst", wave, question.id))
            for group, text in shown:
                assert group == OTHER_GROUP_LABEL or (group, text) in planned, (wave, group, text)


def check_survey(app, client, plan: SurveyPlan) -> Checked:
    """Every export of a survey and its results page, read back and recomputed from the plan."""
    checked = Checked()
    files = download(client, "survey", plan.slug)
    hidden = check_survey_workbook(app, plan, files["xlsx"], checked)
    check_survey_rows(app, plan, files["xlsx"], files["csv"], hidden, checked)
    check_survey_texts(app, plan, files["xlsx"], checked)
    check_survey_report(app, plan, download(client, "report-survey", plan.slug,
                                            [plan.wave_ids[w] for w in plan.waves])["docx"], hidden, checked)
    check_survey_page(app, plan, client, hidden, checked)
    return checked


# ---------------------------------------------------------------------------------------------- supervision

@dataclass
class SupervisionPlan:
    """A seed's supervision: per round (oldest first, with its July start) and municipality slug, (cases
    reviewed in the drawn sample, cases reviewed outside it). Every case of a municipality is on its case list;
    the sample is the first cases of the list. A round without a sample counts every reviewed case."""

    slug: str
    rounds: dict[str, dict[str, tuple[int, int]]]
    seed: int
    sampled: bool = True
    # filled in: records[round][group] = the counted answer dicts; outside[round][group] = the others
    records: dict[str, dict[str, list[dict]]] = field(default_factory=dict)
    outside: dict[str, dict[str, list[dict]]] = field(default_factory=dict)
    round_ids: dict[str, int] = field(default_factory=dict)
    texts: dict[str, list[tuple[str, str, str, bool]]] = field(default_factory=dict)  # round: (group, qid, text, counted)


def log_supervision(app, make_user, login, plan: SupervisionPlan) -> SupervisionPlan:
    """Plan the rounds and case lists, then each municipality's team leader logs the reviewed cases through the
    record form (CSRF token read from the page)."""
    from datetime import date

    from app.models import CaseListEntry, SupervisionRound
    from tests.supervision.conftest import post_form

    rng = random.Random(plan.seed)
    with app.app_context():
        names = municipality_names()
        q = questionnaire(plan.slug)
        places = {m.slug: m for m in db.session.scalars(select(Municipality))}
        for i, (label, sizes) in enumerate(plan.rounds.items()):
            start = date(2019 + i, 7, 1)
            round_ = SupervisionRound(questionnaire_version=latest_version(plan.slug), label=label,
                                      period_start=start, period_end=date(start.year, 7, 31), status="open",
                                      municipalities=[places[s] for s in sizes])
            db.session.add(round_)
            db.session.flush()
            plan.round_ids[label] = round_.id
            for slug, (inside, outside) in sizes.items():
                for n in range(inside + outside):
                    sampled = plan.sampled and n < inside
                    db.session.add(CaseListEntry(round_id=round_.id, municipality_id=places[slug].id,
                                                 case_reference=f"{slug[:3].upper()}-{start.year}-{n + 1:02d}",
                                                 sample_rank=n + 1 if sampled else None,
                                                 sample_seed="plan" if plan.sampled else None))
        db.session.commit()
    leaders = {}
    for slug in {s for sizes in plan.rounds.values() for s in sizes}:
        _id, email, password = make_user("team_leader", slug)
        leaders[slug] = app.test_client()
        login(leaders[slug], email, password)
    for label, sizes in plan.rounds.items():
        counted: dict[str, list[dict]] = {NETWORK: []}
        apart: dict[str, list[dict]] = {}
        year = 2019 + list(plan.rounds).index(label)
        for slug, (inside, outside) in sizes.items():
            for n in range(inside + outside):
                answers = random_answer(rng, q.questions, skip_optional=0.1)
                reference = f"{slug[:3].upper()}-{year}-{n + 1:02d}"
                inside_sample = n < inside or not plan.sampled
                mark = {} if inside_sample else {"outside_sample": "y"}  # the box the form asks to tick
                sent = post_form(leaders[slug], f"/tilsyn/runder/{plan.round_ids[label]}/sager/ny",
                                 {"case_reference": reference, "comment": "", **mark, **form_fields(answers)})
                assert sent.status_code == 302, sent.get_data(as_text=True)[:3000]
                (counted.setdefault(names[slug], []) if inside_sample else apart.setdefault(names[slug], [])
                 ).append(answers)
                if inside_sample:
                    counted[NETWORK].append(answers)
                for question in q.questions:
                    if question.type in ("text", "textarea") and question.id in answers:
                        plan.texts.setdefault(label, []).append(
                            (names[slug], question.id, answers[question.id], inside_sample))
        plan.records[label], plan.outside[label] = counted, apart
    with app.app_context():
        for round_id in plan.round_ids.values():
            db.session.get(SupervisionRound, round_id).status = "closed"
        db.session.commit()
    return plan


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def municipality_names_by_round(app, plan: SupervisionPlan) -> dict[str, list[str]]:
    with app.app_context():
        names = municipality_names()
    return {label: [names[s] for s in sizes] for label, sizes in plan.rounds.items()}


def _round_groups(plan: SupervisionPlan, label: str) -> dict[str, list[dict]]:
    groups = dict(plan.records[label])
    for slug_name in plan.outside[label]:
        groups.setdefault(slug_name, [])
    return groups


def check_supervision_workbook(app, plan: SupervisionPlan, xlsx: bytes, checked: Checked) -> None:
    """Every figure of the supervision workbook against the plan (no anonymity rule: a coordinator's tallies)."""
    with app.app_context():
        q = questionnaire(plan.slug)
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    rounds = list(plan.rounds)
    _h, body = _table(rows_of(book["Oversigt"]), ("Runde", "Periode fra"))
    assert len(body) == sum(len(s) + 1 for s in plan.rounds.values()), body
    for label, _start, _end, group, reviewed, apart in body:
        checked.equal(reviewed, len(plan.records[label].get(group, [])), ("Oversigt", label, group))
        expected_apart = sum(len(v) for v in plan.outside[label].values()) if group == NETWORK else \
            len(plan.outside[label].get(group, []))
        checked.equal(apart, expected_apart, ("Oversigt outside", label, group))
    if plan.sampled:
        _h, body = _table(rows_of(book["Dækning"]), ("Runde", "Kommune"))
        for label, group, listed, sample, reviewed, apart, included in body:
            inside, outside = len(plan.records[label].get(group, [])), len(plan.outside[label].get(group, []))
            for shown, expected in ((listed, inside + outside), (sample, inside), (reviewed, inside),
                                    (apart, outside), (included, 0)):
                checked.equal(shown, expected, ("Dækning", label, group))
    sheets = {rows_of(book[name])[0][0]: book[name] for name in book.sheetnames if name[0].isdigit()}
    counted = [x for x in q.questions if x.question_type.tabulated]
    assert set(sheets) == {x.text.da for x in counted}, list(sheets)
    names = [name for name in book.sheetnames if name[0].isdigit()]
    assert [int(n.split(".")[0]) for n in names] == sorted(int(n.split(".")[0]) for n in names)  # questionnaire order
    for question in counted:
        header, body = _table(rows_of(sheets[question.text.da]), ("Runde", "Kommune"))
        column = {name: i for i, name in enumerate(header)}
        names_of = municipality_names_by_round(app, plan)
        assert {(r[0], r[1]) for r in body} == {(label, g) for label in rounds for g in [NETWORK, *names_of[label]]}
        previous: dict[str, Figures] = {}
        for r in body:
            label, group = r[0], r[1]
            answers = plan.records[label].get(group, [])
            expected = figures(question, answers)
            where = ("tilsyn", question.id, label, group)
            checked.equal(r[column["Gennemgåede sager"]], len(answers), where)
            checked.equal(r[column["Besvaret (N)"]], expected.n, where)
            if question.type == "number":
                unit = question.unit.da if question.unit else ""
                if expected.n:
                    checked.equal(r[column[f"Gennemsnit ({unit})"]], expected.mean, where)
                    checked.equal(r[column[f"Median ({unit})"]], _median(expected.numbers), where)
                    checked.equal(r[column[f"Minimum ({unit})"]], min(expected.numbers), where)
                    checked.equal(r[column[f"Maksimum ({unit})"]], max(expected.numbers), where)
                change = r[column[f"Ændring i gennemsnit fra forrige runde ({unit})"]]
                before = previous.get(group)
                if before is not None and before.n and expected.n:
                    checked.equal(change, expected.mean - before.mean, where)
                else:
                    assert change in (None, ""), where
                previous[group] = expected
                continue
            for option in question.options:
                checked.equal(r[column[f"{option.label.da} (antal)"]], expected.counts.get(option.code, 0), where)
                if expected.n:
                    checked.equal(r[column[f"{option.label.da} (andel)"]], expected.share(option.code), where)
    # Sammenligning: the change between consecutive rounds, per option and group
    header, body = _table(rows_of(book["Sammenligning"]), ("Spørgsmål", "Kommune"))
    column = {name: i for i, name in enumerate(header)}
    by_number = {int(name.split(".")[0]): rows_of(sheets_q)[0][0] for name, sheets_q in
                 ((n, book[n]) for n in names)}
    for r in body:
        question = next(x for x in counted if x.text.da == by_number[int(r[0].split(".")[0])])
        group, option, code = r[1], r[2], r[3]
        for a, b in zip(rounds, rounds[1:]):
            before = figures(question, plan.records[a].get(group, []))
            after = figures(question, plan.records[b].get(group, []))
            where = ("Sammenligning", question.id, group, option, a, b)
            if option == "Besvaret (N)":
                checked.equal(r[column[f"{a} (antal)"]], before.n, where)
                checked.equal(r[column[f"{b} (antal)"]], after.n, where)
            elif before.n and after.n:
                checked.equal(r[column[f"Ændring {a} → {b} (procentpoint)"]],
                              100 * (after.share(code) - before.share(code)), where)
    # Sager: every reviewed case, marked in or outside the sample
    _h, body = _table(rows_of(book["Sager"]), ("Runde", "Kommune"))
    for label in rounds:
        for group in _round_groups(plan, label):
            if group == NETWORK:
                continue
            lines = [r for r in body if r[0] == label and r[1] == group]
            inside, outside = len(plan.records[label].get(group, [])), len(plan.outside[label].get(group, []))
            checked.equal(len(lines), inside + outside, ("Sager", label, group))
            if plan.sampled:
                checked.equal(sum(1 for r in lines if r[3] == "udenfor stikprøven"), outside, ("Sager", label, group))


def check_supervision_report(app, plan: SupervisionPlan, document: bytes, checked: Checked) -> None:
    """Bilag 1: each question's table per round and municipality, and the free texts' appendix."""
    with app.app_context():
        q = questionnaire(plan.slug)
    report = docx.Document(io.BytesIO(document))
    tables = [[[c.text for c in row.cells] for row in table.rows] for table in report.tables]
    counted = [x for x in q.questions if x.question_type.tabulated]
    per_question = [t for t in tables if t[0][:4] == ["Runde", "Kommune", "Gennemgåede sager", "Besvaret (N)"]]
    assert len(per_question) == len(counted), len(per_question)
    for question, table in zip(counted, per_question):
        if question.type == "number":
            header, body = table[0], table[1:]
        else:
            header = [f"{a}: {b}" if b in ("antal", "andel") else a for a, b in zip(table[0], table[1])]
            body = table[2:]
        column = {name: i for i, name in enumerate(header)}
        for r in body:
            label, group = r[0], r[1]
            answers = plan.records[label].get(group, [])
            expected = figures(question, answers)
            where = ("Bilag 1", question.id, label, group)
            checked.equal(int(r[2]), len(answers), where)
            checked.equal(int(r[3]), expected.n, where)
            if question.type == "number":
                unit = question.unit.da if question.unit else ""
                if expected.n:
                    printed(checked, r[column[f"Gennemsnit ({unit})"]], expected.mean, where)
                    printed(checked, r[column[f"Median ({unit})"]], _median(expected.numbers), where)
                continue
            for option in question.options:
                checked.equal(int(r[column[f"{option.label.da}: antal"]]), expected.counts.get(option.code, 0), where)
                if expected.n:
                    printed(checked, r[column[f"{option.label.da}: andel"]], expected.share(option.code), where,
                            percent=True)
    lines = [p.text for p in report.paragraphs] + [" | ".join(row) for t in tables for row in t]
    for label, entries in plan.texts.items():
        for group, _qid, answer, counted_text in entries:
            line = next((x for x in lines if answer in x), None)
            assert line is not None, ("Bilag 1 free text", label, group, answer)
            assert ("udenfor stikprøven" in line) != counted_text, ("Bilag 1 free text scope", line)
            checked.figures += 1


def check_supervision_page(app, plan: SupervisionPlan, client, checked: Checked) -> None:
    """The supervision results page with every municipality: counts and shares per round, questions numbered as
    the exporter numbers them."""
    with app.app_context():
        q = questionnaire(plan.slug)
    html = client.get(f"/resultater/tilsyn/{plan.slug}?kommune=alle").get_data(as_text=True)
    sections = {int(n): s for n, s in re.findall(r'<section class="result-question" aria-labelledby="q-(\d+)">(.*?)'
                                                 r'</section>', html, re.S)}
    rounds = list(plan.rounds)
    counted = [x for x in q.questions if x.question_type.tabulated]
    for number, question in enumerate(q.questions, start=1):
        if question not in counted:
            continue
        section = sections[number]
        assert f"{number}. {question.text.da}" in section, (number, question.id)
        if question.type == "number":
            continue
        for row in _page_rows(section)[1:]:
            group, option, cells = row[0], row[1], row[2:2 + len(rounds)]
            group = NETWORK if group == "Hele netværket" else group
            for label, cell in zip(rounds, cells):
                expected = figures(question, plan.records[label].get(group, []))
                where = ("tilsyn page", question.id, label, group, option)
                if cell == "–":  # nothing to show: nobody answered it
                    assert expected.n == 0, where
                    checked.figures += 1
                elif option == "Besvaret (N)":
                    checked.equal(int(cell), expected.n, where)
                elif cell:
                    code = _code_of(question, option)
                    checked.equal(int(cell.split("(")[0]), expected.counts.get(code, 0), where)
                    if expected.n:
                        printed(checked, cell.split("(")[1].rstrip(")"), expected.share(code), where, percent=True)
    items = re.findall(r"<li>(.*?)</li>", html, re.S)
    for label, entries in plan.texts.items():
        for _group, _qid, answer, counted_text in entries:
            item = next((x for x in items if answer in x), None)
            assert item is not None, ("page free text", label, answer)
            assert ("udenfor stikprøven, ikke talt med" in item) != counted_text, ("page free text scope", item)
            checked.figures += 1
    return html


def check_supervision(app, client, plan: SupervisionPlan) -> tuple[Checked, str, bytes]:
    checked = Checked()
    check_supervision_workbook(app, plan, download(client, "supervision", plan.slug)["xlsx"], checked)
    report = download(client, "report-supervision", plan.slug)["docx"]
    check_supervision_report(app, plan, report, checked)
    html = check_supervision_page(app, plan, client, checked)
    return checked, html, report

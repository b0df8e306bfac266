"""The supervision results page: rounds side by side per question and municipality, beside the survey results.

Same access as the survey results: coordinators see every municipality, a team leader their own and the
network. The figures are the workbook's own (exports/supervision.py), shown with the page's labels.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, render_template, request
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_login import current_user

from app.access import role_required
from app.i18n import current_lang
from app.charts import stacked_bars
from app.supervision.results import supervision_data
from exports import comparability
from exports.comparability import NOT_COMPARABLE
from exports.supervision import SupervisionExporter
from exports.survey_tables import caption
from exports.survey_data import NETWORK
from exports.tables import Typed
from forms import Question
from forms.types.base import Tabulation

bp = Blueprint("supervision_results", __name__, url_prefix="/resultater/tilsyn")
results_access = role_required("coordinator", "team_leader")


@dataclass
class CountedQuestion:
    question: Question
    rows: list[dict[str, Any]]  # group, label, cells per round (count, share), changes per pair
    chart: Any
    notes: list[str]  # the condition in words, why and since when a change is not shown
    number: int = 0  # the question's number in the questionnaire, as the workbook and Bilag 1 number it
    kind: str = "counted"


@dataclass
class NumberQuestion:
    question: Question
    rows: list[dict[str, Any]]  # round, group, n, mean, median, minimum, maximum, change, p, marker
    notes: list[str]
    number: int = 0
    kind: str = "number"


@bp.route("/<slug>")
@results_access
def show(slug: str):
    own = None if current_user.is_coordinator else current_user.municipality_id
    try:
        data = supervision_data(slug, only_municipality=own)
    except LookupError:
        abort(404)
    exporter = SupervisionExporter(data)
    municipalities = [(m, data.municipalities[m]) for m in exporter.groups[1:]]
    choice = request.args.get("kommune", "")
    if not current_user.is_coordinator or choice not in {str(m) for m, _n in municipalities} | {"alle"}:
        choice = ""  # a team leader always sees their own municipality and the network, nothing else
    if not current_user.is_coordinator or choice == "alle":
        shown = set(exporter.groups)
    else:
        shown = {NETWORK} | ({int(choice)} if choice else set())
    focus = next((g for g in exporter.groups[1:] if g in shown), NETWORK) if len(shown) <= 2 else NETWORK
    lang = current_lang()
    questions = []  # in questionnaire order, whatever their kind
    for index, question in enumerate(data.questions):
        tabulation = question.question_type.tabulation
        if tabulation is Tabulation.OPTIONS:
            questions.append(_counted(exporter, question, shown, focus, lang, f"chart-{index}"))
        elif tabulation is Tabulation.NUMERIC:
            questions.append(_numbers(exporter, question, shown))
    # coverage of every municipality the user may see, whatever the tables show
    coverage = [c for c in data.coverage if own is None or c.municipality_id == own]
    return render_template(
        "supervision/results.html", data=data, slug=slug, questions=questions,
        coverage=coverage, rounds={r.id: r.label for r in data.rounds}, choice=choice,
        municipalities=municipalities, group_name=lambda g: _group_name(data, g),
        texts=_free_texts(exporter, lang) if current_user.is_coordinator else None)


def _group_name(data, group) -> str:
    return _("Hele netværket") if group is NETWORK else data.municipalities.get(group, str(group))


def _counted(exporter: SupervisionExporter, question: Question, shown: set, focus, lang: str,
             chart_id: str) -> CountedQuestion:
    labels = {o.code: o.label.get(lang) for o in question.options}
    names = {exporter.group_label(g): g for g in exporter.groups}
    nr = len(exporter.data.rounds)
    rows = []
    for row in exporter.comparison_rows(question):
        group = names[row[0]]
        if group not in shown:
            continue
        counts, shares, changes = row[3:3 + nr], row[3 + nr:3 + 2 * nr], row[3 + 2 * nr:]
        rows.append({"group": group, "code": row[2], "label": labels.get(row[2], _("Besvaret (N)")),
                     "cells": list(zip(counts, shares)),
                     "changes": [(changes[i], changes[i + 1]) for i in range(0, len(changes), 2)]})
    series = [(r["label"], [s for _c, s in r["cells"]]) for r in rows if r["group"] == focus and r["code"] is not None]
    title = _("%(question)s – %(group)s, fordeling pr. runde", question=question.text.get(lang),
              group=_group_name(exporter.data, focus))
    chart = stacked_bars(chart_id, title, [r.label for r in exporter.data.rounds], series, _("ingen svar"))
    return CountedQuestion(question, rows, chart, _notes(exporter, question, lang), exporter.numbers[question.id])


def _notes(exporter: SupervisionExporter, question: Question, lang: str) -> list[str]:
    """The condition in words and the comparability note, in the page's language."""
    notes = []
    condition = question.condition
    asked = next((q for q in exporter.data.questions if q.id == condition.question), None) if condition else None
    if asked is not None:
        labels = _(" eller ").join(o.label.get(lang) for o in asked.options if o.code in condition.codes)
        notes.append(_("Stilles kun, når '%(question)s' er besvaret med %(labels)s.",
                       question=caption(exporter.numbers[asked.id], asked.text.get(lang), 50), labels=labels))
    rounds = [r for r in exporter.data.rounds if r.fingerprints is not None]
    found = comparability.breaks(question.id, rounds)
    if found:
        notes.append(_("Spørgsmålet er ændret fra og med %(rounds)s: formulering, type, skala eller svarmuligheder "
                       "er ikke de samme, så ændringen og testen beregnes ikke.",
                       rounds=", ".join(_("%(after)s (før: %(before)s)", after=b.label, before=a.label)
                                        for a, b in found)))
    return notes


def _numbers(exporter: SupervisionExporter, question: Question, shown: set) -> NumberQuestion:
    table = exporter.question_table(question, question.id)
    names = {exporter.group_label(g): g for g in exporter.groups}
    labels = {r.label for r in exporter.data.rounds}
    rows = []
    for row in table.rows:
        group = names.get(row[1])
        if group in shown and row[0] in labels:
            n, mean, median, low, high, change, p, mark = row[3], *row[-7:]
            rows.append({"round": row[0], "group": group, "n": n, "mean": mean, "median": median,
                         "min": low, "max": high, "change": change, "p": p, "mark": mark})
    return NumberQuestion(question, rows, _notes(exporter, question, current_lang()), exporter.numbers[question.id])


def _free_texts(exporter: SupervisionExporter, lang: str) -> list[dict[str, Any]]:
    """Per listed question (and the record's comment), per round: each municipality's texts in turn."""
    frame = exporter.data.answers
    result = []
    for question in exporter.data.questions:
        if question.question_type.tabulation is not Tabulation.LISTED:
            continue
        column = question.question_type.column  # the answers column its values are stored in
        rows = frame[frame["question_id"] == question.id]
        per_round = []
        for round_ in exporter.data.rounds:
            items = [(exporter.group_label(int(m)), _case(case, outside, counted),
                      question.question_type.readable(question, question.question_type.read([v]), lang))
                     for m, case, v, outside, counted in rows[rows["round_id"] == round_.id][
                         ["municipality_id", "case_reference", column, "outside", "counted"]].itertuples(index=False)]
            per_round.append((round_.label, [i for i in items if i[2] not in (None, "")]))
        result.append({"title": question.text.get(lang), "rounds": per_round})
    records = exporter.all_records
    per_round = []
    for round_ in exporter.data.rounds:
        subset = records[(records["round_id"] == round_.id) & records["comment"].notna()]
        per_round.append((round_.label, [(exporter.group_label(int(m)), _case(case, outside, counted), comment)
                                         for m, case, comment, outside, counted
                                         in subset[["municipality_id", "case_reference", "comment", "outside",
                                                    "counted"]].itertuples(index=False) if comment]))
    result.append({"title": _("Bemærkninger til sagerne"), "rounds": per_round})
    return result


def _case(reference: str, outside: Any, counted: Any) -> str:
    """A free text's case as Bilag 1 names it: a case reviewed outside the sample says so, and whether it counts."""
    if not outside:
        return reference
    scope = _("udenfor stikprøven, medtaget") if counted else _("udenfor stikprøven, ikke talt med")
    return f"{reference} ({scope})"


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Typed) else value


@bp.app_template_filter("format_share")
def format_share(value: Any) -> str:
    value = _plain(value)
    return "" if value is None else format_percent(value, "#,##0.0 %")


@bp.app_template_filter("format_pp")
def format_pp(value: Any) -> str:
    value = _plain(value)
    if value == NOT_COMPARABLE:
        return _("ikke sammenlignelig")
    return "" if value is None else format_decimal(value, "+#,##0.0;-#,##0.0")


@bp.app_template_filter("format_diff")
def format_diff(value: Any) -> str:
    value = _plain(value)
    if value == NOT_COMPARABLE:
        return _("ikke sammenlignelig")
    return "" if value is None else format_decimal(value, "+#,##0.00;-#,##0.00")


@bp.app_template_filter("format_p")
def format_p(value: Any) -> str:
    value = _plain(value)
    return "" if value is None else format_decimal(value, "0.000")


@bp.app_template_filter("format_mean")
def format_mean(value: Any) -> str:
    value = _plain(value)
    return "" if value is None else format_decimal(value, "#,##0.0")

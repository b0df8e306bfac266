"""The results page: per question one table (options as rows, the chosen waves as columns), the change with
its significance marker, a chart, and the municipality breakdown on demand; all from the aggregates."""
from __future__ import annotations

from dataclasses import dataclass, field

from functools import lru_cache

from babel.numbers import parse_pattern
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from app.results.charts import stacked_bars
from exports.significance import TestResult, rank_test, two_proportions
from exports.survey_data import NETWORK, SurveyData, WaveInfo
from exports.survey_tables import Figures, question_figures, test_means
from forms import Question
from forms.types.base import Tabulation


@lru_cache(maxsize=16)
def _pattern(pattern: str):
    return parse_pattern(pattern)


def format_decimal(value: float, pattern: str) -> str:
    """The number in the page's locale (Babel's pattern, parsed once: a page formats hundreds of figures)."""
    return _pattern(pattern).apply(value, get_locale())


def format_percent(value: float, pattern: str) -> str:
    return _pattern(pattern).apply(value, get_locale())


@dataclass
class Cell:
    """One shown figure: text, or hidden, or nothing."""

    text: str = ""
    hidden: bool = False


@dataclass
class Change:
    text: str = ""
    marker: str = ""
    significant: bool = False
    hidden: bool = False


@dataclass
class PageRow:
    label: str
    cells: list[Cell]
    changes: list[Change]
    kind: str = "option"  # option | n | mean | top2


@dataclass
class PageQuestion:
    number: int
    title: str
    rows: list[PageRow]
    chart: Markup | None
    breakdown_measure: str
    breakdown: list[PageRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def default_waves(waves: list[WaveInfo]) -> list[int]:
    """The two newest waves that share a comparable question (else the two newest, or the one)."""
    for later in range(len(waves) - 1, 0, -1):
        for earlier in range(later - 1, -1, -1):
            a, b = waves[earlier].fingerprints, waves[later].fingerprints
            if any(b.get(qid) == fingerprint for qid, fingerprint in a.items()):
                return [waves[earlier].id, waves[later].id]
    return [w.id for w in waves[-2:]]


def page_questions(data: SurveyData, lang: str, breakdown: bool) -> list[PageQuestion]:
    per_question = data.aggregates.per_question()
    empty: tuple[list, list] = ([], [])
    result = []
    for question in data.questions:
        if not question.kind.tabulated:
            continue
        figures = question_figures(data, question, *per_question.get(question.id, empty))
        result.append(_question(data, question, figures, lang, breakdown))
    return result


def _question(data: SurveyData, question: Question, figures: dict, lang: str, breakdown: bool) -> PageQuestion:
    kind = question.kind
    number = data.number_of(question.id)
    rows: list[PageRow] = []
    network = {w.id: figures[(NETWORK, w.id)] for w in data.waves}
    if kind.tabulation is Tabulation.OPTIONS:
        for option in question.options:
            label = option.label.get(lang) + (" " + _("(manglende værdi)") if option.missing else "")
            rows.append(_share_row(data, question, label, network,
                                   lambda f, c=option.code: (f.counts.get(c, 0), f.n), "option"))
    rows.append(PageRow(_("N (besvarelser)"), [_count(data, question, w, network[w.id]) for w in data.waves],
                        [Change() for _pair in data.waves[1:]], "n"))
    if kind.has_mean(question):
        rows.append(_mean_row(data, question, network))
    if kind.has_top2(question):
        top = _("Top-2: %(options)s", options=" + ".join(question.scale.label(c, lang) for c in question.scale.top2))
        rows.append(_share_row(data, question, top, network, lambda f: (f.top2, f.valid), "top2"))
    if kind.has_top2(question):
        measure = _("Top-2-andel")
    elif kind.has_mean(question):
        measure = _("Gennemsnit")
    else:
        measure = _("N (besvarelser)")
    groups: list[PageRow] = []
    if breakdown:
        for group in data.groups[1:]:
            own = {w.id: figures[(group, w.id)] for w in data.waves}
            if kind.has_top2(question):
                row = _share_row(data, question, data.group_label(group), own, lambda f: (f.top2, f.valid), "top2")
            elif kind.has_mean(question):
                row = _mean_row(data, question, own, data.group_label(group))
            else:
                row = PageRow(data.group_label(group), [_count(data, question, w, own[w.id]) for w in data.waves],
                              [Change() for _pair in data.waves[1:]], "n")
            groups.append(row)
    notes = []
    if not all(data.comparable(question.id, a, b) for a, b in zip(data.waves, data.waves[1:])):
        notes.append(_("Formulering eller skala er ændret mellem bølgerne: ændringen beregnes ikke."))
    return PageQuestion(number, f"{number}. {question.text.get(lang)}", rows, _chart(data, question, network, lang),
                        measure, groups, notes)


def _asked(question: Question, wave: WaveInfo) -> bool:
    return wave.fingerprints.get(question.id) is not None


def _count(data: SurveyData, question: Question, wave: WaveInfo, f: Figures) -> Cell:
    if not _asked(question, wave):
        return Cell()
    if f.hidden:
        return Cell(_("skjult"), True)
    return Cell(format_decimal(f.n, "#,##0"))


def _share_row(data: SurveyData, question: Question, label: str, by_wave: dict[int, Figures], part, kind: str) -> PageRow:
    cells = []
    for wave in data.waves:
        f = by_wave[wave.id]
        if not _asked(question, wave):
            cells.append(Cell())
        elif f.hidden:
            cells.append(Cell(_("skjult"), True))
        else:
            x, n = part(f)
            cells.append(Cell(f"{format_percent(x / n, '#,##0.0 %')} ({format_decimal(x, '#,##0')})" if n else "–"))

    def test(fa: Figures, fb: Figures) -> tuple[float | None, TestResult | None]:
        (xa, na), (xb, nb) = part(fa), part(fb)
        if not na or not nb:
            return None, None
        return (xb / nb - xa / na) * 100, two_proportions(xa, na, xb, nb)

    return PageRow(label, cells, _changes(data, question, by_wave, test, "+#,##0.0;-#,##0.0", _("pp")), kind)


def _mean_row(data: SurveyData, question: Question, by_wave: dict[int, Figures], label: str | None = None) -> PageRow:
    cells = []
    for wave in data.waves:
        f = by_wave[wave.id]
        if not _asked(question, wave):
            cells.append(Cell())
        elif f.hidden:
            cells.append(Cell(_("skjult"), True))
        else:
            cells.append(Cell(format_decimal(f.mean, "#,##0.00") if f.mean is not None else "–"))
    valid = set(question.scale.valid_codes) if question.scale else set()
    ordinal = question.kind.tabulation is Tabulation.OPTIONS

    def test(fa: Figures, fb: Figures) -> tuple[float | None, TestResult | None]:
        if fa.mean is None or fb.mean is None:
            return None, None
        result = rank_test({c: k for c, k in fa.counts.items() if c in valid},
                           {c: k for c, k in fb.counts.items() if c in valid}) if ordinal else test_means(fa, fb)
        return fb.mean - fa.mean, result

    return PageRow(label or _("Gennemsnit"), cells, _changes(data, question, by_wave, test, "+#,##0.00;-#,##0.00", ""),
                   "mean")


def _changes(data: SurveyData, question: Question, by_wave: dict[int, Figures], test, pattern: str,
             unit: str) -> list[Change]:
    changes = []
    for before, after in zip(data.waves, data.waves[1:]):
        fa, fb = by_wave[before.id], by_wave[after.id]
        if not (_asked(question, before) and _asked(question, after)):
            changes.append(Change())
        elif not data.comparable(question.id, before, after):
            changes.append(Change(_("ikke sammenlignelig")))
        elif fa.hidden or fb.hidden:
            changes.append(Change(_("skjult"), hidden=True))
        else:
            delta, result = test(fa, fb)
            if delta is None:
                changes.append(Change("–"))
                continue
            text = format_decimal(delta, pattern) + (f" {unit}" if unit else "")
            if result is None:
                changes.append(Change(text))
            elif result.significant:
                changes.append(Change(text, _("signifikant (p < 0,05)"), True))
            else:
                changes.append(Change(text, _("kan skyldes tilfældigheder")))
    return changes


def _chart(data: SurveyData, question: Question, network: dict[int, Figures], lang: str) -> Markup | None:
    if question.kind.tabulation is not Tabulation.OPTIONS:
        return None
    series = []
    for option in question.options:
        values = []
        for wave in data.waves:
            f = network[wave.id]
            if not _asked(question, wave):
                values.append(None)
            elif f.hidden:
                values.append("hidden")
            else:
                values.append(f.counts.get(option.code, 0) / f.n if f.n else None)
        series.append((option.label.get(lang), values))
    number = data.number_of(question.id)
    title = _("Spørgsmål %(number)s – netværket i alt, fordeling pr. bølge", number=number)
    return stacked_bars(f"chart-{number}", title, [w.label for w in data.waves], series, _("skjult"),
                        stacked=not question.kind.multiple)

"""The results page: per question one table (options as rows, the chosen waves as columns), the change with
its significance marker, a chart, and the municipality breakdown on demand; all from the aggregates."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from babel.numbers import get_decimal_symbol, get_group_symbol, parse_pattern
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from app.charts import stacked_bars
from exports import comparability
from exports.significance import TestResult, rank_test, two_proportions
from exports.survey_data import NETWORK, SurveyData, WaveInfo
from exports.survey_suppression import Disclosure
from exports.survey_tables import Figures, question_figures, test_means
from forms import Question
from forms.types.base import Tabulation


@lru_cache(maxsize=64)
def _form(pattern: str, locale: str) -> tuple[int, int, tuple[str, str], tuple[str, str], dict[int, str]]:
    """What a Babel pattern asks for, read once per pattern and locale: decimals, scale, prefixes,
    suffixes, and the locale's decimal and group symbols as a translation table."""
    parsed = parse_pattern(pattern)
    symbols = str.maketrans({".": get_decimal_symbol(locale), ",": get_group_symbol(locale)})
    return parsed.frac_prec[1], parsed.scale, parsed.prefix, parsed.suffix, symbols


def format_decimal(value: float, pattern: str, locale: str | None = None) -> str:
    """The number in the page's locale, as Babel's `pattern.apply` writes it (a test compares the two for
    every pattern the page uses): half-even rounding of the decimal value, the locale's symbols. Written
    out because a page formats hundreds of figures and Babel's general path costs a tenth of the page."""
    decimals, scale, prefix, suffix, symbols = _form(pattern, locale or str(get_locale()))
    number = Decimal(str(value))
    if scale:
        number = number.scaleb(scale)
    negative = int(number.is_signed())
    rounded = abs(number).quantize(Decimal(1).scaleb(-decimals))
    return f"{prefix[negative]}{format(rounded, f',.{decimals}f').translate(symbols)}{suffix[negative]}"


@dataclass(frozen=True)
class _Page:
    """What every figure of one page shares: its language and locale, and the words it repeats, translated
    once rather than for each of its hundreds of cells."""

    lang: str
    locale: str
    hidden: str
    pp: str
    significant: str
    chance: str
    not_comparable: str
    missing: str
    n: str
    mean: str

    @classmethod
    def current(cls, lang: str) -> _Page:
        return cls(lang, str(get_locale() or lang), _("skjult"), _("pp"), _("signifikant (p < 0,05)"),
                   _("kan skyldes tilfældigheder"), _("ikke sammenlignelig"), _("(manglende værdi)"),
                   _("N (besvarelser)"), _("Gennemsnit"))

    def number(self, value: float, pattern: str) -> str:
        return format_decimal(value, pattern, self.locale)


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
    page = _Page.current(lang)
    disclosure = Disclosure(data, per_question)  # the exports' one decision of what is hidden, read from the same aggregates
    result = []
    for question in data.questions:
        if not question.question_type.tabulated:
            continue
        figures = question_figures(data, question, *per_question.get(question.id, empty),
                                   groups=None if breakdown else [NETWORK], rules=disclosure.counted_rule(question.id))
        result.append(_question(data, question, figures, page, breakdown))
    return result


def _question(data: SurveyData, question: Question, figures: dict, page: _Page, breakdown: bool) -> PageQuestion:
    qtype = question.question_type
    lang = page.lang
    number = data.number_of(question.id)
    rows: list[PageRow] = []
    network = {w.id: figures[(NETWORK, w.id)] for w in data.waves}
    if qtype.tabulation is Tabulation.OPTIONS:
        for option in question.options:
            label = option.label.get(lang) + (" " + page.missing if option.missing else "")
            rows.append(_share_row(data, question, label, network,
                                   lambda f, c=option.code: (f.counts.get(c, 0), f.n), "option", page))
    rows.append(PageRow(page.n, [_count(question, w, network[w.id], page) for w in data.waves],
                        [Change() for _pair in data.waves[1:]], "n"))
    if qtype.has_mean(question):
        rows.append(_mean_row(data, question, network, page))
    if qtype.has_top2(question):
        top = _("Top-2: %(options)s", options=" + ".join(question.scale.label(c, lang) for c in question.scale.top2))
        rows.append(_share_row(data, question, top, network, lambda f: (f.top2, f.valid), "top2", page))
    if qtype.has_top2(question):
        measure = _("Top-2-andel")
    elif qtype.has_mean(question):
        measure = page.mean
    else:
        measure = page.n
    groups: list[PageRow] = []
    if breakdown:
        for group in data.groups[1:]:
            own = {w.id: figures[(group, w.id)] for w in data.waves}
            if qtype.has_top2(question):
                row = _share_row(data, question, data.group_label(group), own, lambda f: (f.top2, f.valid), "top2",
                                 page)
            elif qtype.has_mean(question):
                row = _mean_row(data, question, own, page, data.group_label(group))
            else:
                row = PageRow(data.group_label(group), [_count(question, w, own[w.id], page) for w in data.waves],
                              [Change() for _pair in data.waves[1:]], "n")
            groups.append(row)
    notes = []
    if changed := comparability.breaks(question.id, data.waves):  # the one rule (exports/comparability.py)
        notes.append(_("Spørgsmålet er ændret fra og med %(waves)s: formulering, type, skala eller svarmuligheder "
                       "er ikke de samme, så ændringen og testen beregnes ikke.",
                       waves=", ".join(_("%(after)s (før: %(before)s)", after=b.label_in(lang),
                                                         before=a.label_in(lang)) for a, b in changed)))
    return PageQuestion(number, f"{number}. {question.text.get(lang)}", rows, _chart(data, question, network, page),
                        measure, groups, notes)


def _asked(question: Question, wave: WaveInfo) -> bool:
    return wave.fingerprints.get(question.id) is not None


def _count(question: Question, wave: WaveInfo, f: Figures, page: _Page) -> Cell:
    if not _asked(question, wave):
        return Cell()
    if f.hidden:
        return Cell(page.hidden, True)
    return Cell(page.number(f.n, "#,##0"))


def _share_row(data: SurveyData, question: Question, label: str, by_wave: dict[int, Figures], part, kind: str,
               page: _Page) -> PageRow:
    cells = []
    for wave in data.waves:
        f = by_wave[wave.id]
        if not _asked(question, wave):
            cells.append(Cell())
        elif f.hidden:
            cells.append(Cell(page.hidden, True))
        else:
            x, n = part(f)
            cells.append(Cell(f"{page.number(x / n, '#,##0.0 %')} ({page.number(x, '#,##0')})" if n else "–"))

    def test(fa: Figures, fb: Figures) -> tuple[float | None, TestResult | None]:
        (xa, na), (xb, nb) = part(fa), part(fb)
        if not na or not nb:
            return None, None
        return (xb / nb - xa / na) * 100, two_proportions(xa, na, xb, nb)

    return PageRow(label, cells, _changes(data, question, by_wave, test, "+#,##0.0;-#,##0.0", page.pp, page), kind)


def _mean_row(data: SurveyData, question: Question, by_wave: dict[int, Figures], page: _Page,
              label: str | None = None) -> PageRow:
    cells = []
    for wave in data.waves:
        f = by_wave[wave.id]
        if not _asked(question, wave):
            cells.append(Cell())
        elif f.hidden:
            cells.append(Cell(page.hidden, True))
        else:
            cells.append(Cell(page.number(f.mean, "#,##0.00") if f.mean is not None else "–"))
    valid = set(question.scale.valid_codes) if question.scale else set()
    ordinal = question.question_type.tabulation is Tabulation.OPTIONS

    def test(fa: Figures, fb: Figures) -> tuple[float | None, TestResult | None]:
        if fa.mean is None or fb.mean is None:
            return None, None
        result = rank_test({c: k for c, k in fa.counts.items() if c in valid},
                           {c: k for c, k in fb.counts.items() if c in valid}) if ordinal else test_means(fa, fb)
        return fb.mean - fa.mean, result

    return PageRow(label or page.mean, cells,
                   _changes(data, question, by_wave, test, "+#,##0.00;-#,##0.00", "", page), "mean")


def _changes(data: SurveyData, question: Question, by_wave: dict[int, Figures], test, pattern: str,
             unit: str, page: _Page) -> list[Change]:
    changes = []
    for before, after in zip(data.waves, data.waves[1:]):
        fa, fb = by_wave[before.id], by_wave[after.id]
        if not (_asked(question, before) and _asked(question, after)):
            changes.append(Change())
        elif not data.comparable(question.id, before, after):
            changes.append(Change(page.not_comparable))
        elif fa.hidden or fb.hidden:
            changes.append(Change(page.hidden, hidden=True))
        else:
            delta, result = test(fa, fb)
            if delta is None:
                changes.append(Change("–"))
                continue
            text = page.number(delta, pattern) + (f" {unit}" if unit else "")
            if result is None:
                changes.append(Change(text))
            elif result.significant:
                changes.append(Change(text, page.significant, True))
            else:
                changes.append(Change(text, page.chance))
    return changes


def _chart(data: SurveyData, question: Question, network: dict[int, Figures], page: _Page) -> Markup | None:
    if question.question_type.tabulation is not Tabulation.OPTIONS:
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
        series.append((option.label.get(page.lang), values))
    number = data.number_of(question.id)
    title = _("Spørgsmål %(number)s – netværket i alt, fordeling pr. bølge", number=number)
    return stacked_bars(f"chart-{number}", title, [w.label_in(page.lang) for w in data.waves], series, page.hidden,
                        stacked=not question.question_type.multiple)

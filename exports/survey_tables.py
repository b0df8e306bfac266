"""Per-question comparison tables: counts and shares per wave, N, mean, top-2-box and change, per group."""
from __future__ import annotations

import math
from dataclasses import dataclass

from exports.anonymity import Suppression, suppress
from exports.comparability import NOT_COMPARABLE, break_note  # the one rule, shared with supervision
from exports.significance import TestResult, mean_test, rank_test, two_proportions, wilson
from exports.survey_data import NETWORK, SurveyData
from exports.tables import SUPPRESSED, ChartSpec, Column, Table, Typed
from forms import Question
from forms.types.base import Tabulation


@dataclass
class Figures:
    """The raw figures of one group in one wave for one question (None when hidden or not asked)."""

    n: int
    counts: dict[int, int]
    mean: float | None
    valid: int
    top2: int
    hidden: bool
    sd: float | None = None  # a number question's sample standard deviation, for the test of its mean


def question_suppression(data: SurveyData, n_by_wave: dict[int, dict[int, int]],
                         values_by_wave: dict[int, dict[int, dict]] | None = None) -> dict[int, Suppression]:
    """The anonymity rule for one question: its own respondents per group, plus every group hidden in the wave.

    `values_by_wave` (wave → municipality → {option code: responses}, or for a number question
    {"count", "sum", "squares"}) lets the rule see what the hidden groups answered: when every answer of
    the hidden groups together is the same (one option chosen by all of them, or one number), network −
    visible groups would tell each hidden group's answers, so the next smallest groups are hidden too until
    the hidden answers differ (complementary); if no group is left, the whole question is hidden in the wave.
    In a wave still taking answers, the network total is hidden whenever a group is (`network_hidden`)."""
    result = {}
    values_by_wave = values_by_wave or {}
    for wave in data.waves:
        wave_rule = data.wave_suppression.get(wave.id, Suppression())
        sizes = n_by_wave.get(wave.id, {})
        if wave_rule.total_hidden:
            everything = frozenset(sizes)
            rule = Suppression(everything, everything, True)
        else:
            rule = suppress(sizes, data.threshold, forced=wave_rule.hidden)
            rule = _not_uniform(rule, sizes, values_by_wave.get(wave.id, {}))
        if not wave.closed and rule.hidden and not rule.total_hidden:
            rule = Suppression(rule.hidden, rule.primary, False, network_hidden=True, alike=rule.alike)
        result[wave.id] = rule
    return result


def uniform(members, sizes: dict[int, int], values: dict[int, dict]) -> bool:
    """True when the members' answers, taken together, are all alike: an option every one of them chose,
    or (a number question) one number only."""
    n = sum(sizes.get(m, 0) for m in members)
    if n == 0:
        return False
    pooled: dict = {}
    for m in members:
        for key, k in values.get(m, {}).items():
            pooled[key] = pooled.get(key, 0) + k
    if "count" in pooled:
        count, total, squares = pooled["count"], pooled.get("sum", 0.0), pooled.get("squares", 0.0)
        return count > 0 and squares - total * total / count <= 1e-9 * max(1.0, squares)
    return any(k >= n for k in pooled.values())


def _not_uniform(rule: Suppression, sizes: dict[int, int], values: dict[int, dict]) -> Suppression:
    if not rule.hidden or rule.total_hidden or not values:
        return rule
    hidden = set(rule.hidden)
    candidates = sorted((g for g, n in sizes.items() if n > 0 and g not in hidden), key=lambda g: (sizes[g], str(g)))
    while uniform(hidden, sizes, values):
        if not candidates:
            everything = frozenset(g for g, n in sizes.items() if n > 0)
            return Suppression(everything, rule.primary, True, alike=everything - rule.hidden)
        hidden.add(candidates.pop(0))
    return Suppression(frozenset(hidden), rule.primary, False, alike=frozenset(hidden) - rule.hidden)


def question_figures(data: SurveyData, question: Question, answered: list[tuple],
                     options: list[tuple], groups: list | None = None,
                     rules: dict[int, Suppression] | None = None) -> dict[tuple, Figures]:
    """Figures keyed by (group, wave id) for a coded or number question, from its aggregate rows
    (`Aggregates.per_question`); for every group, or for those named (suppression always sees them all).

    `rules` is the question's hiding decision per wave (`survey_suppression.Disclosure.counted_rule`); without
    it the same rule is worked out from these rows."""
    n_by_wave: dict[int, dict[int, int]] = {}
    numbers: dict[tuple, tuple[float, int, float]] = {}
    for wave_id, municipality_id, _qid, n, number_sum, number_count, number_squares in answered:
        n_by_wave.setdefault(int(wave_id), {})[int(municipality_id)] = int(n)
        numbers[(int(wave_id), int(municipality_id))] = (float(number_sum or 0.0), int(number_count),
                                                         float(number_squares or 0.0))
    counts: dict[tuple, dict[int, int]] = {}
    for wave_id, municipality_id, _qid, code, n in options:
        counts.setdefault((int(wave_id), int(municipality_id)), {})[int(code)] = int(n)
    if rules is None:
        rules = question_suppression(data, n_by_wave, answer_values(answered, options))
    figures: dict[tuple, Figures] = {}
    for wave in data.waves:
        rule = rules[wave.id]
        sizes = n_by_wave.get(wave.id, {})
        for group in data.groups if groups is None else groups:
            members = list(sizes) if group is NETWORK else [group]
            n = sum(sizes.get(m, 0) for m in members)
            merged: dict[int, int] = {}
            total, count, squares = 0.0, 0, 0.0
            for m in members:
                for code, k in counts.get((wave.id, m), {}).items():
                    merged[code] = merged.get(code, 0) + k
                s, c, q = numbers.get((wave.id, m), (0.0, 0, 0.0))
                total, count, squares = total + s, count + c, squares + q
            hidden = rule.hides_network if group is NETWORK else (group in rule.hidden)
            figures[(group, wave.id)] = _figures(question, n, merged, (total, count, squares), hidden)
    return figures


def answer_values(answered: list[tuple], options: list[tuple]) -> dict[int, dict[int, dict]]:
    """Per wave and municipality what was answered, as `question_suppression` reads it: the responses per
    option, and for a number question the count, sum and sum of squares of its numbers."""
    values: dict[int, dict[int, dict]] = {}
    for wave_id, municipality_id, _qid, code, n in options:
        values.setdefault(int(wave_id), {}).setdefault(int(municipality_id), {})[int(code)] = int(n)
    for wave_id, municipality_id, _qid, _n, number_sum, number_count, number_squares in answered:
        if number_count:
            values.setdefault(int(wave_id), {})[int(municipality_id)] = {
                "count": int(number_count), "sum": float(number_sum or 0.0), "squares": float(number_squares or 0.0)}
    return values


def _figures(question: Question, n: int, counts: dict[int, int], numbers: tuple[float, int, float],
             hidden: bool) -> Figures:
    if question.question_type.tabulation is Tabulation.NUMERIC:
        total, count, squares = numbers
        mean = total / count if count else None
        sd = math.sqrt(max(0.0, squares - total * total / count) / (count - 1)) if count > 1 else None
        return Figures(n, {}, mean, count, 0, hidden, sd)
    scale = question.scale
    valid_codes = set(scale.valid_codes) if scale else set()
    valid = sum(counts.get(c, 0) for c in valid_codes)
    mean = None
    if question.question_type.has_mean(question) and valid:
        mean = sum(c * counts.get(c, 0) for c in valid_codes) / valid
    top2 = sum(counts.get(c, 0) for c in (scale.top2 if scale else ()))
    return Figures(n, counts, mean, valid, top2, hidden)


def test_means(before: Figures, after: Figures) -> TestResult | None:
    """Welch's test of a number question's mean between two waves (None for a coded question's mean)."""
    if before.sd is None or after.sd is None or before.mean is None or after.mean is None:
        return None
    return mean_test(before.mean, before.sd, before.valid, after.mean, after.sd, after.valid)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def question_table(data: SurveyData, question: Question, answered: list[tuple], options: list[tuple],
                   sheet_name: str, rules: dict[int, Suppression] | None = None) -> Table:
    """The comparison table of one coded or number question: network total first, then each municipality."""
    figures = question_figures(data, question, answered, options, rules=rules)
    return _QuestionTable(data, question, figures).table(sheet_name)


class _QuestionTable:
    """The steps of one question's table: its columns, then per group the rows its type's summary calls
    for (one per option, N, mean, top-2), each row built from per-wave cells, changes and verdicts."""

    def __init__(self, data: SurveyData, question: Question, figures: dict[tuple, Figures]) -> None:
        self.data, self.question, self.figures = data, question, figures
        self.waves = data.waves
        self.pairs = list(zip(self.waves, self.waves[1:]))
        self.comparable = [data.comparable(question.id, a, b) for a, b in self.pairs]
        self.valid_codes = set(question.scale.valid_codes) if question.scale else set()

    def table(self, sheet_name: str) -> Table:
        question, rows, chart_rows = self.question, [], []
        for group in self.data.groups:
            if group is NETWORK and question.question_type.tabulation is Tabulation.OPTIONS:
                chart_rows = list(range(len(rows), len(rows) + len(question.options)))
            rows += self.group_rows(group)
        number = self.data.number_of(question.id)
        notes = [f"Spørgsmål {number}: {question.text.da}", *_method_notes(self.data, question, self.comparable)]
        return Table(sheet_name, question.text.da, self.columns(), rows, notes, self.chart(number, chart_rows))

    def columns(self) -> list[Column]:
        waves, pairs = self.waves, self.pairs
        columns = [Column("Gruppe", "text", 22), Column("Svarmulighed", "text", 34), Column("Kode", "int", 7)]
        columns += [Column(f"{w.label} (antal)", "int") for w in waves]
        columns += [Column(f"{w.label} (andel)", "pct") for w in waves]
        columns += [Column(f"{w.label} (95 %-interval)", "text", 14) for w in waves]
        columns += [Column(f"Ændring {a.label} → {b.label} (procentpoint)", "pp") for a, b in pairs]
        columns += [Column(f"p-værdi {a.label} → {b.label}", "p") for a, b in pairs]
        columns += [Column(f"Vurdering {a.label} → {b.label}", "text", 24) for a, b in pairs]
        return columns

    def chart(self, number: int, chart_rows: list[int]) -> ChartSpec | None:
        """The network's distribution per wave: one option per answer stacked to 100 %, several side by side."""
        qtype, nw = self.question.question_type, len(self.waves)
        if qtype.tabulation is not Tabulation.OPTIONS or not chart_rows:
            return None
        first = 3 + nw if qtype.multiple else 3
        return ChartSpec(f"{caption(number, self.question.text.da, 60)}: {NETWORK_TITLE}", tuple(chart_rows), 1,
                         first, first + nw - 1, "clustered" if qtype.multiple else "percent_stacked")

    def group_rows(self, group) -> list[list]:
        question, qtype = self.question, self.question.question_type
        rows = []
        if qtype.tabulation is Tabulation.OPTIONS:
            rows += [self.option_row(group, option) for option in question.options]
        rows.append(self.n_row(group))
        if qtype.has_mean(question):
            rows.append(self.mean_row(group))
        if qtype.has_top2(question):
            rows.append(self.top2_row(group))
        return rows

    # -- the rows ----------------------------------------------------------------------------------------
    def option_row(self, group, option) -> list:
        code = option.code
        shares = self.wave_cells(group, lambda f: _share(f.counts.get(code, 0), f.n))
        return [self.data.group_label(group), option.label.da + (" (manglende værdi)" if option.missing else ""),
                code, *self.wave_cells(group, lambda f: f.counts.get(code, 0)), *shares,
                *self.intervals(group, lambda f: f.counts.get(code, 0), lambda f: f.n), *self.changes(shares),
                *self.verdicts(group, lambda fa, fb: two_proportions(fa.counts.get(code, 0), fa.n,
                                                                     fb.counts.get(code, 0), fb.n))]

    def n_row(self, group) -> list:
        nw, npairs = len(self.waves), len(self.pairs)
        return [self.data.group_label(group), "N (besvarelser)", None, *self.wave_cells(group, lambda f: f.n),
                *([None] * (2 * nw)), *([None] * (3 * npairs))]

    def mean_row(self, group) -> list:
        nw = len(self.waves)
        means = self.wave_cells(group, lambda f: f.mean)
        tested = self.ranked if self.question.question_type.tabulation is Tabulation.OPTIONS else test_means
        return [self.data.group_label(group), "Gennemsnit", None, *([None] * nw),
                *[Typed(m, "mean") if isinstance(m, float) else m for m in means], *([None] * nw),
                *self.changes(_plain(means), 1.0, "diff"), *self.verdicts(group, tested)]

    def top2_row(self, group) -> list:
        scale = self.question.scale
        top_shares = self.wave_cells(group, lambda f: _share(f.top2, f.valid))
        return [self.data.group_label(group), "Top-2: " + " + ".join(scale.label(c) for c in scale.top2), None,
                *self.wave_cells(group, lambda f: f.top2), *top_shares,
                *self.intervals(group, lambda f: f.top2, lambda f: f.valid), *self.changes(top_shares),
                *self.verdicts(group, lambda fa, fb: two_proportions(fa.top2, fa.valid, fb.top2, fb.valid))]

    # -- the cells ---------------------------------------------------------------------------------------
    def asked(self, wave) -> bool:
        return wave.fingerprints.get(self.question.id) is not None

    def wave_cells(self, group, value_of, kind=None) -> list:
        """One cell per wave: the value, 'skjult' for a hidden group, empty where the question was not asked."""
        cells = []
        for w in self.waves:
            f = self.figures[(group, w.id)]
            if not self.asked(w):
                cells.append(None)
            elif f.hidden:
                cells.append(SUPPRESSED)
            else:
                v = value_of(f)
                cells.append(Typed(v, kind) if kind and v is not None else v)
        return cells

    def changes(self, values, scale_factor=100.0, kind="pp") -> list:
        """One cell per pair of waves: the change, 'ikke sammenlignelig', 'skjult' or empty."""
        cells = []
        for i, ok in enumerate(self.comparable):
            a, b = values[i], values[i + 1]
            if not ok and self.asked(self.waves[i]) and self.asked(self.waves[i + 1]):
                cells.append(NOT_COMPARABLE)
            elif isinstance(a, (int, float)) and isinstance(b, (int, float)) and ok:
                cells.append(Typed((b - a) * scale_factor, kind))
            elif a is SUPPRESSED or b is SUPPRESSED:
                cells.append(SUPPRESSED)
            else:
                cells.append(None)
        return cells

    def intervals(self, group, part_of, whole_of) -> list:
        return self.wave_cells(group, lambda f: wilson(part_of(f), whole_of(f)))

    def verdicts(self, group, test_of) -> list:
        """The p-value and plain verdict of each change; hidden groups and incomparable waves get none."""
        ps, markers = [], []
        for i, ok in enumerate(self.comparable):
            before, after = self.waves[i], self.waves[i + 1]
            fa, fb = self.figures[(group, before.id)], self.figures[(group, after.id)]
            asked = self.asked(before) and self.asked(after)
            result = test_of(fa, fb) if ok and asked and not (fa.hidden or fb.hidden) else None
            if result is not None:
                ps.append(Typed(result.p, "p"))
                markers.append(result.marker)
            else:
                cell = SUPPRESSED if asked and ok and (fa.hidden or fb.hidden) else None
                ps.append(cell)
                markers.append(cell)
        return [*ps, *markers]

    def ranked(self, fa: Figures, fb: Figures) -> TestResult | None:
        """The rank test of a coded question's mean, over its valid codes."""
        valid = self.valid_codes
        return rank_test({c: k for c, k in fa.counts.items() if c in valid},
                         {c: k for c, k in fb.counts.items() if c in valid})


def _plain(values: list) -> list:
    return [v.value if isinstance(v, Typed) else v for v in values]


NETWORK_TITLE = "netværket i alt, fordeling pr. bølge"


def caption(number: int, text: str, limit: int) -> str:
    """"3. I hvor høj grad har …": the question's number and its wording cut at a word within `limit`."""
    head = f"{number}. "
    if len(head) + len(text) <= limit:
        return head + text
    room = limit - len(head) - 1
    cut = text[:room].rsplit(" ", 1)[0] if " " in text[:room] else text[:room]
    return head + cut.rstrip(" ,.:;?") + "…"


def _method_notes(data: SurveyData, question: Question, comparable: list[bool]) -> list[str]:
    notes = []
    scale = question.scale
    qtype = question.question_type
    if qtype.multiple:
        notes.append("Flere svar mulige: andelen er andelen af respondenterne, der valgte muligheden; "
                     "summen kan overstige 100 %.")
    elif qtype.tabulation is Tabulation.OPTIONS:  # a number question has no shares
        notes.append("Andel = antal / N (alle besvarelser af spørgsmålet, manglende værdier medregnet).")
    if qtype.tabulation is Tabulation.OPTIONS and qtype.has_mean(question):
        used = ", ".join(f"{o.code} = {o.label.da}" for o in scale.options if not o.missing)
        left = ", ".join(f"{o.code} = {o.label.da}" for o in scale.options if o.missing)
        notes.append(f"Gennemsnit af koderne {used}" + (f"; udeladt: {left}." if left else "."))
    if qtype.has_top2(question):
        notes.append("Top-2 = andel af de gyldige svar (uden manglende værdier) i "
                     + " eller ".join(scale.label(c) for c in scale.top2) + ".")
    if not all(comparable) and (changed := break_note(question.id, data.waves)) is not None:
        notes.append(f"{changed} Se Sammenlignelighed.")
    notes.append(f"'skjult': under {data.threshold} besvarelser, eller skjult for at en anden skjult gruppe "
                 "ikke kan regnes ud.")
    if any(not w.closed for w in data.waves):
        notes.append("I en bølge, der stadig er åben, er netværkets total skjult, når en kommune er skjult: to "
                     "udtræk før og efter ét svar ville ellers vise svaret som forskellen (se arket Anonymitet).")
    return notes

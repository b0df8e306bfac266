"""The one decision of which survey cells are hidden, read by every output (tables, rows, free text, Anonymitet).

A cell is a (group, question, wave): a municipality's (or the network's) answers to one question in one wave.
The tables hide a wave's small groups and their complement (`SurveyData.wave_suppression`), and per question
the groups with too few answers to it and their complement (`survey_tables.question_suppression`, with the
wave's hidden groups forced in). The row-level outputs (Data, the long CSV, Fritekst) follow from that:

- the wave's hidden groups are listed as one merged group, "Øvrige (skjult)";
- a question whose hidden groups are exactly the merged ones shows its answers in the merged rows: the
  merged group then is what the table's network minus the visible groups gives anyway;
- a question that hides more groups than the merged ones hides its answers in the rows of all of them,
  the merged rows included: otherwise network − visible groups − merged rows would give the extra ones;
- a question (or a wave) answered by fewer than the threshold is hidden in every row, and a wave whose
  total is under the threshold lists no rows at all, so a lone response never appears at row level;
- free text follows the question's own rule: texts of its hidden groups stand under the merged group,
  and a question with too few texts in a wave lists none.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from exports.anonymity import OTHER_GROUP_LABEL, Suppression
from exports.survey_data import NETWORK, SurveyData
from exports.survey_tables import answer_values, question_suppression
from forms.types.base import Tabulation

# Why a cell is hidden (the Anonymitet sheet says it in words)
GROUP_SIZE = "group"                  # the municipality had fewer responses in the wave than the threshold
GROUP_COMPLEMENT = "group_complement"  # hidden in the wave so that a small group cannot be subtracted back
WAVE_TOTAL = "wave_total"            # the whole wave had fewer responses than the threshold
QUESTION_SIZE = "question"            # fewer answers to the question than the threshold
QUESTION_COMPLEMENT = "question_complement"  # hidden for the question so another cannot be subtracted back
QUESTION_TOTAL = "question_total"     # the whole network answered the question fewer times than the threshold
MERGED_ROWS = "merged_rows"           # the merged group's answers to the question are hidden in the rows
QUESTION_ALIKE = "question_alike"     # hidden because the hidden groups' answers were all alike
QUESTION_ALIKE_TOTAL = "question_alike_total"  # the same, and no group was left to hide: the whole question
OPEN_WAVE = "open_wave"               # the network total, while the wave still takes answers and a group is hidden


@dataclass(frozen=True)
class HiddenCell:
    """One hidden cell: `question_id` None for every question of the wave; `group` a municipality, NETWORK
    for the total, or OTHER_GROUP_LABEL for the merged group's rows."""

    wave_id: int
    question_id: str | None
    group: int | str | None
    reason: str


class Disclosure:
    """Which cells of a survey export are hidden, and how the row-level outputs list what is left."""

    def __init__(self, data: SurveyData, per_question: dict | None = None) -> None:
        """`per_question`: the aggregates' rows per question when the caller has them already (the page)."""
        self.data = data
        self._per_question = per_question

    @cached_property
    def counted_rules(self) -> dict[str, dict[int, Suppression]]:
        """Per counted question and wave, the rule on its answers: from the aggregates alone, so the results
        page (which reads no answer rows) hides by the very rule the workbook's tables and rows do."""
        values = self._counted_values
        return {qid: question_suppression(self.data, n_by_wave, values.get(qid))
                for qid, n_by_wave in self._counted_sizes.items()}

    def counted_rule(self, question_id: str) -> dict[int, Suppression]:
        """The rule of one counted question (a question nobody answered: the wave's rule alone)."""
        rule = self.counted_rules.get(question_id)
        return rule if rule is not None else question_suppression(self.data, {})

    @cached_property
    def question_rules(self) -> dict[str, dict[int, Suppression]]:
        """Per question (counted and listed) and wave, the rule on the question's own answers."""
        data = self.data
        rules: dict[str, dict[int, Suppression]] = {
            qid: question_suppression(data, n_by_wave) for qid, n_by_wave in self._listed_sizes.items()}
        rules.update(self.counted_rules)
        for question in data.questions:
            rules.setdefault(question.id, question_suppression(data, {}))
        return rules

    @cached_property
    def _per_question_rows(self) -> dict:
        return self._per_question if self._per_question is not None else self.data.aggregates.per_question()

    @cached_property
    def _counted_values(self) -> dict[str, dict[int, dict[int, dict]]]:
        """Per counted question, what each wave's municipalities answered (`survey_tables.answer_values`)."""
        return {qid: answer_values(answered, options) for qid, (answered, options) in self._per_question_rows.items()}

    @cached_property
    def _counted_sizes(self) -> dict[str, dict[int, dict[int, int]]]:
        sizes: dict[str, dict[int, dict[int, int]]] = {}
        for qid, (answered, _options) in self._per_question_rows.items():
            for w, m, _q, n, *_numbers in answered:
                sizes.setdefault(qid, {}).setdefault(int(w), {})[int(m)] = int(n)
        return sizes

    @cached_property
    def _listed_sizes(self) -> dict[str, dict[int, dict[int, int]]]:
        """Responses per wave and municipality that answered each listed (free-text, date) question."""
        listed = [q.id for q in self.data.questions if q.question_type.tabulation is Tabulation.LISTED]
        if not listed:
            return {}
        frame = self.listed_answers
        counts = frame.drop_duplicates(["response_id", "question_id"]).groupby(
            ["question_id", "wave_id", "municipality_id"]).size()
        sizes: dict[str, dict[int, dict[int, int]]] = {}
        for (qid, w, m), n in counts.items():
            sizes.setdefault(qid, {}).setdefault(int(w), {})[int(m)] = int(n)
        return sizes

    @cached_property
    def listed_answers(self):
        """The long rows of the listed questions, read once (every municipality: the rule needs them all)."""
        listed = [q.id for q in self.data.questions if q.question_type.tabulation is Tabulation.LISTED]
        frame = self.data.listed_answers(listed)
        return frame[frame["question_id"].notna()] if len(frame) else frame

    def wave_listed(self, wave_id: int) -> bool:
        """Whether the wave's responses appear at row level at all (not when its total is under the threshold)."""
        rule = self.data.wave_suppression.get(wave_id)
        return rule is not None and not rule.total_hidden

    @cached_property
    def row_hidden(self) -> dict[str, dict[int, frozenset]]:
        """Per question and wave, the municipalities whose answers to it are hidden in the rows."""
        data = self.data
        everyone = frozenset(data.municipalities)
        result: dict[str, dict[int, frozenset]] = {}
        for qid, by_wave in self.question_rules.items():
            for wave_id, rule in by_wave.items():
                if not self.wave_listed(wave_id):
                    continue
                merged = data.wave_suppression[wave_id].hidden
                if rule.total_hidden:
                    hidden = everyone
                elif rule.network_hidden:
                    # still taking answers: the merged rows would differ by exactly each late answer
                    hidden = rule.hidden | merged
                elif rule.hidden <= merged:
                    continue
                else:
                    hidden = rule.hidden | merged
                result.setdefault(qid, {})[wave_id] = hidden
        return result

    def text_place(self, question_id: str, wave_id: int, municipality_id: int) -> str | None:
        """Where a listed answer stands: its municipality, the merged group, or nowhere (None)."""
        if not self.wave_listed(wave_id):
            return None
        rule = self.question_rules.get(question_id, {}).get(wave_id, Suppression())
        if rule.total_hidden:
            return None
        if municipality_id in rule.hidden or municipality_id in self.data.wave_suppression[wave_id].hidden:
            return None if rule.network_hidden else OTHER_GROUP_LABEL
        return self.data.municipalities.get(municipality_id, str(municipality_id))

    def cells(self) -> list[HiddenCell]:
        """Every hidden cell with its reason, wave by wave: the wave's groups, then each question's."""
        data = self.data
        found: list[HiddenCell] = []
        for wave in data.waves:
            rule = data.wave_suppression[wave.id]
            sizes = data.wave_sizes.get(wave.id, {})
            if rule.total_hidden:
                found.append(HiddenCell(wave.id, None, NETWORK, WAVE_TOTAL))
                found += [HiddenCell(wave.id, None, m, WAVE_TOTAL) for m in data.municipalities if m in sizes]
                continue
            for m in data.municipalities:
                if m in rule.primary:
                    found.append(HiddenCell(wave.id, None, m, GROUP_SIZE))
                elif m in rule.hidden:
                    found.append(HiddenCell(wave.id, None, m, GROUP_COMPLEMENT))
            for question in data.questions:
                found += self._question_cells(question.id, wave.id, rule)
        return found

    def _question_cells(self, question_id: str, wave_id: int, wave_rule: Suppression) -> list[HiddenCell]:
        rule = self.question_rules.get(question_id, {}).get(wave_id)
        if rule is None:
            return []
        if rule.total_hidden:
            reason = QUESTION_ALIKE_TOTAL if rule.alike else QUESTION_TOTAL
            return [HiddenCell(wave_id, question_id, NETWORK, reason),
                    *(HiddenCell(wave_id, question_id, m, reason) for m in self.data.municipalities
                      if m in rule.hidden and m not in wave_rule.hidden)]
        found = [HiddenCell(wave_id, question_id, m, QUESTION_SIZE if m in rule.primary else
                            QUESTION_ALIKE if m in rule.alike else QUESTION_COMPLEMENT)
                 for m in self.data.municipalities if m in rule.hidden and m not in wave_rule.hidden]
        if (found or rule.network_hidden) and wave_rule.hidden:
            found.append(HiddenCell(wave_id, question_id, OTHER_GROUP_LABEL, MERGED_ROWS))
        if rule.network_hidden:
            found.append(HiddenCell(wave_id, question_id, NETWORK, OPEN_WAVE))
        return found


"""What a change does: a question-by-question diff against the newest stored version, with its consequence
for comparison across waves read from the question fingerprints."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import select

from app.extensions import db
from app.models import QuestionFingerprint, QuestionnaireVersion, SupervisionRound, Wave
from app.questionnaires.service import definition_of, latest_version
from forms import Catalogue, Question, Questionnaire


@dataclass(frozen=True)
class QuestionChange:
    """One question's change; `aspects` name what changed, `compared_with` the waves it leaves behind."""

    question_id: str
    status: str  # added | removed | changed
    aspects: tuple[str, ...]  # text, options, type, bounds, help, condition, required, position
    old: Question | None
    new: Question | None
    breaks: bool  # the fingerprint changed: answers before and after are no longer compared
    compared_with: tuple[str, ...] = ()  # labels of the waves/rounds whose answers it was compared with
    number: int | None = None  # its number in the questionnaire (the old one's for a removed question)


@dataclass
class QuestionnaireChanges:
    """The changes of one questionnaire against its newest stored version (None: a new questionnaire)."""

    slug: str
    title: str
    stored: QuestionnaireVersion | None
    questions: list[QuestionChange] = field(default_factory=list)
    header: tuple[str, ...] = ()  # title, intro, kind, audience, experiment, label

    @property
    def breaking(self) -> list[QuestionChange]:
        return [c for c in self.questions if c.breaks and c.compared_with]


def catalogue_changes(catalogue: Catalogue) -> list[QuestionnaireChanges]:
    """Every questionnaire of `catalogue` whose definition differs from its newest stored version."""
    out = []
    for questionnaire in catalogue.questionnaires.values():
        stored = latest_version(questionnaire.id)
        if stored is not None and stored.fingerprint == questionnaire.fingerprint:
            continue
        out.append(questionnaire_changes(definition_of(stored) if stored else None, questionnaire, stored))
    return out


def questionnaire_changes(old: Questionnaire | None, new: Questionnaire,
                          stored: QuestionnaireVersion | None = None) -> QuestionnaireChanges:
    """The question-by-question diff of `old` (None: nothing stored yet) and `new`."""
    result = QuestionnaireChanges(new.id, new.title.da, stored)
    if old is None:
        result.questions = [QuestionChange(q.id, "added", (), None, q, False) for q in new.questions]
        return _numbered(result, old, new)
    result.header = tuple(name for name, a, b in (
        ("title", old.title, new.title), ("intro", old.intro, new.intro), ("kind", old.kind, new.kind),
        ("audience", old.audience, new.audience), ("experiment", old.experiment, new.experiment),
        ("label", old.version, new.version)) if a != b)
    waves = _waves_by_fingerprint(new.id)
    old_ids = [q.id for q in old.questions]
    new_ids = [q.id for q in new.questions]
    # Moved means a different place among the questions both versions ask, not shifted by an insert.
    old_common = [i for i in old_ids if i in new_ids]
    new_common = [i for i in new_ids if i in old_ids]
    for q in new.questions:
        if q.id not in old_ids:
            result.questions.append(QuestionChange(q.id, "added", (), None, q, False))
            continue
        before = old.question(q.id)
        aspects = _aspects(before, q, old_common, new_common)
        if aspects:
            breaks = before.fingerprint != q.fingerprint
            result.questions.append(QuestionChange(q.id, "changed", aspects, before, q, breaks,
                                                   waves.get((q.id, before.fingerprint), ()) if breaks else ()))
    for q in old.questions:
        if q.id not in new_ids:
            result.questions.append(QuestionChange(q.id, "removed", (), q, None, True,
                                                   waves.get((q.id, q.fingerprint), ())))
    return _numbered(result, old, new)


def _numbered(result: QuestionnaireChanges, old: Questionnaire | None, new: Questionnaire) -> QuestionnaireChanges:
    """Each change with its question's number, as the questionnaire shows it (the old number when removed)."""
    numbers = {q.id: n for n, q in enumerate(new.questions, start=1)}
    old_numbers = {q.id: n for n, q in enumerate(old.questions, start=1)} if old else {}
    result.questions = [replace(c, number=numbers.get(c.question_id) or old_numbers.get(c.question_id))
                        for c in result.questions]
    return result


def _aspects(old: Question, new: Question, old_ids: list[str], new_ids: list[str]) -> tuple[str, ...]:
    found = []
    if old.text != new.text:
        found.append("text")
    if old.question_type is not new.question_type:
        found.append("type")
    old_options = [(o.code, o.label, o.missing) for o in old.options]
    if old_options != [(o.code, o.label, o.missing) for o in new.options]:
        found.append("options")
    if (old.min, old.max, old.unit) != (new.min, new.max, new.unit):
        found.append("bounds")
    if old.help != new.help:
        found.append("help")
    if old.condition != new.condition:
        found.append("condition")
    if old.required != new.required:
        found.append("required")
    if old.max_length != new.max_length:
        found.append("max_length")
    if old_ids.index(old.id) != new_ids.index(new.id) or (old.section, old.phase) != (new.section, new.phase):
        found.append("position")
    return tuple(found)


def _waves_by_fingerprint(slug: str) -> dict[tuple[str, str], tuple[str, ...]]:
    """(question id, fingerprint) -> labels of the waves and rounds of `slug` that asked it so."""
    found: dict[tuple[str, str], list[str]] = {}
    for model in (Wave, SupervisionRound):
        rows = db.session.execute(
            select(QuestionFingerprint.question_id, QuestionFingerprint.fingerprint, model.label)
            .join(QuestionnaireVersion, QuestionFingerprint.questionnaire_version_id == QuestionnaireVersion.id)
            .join(model, model.questionnaire_version_id == QuestionnaireVersion.id)
            .where(QuestionnaireVersion.slug == slug)
            .order_by(model.id))
        for question_id, fingerprint, label in rows:
            labels = found.setdefault((question_id, fingerprint), [])
            if label not in labels:
                labels.append(label)
    return {key: tuple(labels) for key, labels in found.items()}

"""Typed, immutable questionnaire definitions: scales, questions, sections, questionnaires, catalogue."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Mapping

from forms.problems import Problem
from forms.types import question_type

if TYPE_CHECKING:
    from forms.types.base import QuestionType

KINDS = ("survey", "supervision", "evaluation_scheme")
AUDIENCES = ("adviser", "team_leader", "citizen", "municipality")


def _sha256(data: Any) -> str:
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Text:
    """A wording in Danish (always) and English (when translated)."""

    da: str
    en: str | None = None

    def get(self, lang: str = "da") -> str:
        """The wording in `lang`, falling back to Danish."""
        return self.en if lang == "en" and self.en else self.da

    def to_dict(self) -> dict[str, str | None]:
        """JSON-ready form."""
        return {"da": self.da, "en": self.en}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> Text | None:
        """Inverse of to_dict; None stays None."""
        return None if d is None else cls(d["da"], d.get("en"))


@dataclass(frozen=True)
class Option:
    """One answer option; `missing` options (e.g. "Ved ikke") are counted but left out of means."""

    code: int
    label: Text
    missing: bool = False


@dataclass(frozen=True)
class Scale:
    """An ordered list of coded options; `top2` are the codes counted as top-2-box."""

    id: str
    title: Text
    options: tuple[Option, ...]
    ordinal: bool = True
    top2: tuple[int, ...] = ()

    @property
    def codes(self) -> tuple[int, ...]:
        """Every option code, in scale order."""
        return tuple(o.code for o in self.options)

    @property
    def valid_codes(self) -> tuple[int, ...]:
        """The codes of non-missing options, in scale order (the ones means are computed on)."""
        return tuple(o.code for o in self.options if not o.missing)

    def option(self, code: int) -> Option:
        """The option with `code` (KeyError if none)."""
        for o in self.options:
            if o.code == code:
                return o
        raise KeyError(code)

    def label(self, code: int, lang: str = "da") -> str:
        """The label of option `code` in `lang`."""
        return self.option(code).label.get(lang)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"id": self.id, "title": self.title.to_dict(), "ordinal": self.ordinal,
                "top2": list(self.top2),
                "options": [{"code": o.code, "da": o.label.da, "en": o.label.en,
                             "missing": o.missing} for o in self.options]}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Scale:
        """Inverse of to_dict."""
        options = tuple(Option(o["code"], Text(o["da"], o.get("en")), bool(o.get("missing")))
                        for o in d["options"])
        return cls(d["id"], Text.from_dict(d["title"]), options, d["ordinal"], tuple(d["top2"]))


@dataclass(frozen=True)
class Condition:
    """Show a question only when `question` was answered with one of `codes`."""

    question: str
    codes: frozenset[int]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        """True when the answer to `question` (a code or a collection of codes) hits `codes`."""
        value = answers.get(self.question)
        if isinstance(value, (list, tuple, set, frozenset)):
            return any(v in self.codes for v in value)
        return isinstance(value, int) and not isinstance(value, bool) and value in self.codes


@dataclass(frozen=True)
class Question:
    """One question; `block` names the shared block it comes from, `section`/`phase` where it sits."""

    id: str
    type: str
    text: Text
    help: Text | None = None
    required: bool = False
    scale: Scale | None = None
    min: int | None = None
    max: int | None = None
    unit: Text | None = None
    max_length: int | None = None
    condition: Condition | None = None
    block: str | None = None
    section: str | None = None
    phase: int | None = None

    @property
    def options(self) -> tuple[Option, ...]:
        """The answer options (empty for uncoded questions)."""
        return self.scale.options if self.scale else ()

    @property
    def question_type(self) -> QuestionType:
        """The question's type object (forms/types/): everything that differs by type is asked of it."""
        return question_type(self.type)

    @property
    def is_coded(self) -> bool:
        """True when answers are option codes (likert, choices, yes/no)."""
        return self.question_type.coded

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 of what makes answers comparable across versions.

        Covers the Danish and English wording, the type, the options (codes, labels, missing flags),
        the bounds and the unit. Help text, `required`, conditions and placement are left out: changing
        them does not change what an answer means.
        """
        return _sha256({
            "type": self.type, "text": self.text.to_dict(),
            "options": [[o.code, o.label.da, o.label.en, o.missing] for o in self.options],
            "min": self.min, "max": self.max,
            "unit": self.unit.to_dict() if self.unit else None,
        })

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the scale embedded."""
        return {
            "id": self.id, "type": self.type, "text": self.text.to_dict(),
            "help": self.help.to_dict() if self.help else None, "required": self.required,
            "scale": self.scale.to_dict() if self.scale else None,
            "min": self.min, "max": self.max,
            "unit": self.unit.to_dict() if self.unit else None, "max_length": self.max_length,
            "condition": ({"question": self.condition.question,
                           "codes": sorted(self.condition.codes)} if self.condition else None),
            "block": self.block, "section": self.section, "phase": self.phase,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Question:
        """Inverse of to_dict."""
        cond = d.get("condition")
        return cls(
            d["id"], d["type"], Text.from_dict(d["text"]), Text.from_dict(d.get("help")),
            bool(d.get("required")), Scale.from_dict(d["scale"]) if d.get("scale") else None,
            d.get("min"), d.get("max"), Text.from_dict(d.get("unit")), d.get("max_length"),
            Condition(cond["question"], frozenset(cond["codes"])) if cond else None,
            d.get("block"), d.get("section"), d.get("phase"))


@dataclass(frozen=True)
class Section:
    """A titled group of questions; evaluation schemes use `phase` 1 (before) and 2 (after)."""

    id: str
    title: Text | None
    phase: int | None
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Questionnaire:
    """A questionnaire as declared: header plus sections of fully expanded questions."""

    id: str
    version: int
    kind: str
    audience: str
    experiment: str | None
    title: Text
    intro: Text | None
    sections: tuple[Section, ...]

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every question in order, shared blocks expanded."""
        return tuple(q for s in self.sections for q in s.questions)

    def question(self, question_id: str) -> Question:
        """The question with `question_id` (KeyError if none)."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 of the whole definition (any change at all gives a new value)."""
        return _sha256(self.to_dict())

    def to_dict(self) -> dict[str, Any]:
        """A complete JSON-ready definition; scales are embedded so it stands alone."""
        return {
            "id": self.id, "version": self.version, "kind": self.kind, "audience": self.audience,
            "experiment": self.experiment, "title": self.title.to_dict(),
            "intro": self.intro.to_dict() if self.intro else None,
            "sections": [{"id": s.id, "title": s.title.to_dict() if s.title else None,
                          "phase": s.phase, "questions": [q.to_dict() for q in s.questions]}
                         for s in self.sections],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Questionnaire:
        """Inverse of to_dict: `Questionnaire.from_dict(q.to_dict()) == q`."""
        sections = tuple(
            Section(s["id"], Text.from_dict(s.get("title")), s.get("phase"),
                    tuple(Question.from_dict(q) for q in s["questions"]))
            for s in d["sections"])
        return cls(d["id"], d["version"], d["kind"], d["audience"], d.get("experiment"),
                   Text.from_dict(d["title"]), Text.from_dict(d.get("intro")), sections)


@dataclass(frozen=True)
class Municipality:
    """A municipality with its official number."""

    code: int
    slug: str
    name: str


@dataclass(frozen=True)
class Experiment:
    """A free-municipality experiment and the slugs of the municipalities taking part."""

    slug: str
    title: Text
    municipalities: tuple[str, ...]


@dataclass(frozen=True)
class Block:
    """A shared block of identically worded questions, includes expanded."""

    id: str
    title: Text | None
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Catalogue:
    """Everything loaded from a catalogue root; `warnings` are the non-fatal problems."""

    scales: dict[str, Scale]
    questionnaires: dict[str, Questionnaire]
    municipalities: tuple[Municipality, ...]
    experiments: tuple[Experiment, ...]
    blocks: dict[str, Block]
    warnings: tuple[Problem, ...] = field(default=())
    # The exact text of every file read below the root, by its path relative to the root ("scales.yaml",
    # "shared/lae265-tilsyn.yaml"), and the file each questionnaire came from: what is stored to be
    # checked against, exported and downloaded later.
    sources: Mapping[str, str] = field(default_factory=dict)
    questionnaire_files: Mapping[str, str] = field(default_factory=dict)


def visible_questions(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[Question]:
    """The questions shown for `answers`; a question conditioned on a hidden question is hidden."""
    shown: list[Question] = []
    shown_ids: set[str] = set()
    for q in questionnaire.questions:
        c = q.condition
        if c is None or (c.question in shown_ids and c.holds(answers)):
            shown.append(q)
            shown_ids.add(q.id)
    return shown

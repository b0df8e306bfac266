"""What a question type owns: its YAML keys, its form field, how its answers are stored, read and tabulated."""
from __future__ import annotations

import enum
from abc import ABC, abstractmethod
import random
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from wtforms import Field, RadioField

from forms.definition import Scale, Text
from forms.messages import answer_message
from forms.scales import parse_options
from forms.yaml_source import LineDict
from forms.yaml_values import Source

if TYPE_CHECKING:
    from forms.definition import Question

Answer = int | list[int] | str | date | None
# The columns of the answers table a value can go in; a type stores each value in one of them.
ANSWER_COLUMNS = ("option_code", "number", "text", "date_value")


class Tabulation(enum.Enum):
    """How exports summarise a question's answers."""

    OPTIONS = "options"  # counts and shares per option (with a mean and top-2-box where the scale is ordinal)
    NUMERIC = "numeric"  # N and mean of whole numbers
    LISTED = "listed"  # listed one by one, never counted (free text, dates)


@dataclass(frozen=True)
class Parts:
    """What a type reads from a question's own keys; `complete` is False when its scale is unresolved."""

    scale: Scale | None = None
    min: int | None = None
    max: int | None = None
    unit: Text | None = None
    max_length: int | None = None
    complete: bool = True


class QuestionType(ABC):
    """A question type. Subclasses set the class attributes and implement `field`; the rest has defaults."""

    name: ClassVar[str]
    position: ClassVar[int] = 100  # order in listings and messages
    keys: ClassVar[tuple[str, ...]] = ()  # YAML keys beyond id, type, text, help, required, show_if
    coded: ClassVar[bool] = False  # answers are option codes (conditions may test them)
    multiple: ClassVar[bool] = False  # several option codes make one answer
    free_text: ClassVar[bool] = False  # typed text: refused when it holds a CPR number
    tabulation: ClassVar[Tabulation] = Tabulation.LISTED
    column: ClassVar[str] = "text"  # the answers column (ANSWER_COLUMNS) its values go in
    data_kind: ClassVar[str] = "text"  # the cell kind of its values in data sheets (exports.tables.KINDS)
    css_class: ClassVar[str] = ""  # extra class of its list of options on the answer page
    input_attrs: ClassVar[dict[str, str]] = {}  # extra attributes of its input element
    # Its XLSForm row (forms/xlsform.py): the XLSForm type ("select_one" is followed by the list) and the
    # appearance that tells it from the other types of that XLSForm type; None: it has no XLSForm form.
    xlsform: ClassVar[tuple[str, str] | None] = None

    @property
    def tabulated(self) -> bool:
        """True when its answers are counted or summed in comparison tables (not only listed)."""
        return self.tabulation is not Tabulation.LISTED

    # -- the questionnaire language ----------------------------------------------------------------------
    def parse(self, src: Source, m: LineDict, qid: str, text: Text | None,
              scales: dict[str, Scale]) -> Parts:
        """Read this type's own keys of question `m`, recording located problems in `src`."""
        return Parts()

    # -- the form -----------------------------------------------------------------------------------------
    @abstractmethod
    def field(self, question: Question, lang: str, kw: dict[str, Any]) -> Field:
        """The unbound WTForms field; `kw` holds label, description and the validators so far."""

    def invalid_message(self, question: Question, lang: str) -> str:
        """The message shown in place of WTForms' own when a posted value cannot be read."""
        return answer_message("unreadable", lang)

    def clean(self, question: Question, value: Any) -> Answer:
        """A validated field value as the answer to store (empty becomes None)."""
        if isinstance(value, str):
            return value.strip() or None
        return value

    def form_value(self, question: Question, value: Any) -> Any:
        """A stored answer as form `data`, to reopen a draft or a record."""
        return value

    # -- storage --------------------------------------------------------------------------------------------
    def cells(self, value: Answer) -> list[dict[str, Any]]:
        """The answers-table values of one non-empty answer: one dict per row, keyed by column."""
        return [{self.column: value}]

    def read(self, values: list[Any]) -> Answer:
        """The answer from the values of its rows in this type's column, in stored order."""
        return values[-1]

    def readable(self, question: Question, value: Answer, lang: str = "da") -> str | int | date | None:
        """The answer as a reader sees it: option labels, a whole number, a date or the text."""
        return value

    # -- exports ---------------------------------------------------------------------------------------------
    def has_mean(self, question: Question) -> bool:
        """True when tables give a mean of the answers."""
        return False

    def has_top2(self, question: Question) -> bool:
        """True when tables give the top-2-box share."""
        return False

    def variables(self, question: Question) -> list[tuple[str, int | None]]:
        """The data-sheet columns of a question: (name, option code for one-column-per-option or None)."""
        return [(question.id, None)]

    def codebook(self, question: Question, code: int | None) -> list[tuple[int | None, str, str]]:
        """Codebook rows of one variable: (code, meaning, "ja" when a missing value)."""
        return [(None, "", "")]

    # -- demo data -------------------------------------------------------------------------------------------
    def sample(self, question: Question, rng: random.Random, lean: float) -> Answer:
        """A plausible answer for the demo network (None: the demo leaves it empty)."""
        return None


class CodedType(QuestionType):
    """Answers are codes of a scale or of the question's own option list."""

    keys = ("scale", "options")
    coded = True
    tabulation = Tabulation.OPTIONS
    column = "option_code"
    data_kind = "int"
    default_scale: ClassVar[str | None] = None  # the scale used when the question names none
    needs_scale_key: ClassVar[bool] = False  # `scale:` must be written (it has no own options)

    def parse(self, src: Source, m: LineDict, qid: str, text: Text | None,
              scales: dict[str, Scale]) -> Parts:
        scale, complete = self._scale(src, m, qid, text, scales)
        return Parts(scale=scale, complete=complete)

    def _scale(self, src: Source, m: LineDict, qid: str, text: Text | None,
               scales: dict[str, Scale]) -> tuple[Scale | None, bool]:
        if "scale" in m and "options" in m:
            src.error("either_key", m.key_line("options"), "options", first="scale",
                      second="options", where=f"question '{qid}'")
            return None, False
        if "options" in m:
            seq = src.sequence(m, "options", "a list of options")
            if seq is None:
                return None, False
            options = parse_options(src, seq, "options", f"question '{qid}'")
            return Scale(f"{qid}__options", text or Text(qid), options, False, ()), bool(options)
        if "scale" not in m and self.default_scale is None:
            if self.needs_scale_key:
                src.error("missing_key", m.line, "scale", where=f"question '{qid}'")
            else:
                src.error("scale_or_options", m.key_line("type"), "type", type=self.name)
            return None, False
        scale_id = src.string(m, "scale") if "scale" in m else self.default_scale
        if scale_id is None:
            return None, False
        if scale_id not in scales:
            line = m.value_line("scale") if "scale" in m else m.value_line("type")
            src.error("unknown_scale", line, "scale", value=scale_id)
            return None, False
        return scales[scale_id], True

    def field(self, question: Question, lang: str, kw: dict[str, Any]) -> Field:
        return RadioField(choices=self.choices(question, lang), coerce=int, **kw)

    def invalid_message(self, question: Question, lang: str) -> str:
        return answer_message("invalid_choice", lang)

    def choices(self, question: Question, lang: str) -> list[tuple[int, str]]:
        """(code, label) of every option, in scale order."""
        return [(o.code, o.label.get(lang)) for o in question.options]

    def cells(self, value: Answer) -> list[dict[str, Any]]:
        return [{"option_code": int(value)}]  # type: ignore[arg-type]

    def readable(self, question: Question, value: Answer, lang: str = "da") -> str | None:
        if value is None:
            return None
        codes = value if isinstance(value, list) else [value]
        labels = []
        for code in codes:
            try:
                labels.append(question.scale.label(int(code), lang))
            except (KeyError, TypeError, ValueError, AttributeError):
                labels.append(str(code))
        return "; ".join(labels)

    def has_mean(self, question: Question) -> bool:
        return question.scale is not None and question.scale.ordinal

    def has_top2(self, question: Question) -> bool:
        return question.scale is not None and bool(question.scale.top2)

    def codebook(self, question: Question, code: int | None) -> list[tuple[int | None, str, str]]:
        return [(o.code, o.label.da, "ja" if o.missing else "") for o in question.options]

    def sample(self, question: Question, rng: random.Random, lean: float) -> Answer:
        options = list(question.options)
        real = [o for o in options if not o.missing]
        if any(o.missing for o in options) and rng.random() < 0.06:
            return next(o.code for o in options if o.missing)
        weights = [1.0 + lean * i + (1.5 if i == len(real) // 2 else 0) for i in range(len(real))]
        return rng.choices(real, weights=weights)[0].code

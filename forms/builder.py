"""Flask-WTF form classes built from questionnaire definitions, and answers read back from them."""
from __future__ import annotations

from datetime import date
from typing import Any, Callable, Iterator

from flask_wtf import FlaskForm
from wtforms import (DateField, Field, IntegerField, RadioField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from forms.definition import FREE_TEXT_TYPES, Question, Questionnaire, visible_questions
from forms.messages import answer_message
from forms.validators import MaxLength, NoCPR, WholeNumberRange

FieldFactory = Callable[[Question, str, dict[str, Any]], Field]
FIELD_FACTORIES: dict[str, FieldFactory] = {}
_FORM_CLASSES: dict[tuple[str, str, str], type[QuestionnaireForm]] = {}
Answer = int | list[int] | str | date | None


def field_name(question: Question) -> str:
    """The form field name of `question` (prefixed so it never clashes with form attributes)."""
    return f"q_{question.id}"


class QuestionnaireForm(FlaskForm):
    """Base of every generated form; `draft` forms skip the required checks."""

    questionnaire: Questionnaire
    lang: str = "da"
    draft: bool = False

    def validate(self, extra_validators: Any = None) -> bool:
        """Validate with visibility worked out from the submitted answers first."""
        self.visible_ids = {q.id for q in visible_questions(self.questionnaire,
                                                            self.coded_answers())}
        return super().validate(extra_validators)

    def coded_answers(self) -> dict[str, Any]:
        """The current codes of coded questions, for evaluating conditions."""
        return {q.id: self[field_name(q)].data for q in self.questionnaire.questions
                if q.is_coded}

    def question_fields(self) -> Iterator[tuple[Question, Field]]:
        """Each question with its bound field, in questionnaire order."""
        for q in self.questionnaire.questions:
            yield q, self[field_name(q)]


class QuestionGate:
    """First validator of every question field: visibility, emptiness, then type errors.

    A hidden question is never checked (its value is discarded), an empty visible one is only
    refused when required outside a draft, and WTForms' own parse errors are replaced by the
    catalogue's message in the form's language.
    """

    def __init__(self, question: Question, lang: str):
        self.question, self.lang = question, lang

    def __call__(self, form: QuestionnaireForm, field: Field) -> None:
        visible = getattr(form, "visible_ids", None)
        if visible is not None and self.question.id not in visible:
            field.errors[:] = []
            raise StopValidation()
        if _is_empty(field):
            field.errors[:] = []
            if self.question.required and not form.draft:
                raise StopValidation(answer_message("required", self.lang))
            raise StopValidation()
        if field.errors:
            field.errors[:] = []
            raise StopValidation(_type_message(self.question, self.lang))


def _is_empty(field: Field) -> bool:
    raw = field.raw_data
    if raw:
        return all(isinstance(v, str) and not v.strip() for v in raw)
    return field.data is None or field.data == [] or \
        (isinstance(field.data, str) and not field.data.strip())


def _type_message(question: Question, lang: str) -> str:
    if question.type == "number":
        return _number_message(question, lang)
    if question.type == "date":
        return answer_message("invalid_date", lang)
    return answer_message("invalid_choice", lang)


def _number_message(question: Question, lang: str) -> str:
    if question.min is not None and question.max is not None:
        return answer_message("number_between", lang, min=question.min, max=question.max)
    if question.min is not None:
        return answer_message("number_min", lang, min=question.min)
    if question.max is not None:
        return answer_message("number_max", lang, max=question.max)
    return answer_message("number", lang)


def field_factory(*types: str) -> Callable[[FieldFactory], FieldFactory]:
    """Register a factory building the field for questions of `types`."""
    def register(factory: FieldFactory) -> FieldFactory:
        for t in types:
            FIELD_FACTORIES[t] = factory
        return factory
    return register


@field_factory("likert", "single_choice", "yes_no")
def _radio(q: Question, lang: str, kw: dict[str, Any]) -> Field:
    return RadioField(choices=_choices(q, lang), coerce=int, **kw)


@field_factory("multiple_choice")
def _checkboxes(q: Question, lang: str, kw: dict[str, Any]) -> Field:
    return SelectMultipleField(choices=_choices(q, lang), coerce=int,
                               widget=ListWidget(prefix_label=False),
                               option_widget=CheckboxInput(), **kw)


# Whole-number answers are stored in a 32-bit integer column: a question without bounds still has these.
STORABLE_MIN, STORABLE_MAX = -(2**31), 2**31 - 1


@field_factory("number")
def _number(q: Question, lang: str, kw: dict[str, Any]) -> Field:
    minimum = STORABLE_MIN if q.min is None else q.min
    maximum = STORABLE_MAX if q.max is None else q.max
    kw["validators"].append(WholeNumberRange(minimum, maximum, _number_message(q, lang)))
    return IntegerField(**kw)


@field_factory("text", "textarea")
def _free_text(q: Question, lang: str, kw: dict[str, Any]) -> Field:
    if q.max_length is not None:
        kw["validators"].append(MaxLength(q.max_length,
                                          answer_message("too_long", lang, max=q.max_length)))
    return (StringField if q.type == "text" else TextAreaField)(**kw)


@field_factory("date")
def _date(q: Question, lang: str, kw: dict[str, Any]) -> Field:
    return DateField(format="%Y-%m-%d", **kw)


def _choices(q: Question, lang: str) -> list[tuple[int, str]]:
    return [(o.code, o.label.get(lang)) for o in q.options]


def _field(q: Question, lang: str) -> Field:
    validators: list[Any] = [QuestionGate(q, lang)]
    if q.type in FREE_TEXT_TYPES:
        validators.append(NoCPR(answer_message("cpr", lang)))
    kw = {"label": q.text.get(lang), "description": q.help.get(lang) if q.help else "",
          "validators": validators}
    return FIELD_FACTORIES[q.type](q, lang, kw)


def form_class_for(questionnaire: Questionnaire, lang: str = "da") -> type[QuestionnaireForm]:
    """A new form class for `questionnaire` in `lang`, one field `q_<id>` per question.

    Cached per (id, fingerprint, lang): a changed definition gets a new class, and no class is
    ever modified after it is built.
    """
    key = (questionnaire.id, questionnaire.fingerprint, lang)
    if key not in _FORM_CLASSES:
        attrs: dict[str, Any] = {"questionnaire": questionnaire, "lang": lang}
        attrs.update({field_name(q): _field(q, lang) for q in questionnaire.questions})
        name = "Form_" + questionnaire.id.replace("-", "_")
        _FORM_CLASSES[key] = type(name, (QuestionnaireForm,), attrs)
    return _FORM_CLASSES[key]


def validate_form(form: QuestionnaireForm, questionnaire: Questionnaire, draft: bool) -> bool:
    """Validate `form`; a draft skips required checks but keeps types, bounds and CPR checks."""
    if form.questionnaire.fingerprint != questionnaire.fingerprint:
        raise ValueError(f"form was built for another version of '{questionnaire.id}'")
    form.draft = draft
    return form.validate()


def answers_from_form(questionnaire: Questionnaire, form: QuestionnaireForm) -> dict[str, Answer]:
    """The answers of the visible questions (hidden ones are dropped); empty answers are None."""
    visible = visible_questions(questionnaire, form.coded_answers())
    return {q.id: _clean(q, form[field_name(q)].data) for q in visible}


def _clean(q: Question, value: Any) -> Answer:
    if q.type == "multiple_choice":
        chosen = set(value or ())
        return [c for c in q.scale.codes if c in chosen] if chosen else None
    if isinstance(value, str):
        return value.strip() or None
    return value


def form_data_from_answers(questionnaire: Questionnaire, answers: dict[str, Any]) -> dict[str, Any]:
    """Form `data=` to prefill a form from stored answers (e.g. to resume a draft)."""
    data: dict[str, Any] = {}
    for q in questionnaire.questions:
        value = answers.get(q.id)
        if value is None:
            continue
        if q.type == "date" and isinstance(value, str):
            value = date.fromisoformat(value)
        elif q.type == "multiple_choice":
            value = list(value)
        data[field_name(q)] = value
    return data

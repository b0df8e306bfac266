"""Flask-WTF form classes built from questionnaire definitions, and answers read back from them."""
from __future__ import annotations

from typing import Any, Iterator

from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import StopValidation

from forms.definition import Question, Questionnaire, visible_questions
from forms.messages import answer_message
from forms.types.base import Answer
from forms.validators import NoCPR

_FORM_CLASSES: dict[tuple[str, str, str], type[QuestionnaireForm]] = {}


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
            raise StopValidation(self.question.question_type.invalid_message(self.question, self.lang))


def _is_empty(field: Field) -> bool:
    raw = field.raw_data
    if raw:
        return all(isinstance(v, str) and not v.strip() for v in raw)
    return field.data is None or field.data == [] or \
        (isinstance(field.data, str) and not field.data.strip())


def _field(q: Question, lang: str) -> Field:
    validators: list[Any] = [QuestionGate(q, lang)]
    if q.question_type.free_text:
        validators.append(NoCPR(answer_message("cpr", lang)))
    kw = {"label": q.text.get(lang), "description": q.help.get(lang) if q.help else "",
          "validators": validators}
    return q.question_type.field(q, lang, kw)


def form_class_for(questionnaire: Questionnaire, lang: str = "da",
                   cache: bool = True) -> type[QuestionnaireForm]:
    """A new form class for `questionnaire` in `lang`, one field `q_<id>` per question.

    Cached per (id, fingerprint, lang): a changed definition gets a new class, and no class is
    ever modified after it is built. `cache=False` builds a class that is not kept (a preview of a
    definition that may never be stored).
    """
    key = (questionnaire.id, questionnaire.fingerprint, lang)
    if key in _FORM_CLASSES:
        return _FORM_CLASSES[key]
    attrs: dict[str, Any] = {"questionnaire": questionnaire, "lang": lang}
    attrs.update({field_name(q): _field(q, lang) for q in questionnaire.questions})
    name = "Form_" + questionnaire.id.replace("-", "_")
    form_class = type(name, (QuestionnaireForm,), attrs)
    if cache:
        _FORM_CLASSES[key] = form_class
    return form_class


def validate_form(form: QuestionnaireForm, questionnaire: Questionnaire, draft: bool) -> bool:
    """Validate `form`; a draft skips required checks but keeps types, bounds and CPR checks."""
    if form.questionnaire.fingerprint != questionnaire.fingerprint:
        raise ValueError(f"form was built for another version of '{questionnaire.id}'")
    form.draft = draft
    return form.validate()


def answers_from_form(questionnaire: Questionnaire, form: QuestionnaireForm) -> dict[str, Answer]:
    """The answers of the visible questions (hidden ones are dropped); empty answers are None."""
    visible = visible_questions(questionnaire, form.coded_answers())
    return {q.id: q.question_type.clean(q, form[field_name(q)].data) for q in visible}


def form_data_from_answers(questionnaire: Questionnaire, answers: dict[str, Any]) -> dict[str, Any]:
    """Form `data=` to prefill a form from stored answers (e.g. to resume a draft)."""
    data: dict[str, Any] = {}
    for q in questionnaire.questions:
        value = answers.get(q.id)
        if value is not None:
            data[field_name(q)] = q.question_type.form_value(q, value)
    return data

"""Form classes built from questionnaires: fields, conditions, drafts and CPR refusal."""
from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict
from wtforms import (DateField, IntegerField, RadioField, SelectMultipleField, StringField,
                     TextAreaField)

from forms import (answers_from_form, form_class_for, form_data_from_answers, load_catalogue,
                   validate_form)
from tests.forms.catalogue_root import Root

BODY = """\
questions:
  - id: used
    type: yes_no
    required: true
    text: {da: "Har du benyttet muligheden?", en: "Have you used the option?"}
    help: {da: "Tænk på det seneste år", en: "Think of the last year"}
  - id: extent
    type: likert
    scale: extent5
    required: true
    text: {da: "I hvor høj grad?", en: "To what extent?"}
    show_if: {question: used, equals: 1}
  - id: kinds
    type: multiple_choice
    text: {da: "Hvilke?", en: "Which?"}
    options:
      - {code: 3, da: "Tre", en: "Three"}
      - {code: 1, da: "En", en: "One"}
  - id: months
    type: number
    min: 0
    max: 120
    text: {da: "Varighed", en: "Duration"}
  - id: ref
    type: text
    text: {da: "Sagsnummer", en: "Case reference"}
  - id: note
    type: textarea
    text: {da: "Bemærkninger", en: "Remarks"}
  - id: decided
    type: date
    text: {da: "Afgørelsesdato", en: "Date of decision"}
"""


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    app.config.update(WTF_CSRF_ENABLED=False, SECRET_KEY="test")
    return app


@pytest.fixture
def questionnaire(root: Root):
    root.questionnaire("survey.yaml", BODY)
    return load_catalogue(root=root.path).questionnaires["survey"]


def submit(app: Flask, questionnaire, data: dict, lang: str = "da", draft: bool = False):
    """Build the form from `data` as a POST would, validate it, return (ok, form)."""
    with app.test_request_context(method="POST"):
        form = form_class_for(questionnaire, lang)(formdata=MultiDict(data))
        return validate_form(form, questionnaire, draft=draft), form


def test_each_question_type_gets_its_field(app, questionnaire):
    with app.test_request_context():
        form = form_class_for(questionnaire)()
    types = {name: type(form[name]) for name in form._fields}
    assert types == {"q_used": RadioField, "q_extent": RadioField,
                     "q_kinds": SelectMultipleField, "q_months": IntegerField,
                     "q_ref": StringField, "q_note": TextAreaField, "q_decided": DateField}


def test_choices_follow_scale_order_and_language(app, questionnaire):
    with app.test_request_context():
        form = form_class_for(questionnaire, "en")()
    assert form.q_kinds.choices == [(3, "Three"), (1, "One")]
    assert form.q_used.label.text == "Have you used the option?"
    assert form.q_used.description == "Think of the last year"


def test_form_class_is_cached_per_version_and_language(questionnaire):
    assert form_class_for(questionnaire) is form_class_for(questionnaire)
    assert form_class_for(questionnaire, "en") is not form_class_for(questionnaire, "da")


def test_visible_required_question_must_be_answered(app, questionnaire):
    ok, form = submit(app, questionnaire, {"q_used": "1"})
    assert not ok
    assert form.q_extent.errors == ["Besvar venligst dette spørgsmål."]


def test_hidden_required_question_is_not_required_and_its_value_is_dropped(app, questionnaire):
    ok, form = submit(app, questionnaire, {"q_used": "2", "q_extent": "5"})
    assert ok, form.errors
    answers = answers_from_form(questionnaire, form)
    assert "extent" not in answers and answers["used"] == 2


def test_draft_skips_required_but_keeps_bounds(app, questionnaire):
    ok, _ = submit(app, questionnaire, {}, draft=True)
    assert ok
    ok, form = submit(app, questionnaire, {"q_months": "500"}, draft=True)
    assert not ok
    assert form.q_months.errors == ["Angiv et helt tal mellem 0 og 120."]


def test_an_unbounded_number_is_still_refused_beyond_what_the_database_stores(app, root):
    root.questionnaire("count.yaml", "questions:\n  - id: n\n    type: number\n"
                       "    text: {da: \"Antal\", en: \"Number\"}\n")
    counted = load_catalogue(root=root.path).questionnaires["count"]
    ok, form = submit(app, counted, {"q_n": str(2**31)})
    assert not ok and form.q_n.errors
    ok, _ = submit(app, counted, {"q_n": str(2**31 - 1)})
    assert ok


def test_messages_follow_the_form_language(app, questionnaire):
    _, form = submit(app, questionnaire, {"q_months": "mange"}, lang="en")
    assert form.q_used.errors == ["Please answer this question."]
    assert form.q_months.errors == ["Enter a whole number between 0 and 120."]


def test_cpr_in_textarea_is_refused_and_other_fields_keep_their_data(app, questionnaire):
    ok, form = submit(app, questionnaire, {"q_used": "2", "q_months": "14",
                                           "q_note": "Borger 010190-1234 ringede"})
    assert not ok
    assert form.q_note.errors == [
        "Feltet ser ud til at indeholde et CPR-nummer. Fjern det, før du gemmer."]
    assert (form.q_months.data, form.q_used.data) == (14, 2)


def test_unknown_option_code_is_refused(app, questionnaire):
    _, form = submit(app, questionnaire, {"q_used": "7"})
    assert form.q_used.errors == ["Vælg en af de viste svarmuligheder."]


def test_answers_have_python_types(app, questionnaire):
    ok, form = submit(app, questionnaire, MultiDict([
        ("q_used", "1"), ("q_extent", "4"), ("q_kinds", "1"), ("q_kinds", "3"),
        ("q_months", "6"), ("q_ref", "  S-2019-17 "), ("q_decided", "2019-07-01")]))
    assert ok, form.errors
    assert answers_from_form(questionnaire, form) == {
        "used": 1, "extent": 4, "kinds": [3, 1], "months": 6, "ref": "S-2019-17",
        "note": None, "decided": date(2019, 7, 1)}


def test_stored_answers_prefill_a_form(app, questionnaire):
    answers = {"used": 1, "extent": 4, "kinds": [1], "months": 6, "decided": "2019-07-01"}
    with app.test_request_context():
        form = form_class_for(questionnaire)(data=form_data_from_answers(questionnaire, answers))
        assert form.q_extent.data == 4 and form.q_kinds.data == [1]
        assert form.q_decided.data == date(2019, 7, 1)
        assert validate_form(form, questionnaire, draft=False)
        assert answers_from_form(questionnaire, form)["months"] == 6

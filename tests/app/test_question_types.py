"""Every question type the whole way: YAML -> form -> posted -> stored -> read back -> tabulated."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.questionnaires.service import store_questionnaire
from app.responses import answers_of, replace_answers
from app.results import service
from exports.survey import SurveyExporter
from forms import (answers_from_form, form_class_for, form_data_from_answers, parse_questionnaire_text,
                   validate_form)
from forms.types import type_names
from tests.answering.helpers import checked
from tests.results.factory import add_responses, make_wave, municipality_ids

SLUG = "alle-typer"
YAML = f"""\
questionnaire:
  id: {SLUG}
  version: 1
  kind: survey
  audience: adviser
  title: {{da: "Alle spørgsmålstyper", en: "Every question type"}}
questions:
  - id: q_likert
    type: likert
    scale: extent5
    text: {{da: "Er arbejdsgangen blevet enklere?", en: "Has the procedure become simpler?"}}
  - id: q_single
    type: single_choice
    text: {{da: "Hvilken rolle har du?", en: "What is your role?"}}
    options:
      - {{code: 1, da: "Rådgiver", en: "Adviser"}}
      - {{code: 2, da: "Leder", en: "Manager"}}
  - id: q_multiple
    type: multiple_choice
    text: {{da: "Hvilke redskaber bruger du?", en: "Which tools do you use?"}}
    options:
      - {{code: 1, da: "Samtaler", en: "Meetings"}}
      - {{code: 2, da: "Praktik", en: "Work placement"}}
      - {{code: 3, da: "Mentor", en: "Mentor"}}
  - id: q_yes_no
    type: yes_no
    text: {{da: "Er sagen afgjort?", en: "Has the case been decided?"}}
  - id: q_number
    type: number
    min: 0
    max: 60
    unit: {{da: "måneder", en: "months"}}
    text: {{da: "Hvor mange måneder?", en: "How many months?"}}
  - id: q_text
    type: text
    text: {{da: "Din stilling", en: "Your position"}}
  - id: q_textarea
    type: textarea
    text: {{da: "Andre bemærkninger", en: "Other comments"}}
  - id: q_date
    type: date
    text: {{da: "Dato for afgørelse", en: "Date of decision"}}
"""

# question id -> (type, what is posted, the stored answer, how exports show it)
CASES = {
    "q_likert": ("likert", ["4"], 4, ("table", 4)),
    "q_single": ("single_choice", ["2"], 2, ("table", 2)),
    "q_multiple": ("multiple_choice", ["3", "1"], [1, 3], ("table", 1)),
    "q_yes_no": ("yes_no", ["1"], 1, ("table", 1)),
    "q_number": ("number", ["18"], 18, ("mean", 18.0)),
    "q_text": ("text", ["  Socialrådgiver  "], "Socialrådgiver", ("listed", "Socialrådgiver")),
    "q_textarea": ("textarea", ["To linjer\r\nher"], "To linjer\r\nher", ("listed", "To linjer\r\nher")),
    "q_date": ("date", ["2020-06-30"], date(2020, 6, 30), ("listed", date(2020, 6, 30))),
}


def test_every_type_of_the_language_is_covered():
    assert sorted(kind for kind, *_rest in CASES.values()) == sorted(type_names())


def _questionnaire(catalogue):
    questionnaire, _warnings = parse_questionnaire_text(YAML, f"{SLUG}.yaml", catalogue)
    return questionnaire


@pytest.mark.parametrize("question_id", sorted(CASES))
def test_a_type_goes_from_yaml_to_the_workbook(app, catalogue, question_id):
    kind, posted, stored, (shown_as, shown) = CASES[question_id]
    questionnaire = _questionnaire(catalogue)
    question = questionnaire.question(question_id)
    assert question.type == kind
    with app.app_context():
        version = store_questionnaire(questionnaire)
        db.session.flush()
        aalborg = municipality_ids()["aalborg"]
        wave_id = make_wave(SLUG, "Januar 2019", datetime(2019, 1, 7, tzinfo=timezone.utc), [aalborg], version)
        [response_id] = add_responses(wave_id, aalborg, [{}], slug=SLUG)

        with app.test_request_context(method="POST", data=MultiDict([(f"q_{question_id}", v) for v in posted])):
            form = form_class_for(questionnaire, "da")(meta={"csrf": False})
            assert validate_form(form, questionnaire, draft=False), form.errors
            answers = answers_from_form(questionnaire, form)
        assert answers[question_id] == stored

        replace_answers(response_id, questionnaire, {question_id: answers[question_id]})
        db.session.commit()
        read_back = answers_of(response_id, questionnaire)
        assert read_back == {question_id: stored}

        # A draft or record reopens with the stored answer in its field.
        with app.test_request_context():
            reopened = form_class_for(questionnaire, "da")(data=form_data_from_answers(questionnaire, read_back),
                                                           meta={"csrf": False})
            html = str(reopened[f"q_{question_id}"])
        _assert_shown_in_field(html, question, stored)

        app.config["ANONYMITY_THRESHOLD"] = 1  # one response is shown, not hidden
        exporter = SurveyExporter(service.survey_data(SLUG))
        _assert_tabulated(exporter, question, shown_as, shown)


def _assert_shown_in_field(html: str, question, stored) -> None:
    if question.is_coded:
        codes = stored if isinstance(stored, list) else [stored]
        assert checked(html, f"q_{question.id}") == [str(c) for c in codes]
    elif isinstance(stored, date):
        assert f'value="{stored.isoformat()}"' in html
    elif question.type == "textarea":
        assert stored.replace("\r\n", "\n") in html.replace("\r\n", "\n")
    else:
        assert f'value="{stored}"' in html


def _assert_tabulated(exporter: SurveyExporter, question, shown_as: str, shown) -> None:
    # Sheets and the free-text list name a question by its number, never by its id.
    number = exporter.data.number_of(question.id)
    tables = {int(t.name.split(".", 1)[0]): t for t in exporter.question_tables()}
    free_text = exporter.free_text_table()
    if shown_as == "listed":
        assert number not in tables
        assert [row[0] for row in free_text.rows] == [number]
        assert free_text.rows[0][3] == shown
        return
    table = tables[number]
    assert not [row for row in free_text.rows if row[0] == number]
    network = [row for row in table.rows if row[0] == "Netværket i alt"]
    if shown_as == "mean":
        [mean_row] = [row for row in network if row[1] == "Gennemsnit"]
        assert getattr(mean_row[4], "value", mean_row[4]) == shown
    else:
        [option_row] = [row for row in network if row[2] == shown]
        assert option_row[3] == 1  # one response chose it
        assert getattr(option_row[4], "value", option_row[4]) == 1.0


def test_several_ticked_options_reopen_all_ticked(app, catalogue):
    """A stored multiple-choice answer with several codes comes back with every one of them ticked."""
    questionnaire = _questionnaire(catalogue)
    with app.app_context():
        version = store_questionnaire(questionnaire)
        db.session.flush()
        aalborg = municipality_ids()["aalborg"]
        wave_id = make_wave(SLUG, "Januar 2019", datetime(2019, 1, 7, tzinfo=timezone.utc), [aalborg], version)
        [response_id] = add_responses(wave_id, aalborg, [{"q_multiple": [1, 2, 3]}], slug=SLUG)
        db.session.commit()
        assert answers_of(response_id, questionnaire) == {"q_multiple": [1, 2, 3]}
        with app.test_request_context():
            data = form_data_from_answers(questionnaire, answers_of(response_id, questionnaire))
            html = str(form_class_for(questionnaire, "da")(data=data, meta={"csrf": False})["q_q_multiple"])
        assert checked(html, "q_q_multiple") == ["1", "2", "3"]

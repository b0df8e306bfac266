"""The questionnaire language of Bølge: definitions, the YAML loader and Flask-WTF form building."""
from forms.builder import answers_from_form, form_class_for, form_data_from_answers, validate_form
from forms.cpr import contains_cpr, find_cpr
from forms.definition import (Block, Catalogue, Condition, Experiment, Municipality, Option,
                              Question, Questionnaire, Scale, Section, Text, visible_questions)
from forms.loader import check_paths, load_catalogue, parse_questionnaire_text
from forms.problems import CatalogueError, Problem

__all__ = [
    "load_catalogue", "check_paths", "parse_questionnaire_text",
    "Catalogue", "Questionnaire", "Section", "Question", "Scale", "Option", "Text", "Condition",
    "Block", "Municipality", "Experiment", "Problem", "CatalogueError",
    "form_class_for", "validate_form", "answers_from_form", "form_data_from_answers",
    "visible_questions", "contains_cpr", "find_cpr",
]

"""Showing typed answers back to a respondent, e.g. when a wave closed before they were stored."""
from __future__ import annotations

from forms import Questionnaire
from forms.builder import QuestionnaireForm, field_name


def typed_answers(questionnaire: Questionnaire, form: QuestionnaireForm, lang: str) -> list[tuple[str, str]]:
    """(question text, answer as shown) for every question with something typed or chosen."""
    shown = []
    for question in questionnaire.questions:
        field = form[field_name(question)]
        raw = [v for v in (field.raw_data or []) if isinstance(v, str) and v.strip()]
        if not raw:
            continue
        if question.is_coded:
            labels = {str(o.code): o.label.get(lang) for o in question.options}
            text = ", ".join(labels.get(v, v) for v in raw)
        else:
            text = " ".join(raw)
        shown.append((question.text.get(lang), text))
    return shown

"""A question type is one module: a type registered here loads, renders, stores and exports, no other file changed."""
from __future__ import annotations

from typing import Any, ClassVar

import pytest

from app.extensions import db
from app.questionnaires.service import store_questionnaire
from app.responses import answers_of
from app.results import service
from exports.survey import SurveyExporter
from forms import CatalogueError, Option, Scale, Text, parse_questionnaire_text
from forms.types import register, unregister
from forms.types.base import CodedType, Parts
from tests.answering.helpers import open_wave, post_answers, start

SLUG = "stjerner"
YAML = """\
questionnaire:
  id: stjerner
  version: 1
  kind: survey
  audience: adviser
  title: {da: "Stjerner", en: "Stars"}
questions:
  - id: tilfreds
    type: stars
    stars: 4
    text: {da: "Hvor mange stjerner giver du forløbet?", en: "How many stars do you give the course?"}
"""


class Stars(CodedType):
    """`stars: N` (2-10): one to N stars, ordinal, the top two stars are the top-2-box."""

    name = "stars"
    keys = ("stars",)
    css_class: ClassVar[str] = "likert"

    def parse(self, src: Any, m: Any, qid: str, text: Text | None, scales: dict[str, Scale]) -> Parts:
        count = src.integer(m, "stars", 5)
        if not 2 <= count <= 10:
            src.error("wrong_type", m.value_line("stars"), "stars", expected="a whole number from 2 to 10",
                      actual=f"the number {count}")
            return Parts(complete=False)
        options = tuple(Option(n, Text(f"{n} stjerne" + ("r" if n > 1 else ""), f"{n} star" + ("s" if n > 1 else "")))
                        for n in range(1, count + 1))
        return Parts(scale=Scale(f"{qid}__stars", Text("Stjerner", "Stars"), options, True, (count - 1, count)))


@pytest.fixture
def stars_type():
    register(Stars)
    yield Stars
    unregister(Stars.name)


def test_a_type_registered_in_one_class_loads_renders_stores_and_exports(app, catalogue, stars_type):
    questionnaire, _warnings = parse_questionnaire_text(YAML, "stjerner.yaml", catalogue)
    assert questionnaire.question("tilfreds").scale.top2 == (3, 4)
    with app.app_context():
        store_questionnaire(questionnaire)
        db.session.commit()
    _wave_id, invitations = open_wave(app, slug=SLUG, counts={"aalborg": 2})

    for (_invitation_id, token), stars in zip(invitations, ("4", "3")):
        client = app.test_client()
        page = start(client, token).get_data(as_text=True)
        assert "Hvor mange stjerner giver du forløbet?" in page
        assert 'class="choices likert"' in page and "4 stjerner" in page
        assert post_answers(client, {"q_tilfreds": stars}).status_code in (302, 303)

    with app.app_context():
        from sqlalchemy import select

        from app.models import Response

        stored = [answers_of(r.id, questionnaire) for r in db.session.scalars(select(Response).order_by(Response.id))]
        assert stored == [{"tilfreds": 4}, {"tilfreds": 3}]
        app.config["ANONYMITY_THRESHOLD"] = 1
        [table] = SurveyExporter(service.survey_data(SLUG)).question_tables()
    network = [row for row in table.rows if row[0] == "Netværket i alt"]
    assert [row[3] for row in network if row[2] in (1, 2, 3, 4)] == [0, 0, 1, 1]
    [mean] = [row for row in network if row[1] == "Gennemsnit"]
    assert mean[4].value == 3.5
    [top2] = [row for row in network if row[1].startswith("Top-2")]
    assert top2[3] == 2


def test_a_registered_type_checks_its_own_keys_with_located_problems(catalogue, stars_type):
    with pytest.raises(CatalogueError) as caught:
        parse_questionnaire_text(YAML.replace("stars: 4", "stars: 40"), "stjerner.yaml", catalogue)
    assert "stjerner.yaml:10: 'stars' must be a whole number from 2 to 10, not the number 40" in str(caught.value)


def test_an_unregistered_type_is_refused_with_the_known_types(catalogue):
    with pytest.raises(CatalogueError) as caught:
        parse_questionnaire_text(YAML, "stjerner.yaml", catalogue)
    message = str(caught.value)
    assert "unknown question type 'stars'" in message
    assert "likert, single_choice, multiple_choice, yes_no, number, text, textarea, date" in message

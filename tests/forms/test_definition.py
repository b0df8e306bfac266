"""Definition objects: round trip, fingerprints, include expansion and conditions."""
from __future__ import annotations

from forms import Condition, Questionnaire, load_catalogue, visible_questions
from tests.forms.catalogue_root import Root

SUPERVISION = """\
sections:
  - id: sag
    title: {da: "Sagen", en: "The case"}
    questions:
      - id: screen
        type: yes_no
        text: {da: "Har du behandlet sager?", en: "Have you handled cases?"}
        help: {da: "Før forsøget", en: "Before the experiment"}
        required: true
      - include: lae265
      - id: note
        type: textarea
        text: {da: "Bemærkninger", en: "Remarks"}
        show_if: {question: lae_doctor, in: [1, 2]}
"""

BLOCK = """\
block:
  id: lae265
  title: {da: "LÆ265", en: "LÆ265"}
  questions:
    - id: lae_without
      type: yes_no
      text: {da: "Er sagen afgjort uden LÆ265?", en: "Decided without LÆ265?"}
      show_if: {question: screen, equals: 1}
    - id: lae_doctor
      type: yes_no
      text: {da: "Har egen læge været inddraget?", en: "Was the own doctor involved?"}
      show_if: {question: lae_without, equals: 1}
"""


def load(root: Root, body: str = SUPERVISION) -> Questionnaire:
    """Write the block and a questionnaire with `body`, then load it."""
    root.write("shared/lae265.yaml", BLOCK)
    root.questionnaire("tilsyn.yaml", body)
    return load_catalogue(root=root.path).questionnaires["tilsyn"]


def test_to_dict_round_trips_exactly(root: Root):
    q = load(root)
    assert Questionnaire.from_dict(q.to_dict()) == q


def test_to_dict_embeds_each_questions_scale(root: Root):
    scale = load(root).to_dict()["sections"][0]["questions"][0]["scale"]
    assert scale["id"] == "yes_no"
    assert [o["da"] for o in scale["options"]] == ["Ja", "Nej"]


def test_fingerprints_are_stable_across_reloads(root: Root):
    first = load(root)
    second = load_catalogue(root=root.path).questionnaires["tilsyn"]
    assert first.fingerprint == second.fingerprint
    assert [q.fingerprint for q in first.questions] == [q.fingerprint for q in second.questions]


def test_wording_change_changes_question_fingerprint(root: Root):
    before = load(root).question("screen").fingerprint
    after = load(root, SUPERVISION.replace("Have you handled cases?", "Did you handle cases?"))
    assert after.question("screen").fingerprint != before


def test_scale_change_changes_question_fingerprint(root: Root):
    before = load(root).question("screen").fingerprint
    scales = root.path / "scales.yaml"
    scales.write_text(scales.read_text().replace('da: "Nej"', 'da: "Nej, ikke"'))
    assert load_catalogue(root=root.path).questionnaires["tilsyn"].question(
        "screen").fingerprint != before


def test_help_text_is_not_part_of_question_fingerprint(root: Root):
    before = load(root)
    after = load(root, SUPERVISION.replace("Før forsøget", "Inden forsøget"))
    assert after.question("screen").fingerprint == before.question("screen").fingerprint
    assert after.fingerprint != before.fingerprint


def test_include_keeps_block_question_ids_and_names_the_block(root: Root):
    q = load(root)
    assert [(x.id, x.block, x.section) for x in q.questions] == [
        ("screen", None, "sag"), ("lae_without", "lae265", "sag"),
        ("lae_doctor", "lae265", "sag"), ("note", None, "sag")]


def test_inline_options_make_an_anonymous_scale(root: Root):
    q = load(root, """\
questions:
  - id: income
    type: single_choice
    text: {da: "Forsørgelse", en: "Income"}
    options:
      - {code: 1, da: "Job", en: "Job"}
      - {code: 2, da: "Fleksjob", en: "Flex job"}
""").question("income")
    assert (q.scale.id, q.scale.codes, q.scale.label(2, "en")) == ("income__options", (1, 2), "Flex job")


def test_scale_default_top2_is_the_two_highest_valid_codes(root: Root):
    scale = load_catalogue(root=root.path).scales["extent5"]
    assert (scale.top2, scale.valid_codes) == ((4, 5), (1, 2, 3, 4, 5))


def test_condition_holds_for_a_code_or_any_chosen_code():
    c = Condition("x", frozenset({1, 2}))
    assert c.holds({"x": 2}) and c.holds({"x": [3, 1]})
    assert not c.holds({"x": 3}) and not c.holds({}) and not c.holds({"x": True})


def test_condition_hides_a_question(root: Root):
    q = load(root)
    assert [x.id for x in visible_questions(q, {"screen": 2})] == ["screen"]


def test_question_conditioned_on_a_hidden_question_is_hidden(root: Root):
    q = load(root)
    answers = {"screen": 2, "lae_without": 1, "lae_doctor": 1}
    assert [x.id for x in visible_questions(q, answers)] == ["screen"]


def test_all_conditions_met_shows_every_question(root: Root):
    q = load(root)
    answers = {"screen": 1, "lae_without": 1, "lae_doctor": 2}
    assert len(visible_questions(q, answers)) == 4

"""Each problem the questionnaire language defines is reported at its file and line."""
from __future__ import annotations

from pathlib import Path

import pytest

from forms import CatalogueError, Problem, check_paths, load_catalogue, parse_questionnaire_text
from tests.forms.catalogue_root import HEADER, Root, line_of


def errors_in(path: Path) -> list[Problem]:
    """The errors check_paths reports for one file."""
    return [p for p in check_paths([path]) if p.is_error]


def only_error(path: Path) -> Problem:
    """The single error reported for `path`."""
    errors = errors_in(path)
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def likert(qid: str, extra: str = "") -> str:
    """A valid likert question as a YAML list item, with optional extra lines."""
    item = f"""\
  - id: {qid}
    type: likert
    scale: extent5
    text: {{da: "Spørgsmål {qid}", en: "Question {qid}"}}
"""
    return item + "".join(f"    {line}\n" for line in extra.splitlines())


def test_valid_questionnaire_has_no_problems(root: Root):
    path = root.questionnaire("ok.yaml", "questions:\n" + likert("a1"))
    assert check_paths([path]) == []


def test_yaml_syntax_error_reports_its_line(root: Root):
    path = root.questionnaire("broken.yaml", "questions:\n  - id: a1\n    text: [unclosed\n")
    problem = only_error(path)
    assert problem.code == "yaml_syntax"
    assert problem.path == str(path)
    assert problem.line is not None and problem.line >= line_of(path, "[unclosed")


def test_unknown_top_level_key(root: Root):
    path = root.questionnaire("top.yaml", "questions:\n" + likert("a1") + "sectons: []\n")
    problem = only_error(path)
    assert problem.line == line_of(path, "sectons:")
    assert problem.message == "unknown key 'sectons' in a questionnaire file (did you mean 'sections'?)"


def test_unknown_question_key(root: Root):
    path = root.questionnaire("qkey.yaml", "questions:\n" + likert("a1", "requried: true"))
    problem = only_error(path)
    assert (problem.line, problem.key) == (line_of(path, "requried"), "requried")
    assert problem.message == "unknown key 'requried' in question 'a1' (did you mean 'required'?)"


def test_missing_required_question_key(root: Root):
    path = root.questionnaire("nokey.yaml", """\
        questions:
          - id: a1
            type: likert
            scale: extent5
        """)
    problem = only_error(path)
    assert problem.line == line_of(path, "- id: a1")
    assert problem.message == "missing required key 'text' in question 'a1'"


def test_missing_required_header_key(root: Root):
    path = root.write("nohead.yaml", """\
        questionnaire:
          id: nohead
          version: 1
          audience: adviser
          title: {da: "T", en: "T"}
        questions: []
        """)
    problem = only_error(path)
    assert (problem.line, problem.message) == (2, "missing required key 'kind' in 'questionnaire'")


@pytest.mark.parametrize("line, expected, actual", [
    ('required: "yes"', "true or false", 'the text "yes"'),
    ("max_length: lang", "a whole number", 'the text "lang"'),
])
def test_wrong_type_of_question_value(root: Root, line: str, expected: str, actual: str):
    path = root.questionnaire("wrong.yaml", """\
        questions:
          - id: t1
            type: text
            text: {da: "Fritekst", en: "Free text"}
        """ + f"    {line}\n")
    problem = only_error(path)
    key = line.split(":")[0]
    assert problem.line == line_of(path, line)
    assert problem.message == f"'{key}' must be {expected}, not {actual}"


def test_wrong_type_of_number_bound(root: Root):
    path = root.questionnaire("bound.yaml", """\
        questions:
          - id: n1
            type: number
            text: {da: "Antal", en: "Number"}
            min: "a"
        """)
    problem = only_error(path)
    assert (problem.line, problem.message) == (line_of(path, 'min: "a"'),
                                               "'min' must be a whole number, not the text \"a\"")


def test_unknown_question_type(root: Root):
    path = root.questionnaire("type.yaml", """\
        questions:
          - id: a1
            type: slider
            text: {da: "Spørgsmål", en: "Question"}
        """)
    problem = only_error(path)
    assert problem.line == line_of(path, "type: slider")
    assert problem.message.startswith("unknown question type 'slider' (expected one of: likert,")


def test_unknown_scale(root: Root):
    path = root.questionnaire("scale.yaml", "questions:\n"
                              + likert("a1").replace("extent5", "extent7"))
    problem = only_error(path)
    assert (problem.line, problem.message) == (line_of(path, "extent7"), "unknown scale 'extent7'")


def test_duplicate_question_id(root: Root):
    path = root.questionnaire("dup.yaml", "questions:\n" + likert("a1") + likert("a1"))
    problem = only_error(path)
    first = line_of(path, "- id: a1")
    assert problem.line == first + 4
    assert problem.message == f"duplicate question id 'a1' (first defined at {path}:{first})"


def test_duplicate_question_id_through_include(root: Root):
    block = root.write("shared/b.yaml", "block:\n  id: blk\n  questions:\n" + likert("a1"))
    path = root.questionnaire("dupinc.yaml", "questions:\n" + likert("a1") + "  - include: blk\n")
    problem = only_error(path)
    assert problem.line == line_of(path, "include: blk")
    assert problem.message == (f"duplicate question id 'a1' brought in by include 'blk' "
                               f"(first defined at {path}:{line_of(path, '- id: a1')})")
    assert check_paths([block]) == []


def test_duplicate_option_code_in_scale(root: Root):
    scales = root.path / "scales.yaml"
    scales.write_text(scales.read_text() + """\
  quality4:
    options:
      - {code: 1, da: "Dårligere", en: "Worse"}
      - {code: 1, da: "Samme", en: "Same"}
""", encoding="utf-8")
    problem = only_error(scales)
    assert problem.line == line_of(scales, '"Samme"')
    assert problem.message == (f"duplicate option code 1 in scale 'quality4' "
                               f"(first at line {line_of(scales, 'Dårligere')})")


def test_duplicate_option_code_inline(root: Root):
    path = root.questionnaire("inline.yaml", """\
        questions:
          - id: c1
            type: single_choice
            text: {da: "Forsørgelse", en: "Income"}
            options:
              - {code: 1, da: "Job", en: "Job"}
              - {code: 1, da: "Fleksjob", en: "Flex job"}
        """)
    problem = only_error(path)
    assert problem.line == line_of(path, "Fleksjob")
    assert problem.message.startswith("duplicate option code 1 in question 'c1'")


def test_condition_on_unknown_question(root: Root):
    path = root.questionnaire("c.yaml", "questions:\n"
                              + likert("a1", "show_if: {question: zz, equals: 1}"))
    problem = only_error(path)
    assert (problem.line, problem.message) == (line_of(path, "show_if"),
                                               "condition refers to unknown question 'zz'")


def test_condition_on_later_question(root: Root):
    path = root.questionnaire("c.yaml", "questions:\n"
                              + likert("a1", "show_if: {question: a2, equals: 1}") + likert("a2"))
    problem = only_error(path)
    assert problem.line == line_of(path, "show_if")
    assert problem.message == "condition of 'a1' refers to 'a2', which does not come before it"


def test_condition_on_uncoded_question(root: Root):
    number = '  - id: n1\n    type: number\n    text: {da: "Antal", en: "Number"}\n'
    path = root.questionnaire("c.yaml", "questions:\n" + number
                              + likert("a1", "show_if: {question: n1, equals: 1}"))
    problem = only_error(path)
    assert problem.line == line_of(path, "show_if")
    assert problem.message == "condition refers to 'n1', a number question without coded answers"


def test_condition_code_not_in_options(root: Root):
    path = root.questionnaire("c.yaml", "questions:\n" + likert("a0") + likert("a1", """\
show_if:
  question: a0
  in: [4, 7]"""))
    problem = only_error(path)
    assert problem.line == line_of(path, "in: [4, 7]")
    assert problem.message == ("condition code 7 is not an option of question 'a0' "
                               "(options: 1, 2, 3, 4, 5, 9)")


def test_include_of_unknown_block(root: Root):
    path = root.questionnaire("inc.yaml", "questions:\n  - include: nowhere\n")
    problem = only_error(path)
    assert (problem.line, problem.message) == (line_of(path, "nowhere"),
                                               "include of unknown block 'nowhere'")


def test_include_cycle_is_reported_once(root: Root):
    a = root.write("shared/a.yaml", "block:\n  id: a\n  questions:\n" + likert("x1")
                   + "  - include: b\n")
    b = root.write("shared/b.yaml", "block:\n  id: b\n  questions:\n  - include: a\n")
    errors = errors_in(a)
    assert [e.message for e in errors] == ["include cycle: a -> b -> a"]
    assert (errors[0].path, errors[0].line) == (str(b), line_of(b, "include: a"))


def test_missing_danish_text(root: Root):
    path = root.questionnaire("da.yaml", """\
        questions:
          - id: a1
            type: likert
            scale: extent5
            text: {en: "Question"}
        """)
    problem = only_error(path)
    assert (problem.line, problem.message) == (line_of(path, "text:"),
                                               "missing Danish text ('da') in 'text'")


def test_missing_english_text_is_a_warning(root: Root):
    path = root.questionnaire("en.yaml", """\
        questions:
          - id: a1
            type: likert
            scale: extent5
            text: "Kun dansk"
        """)
    [problem] = check_paths([path])
    assert problem.severity == "warning"
    assert str(problem) == f"{path}:{line_of(path, 'Kun dansk')}: warning: missing English text ('en') in 'text'"


def test_unknown_experiment(root: Root):
    path = root.questionnaire("exp.yaml", "questions:\n" + likert("a1"))
    path.write_text(path.read_text().replace("experiment: forsoeg", "experiment: ukendt"))
    problem = only_error(path)
    assert (problem.line, problem.message) == (line_of(path, "ukendt"),
                                               "unknown experiment 'ukendt'")


def test_unknown_municipality_in_experiment(root: Root):
    experiments = root.write("reference/experiments.yaml", """\
        experiments:
          - slug: forsoeg
            title: {da: "Et forsøg", en: "An experiment"}
            municipalities: [aalborg, aarhus]
        """)
    problems = [p for p in check_paths(None, root.path) if p.is_error]
    assert [(p.path, p.line, p.message) for p in problems] == [
        (str(experiments), 4, "unknown municipality 'aarhus' in experiment 'forsoeg'")]


def test_duplicate_questionnaire_id_across_files(root: Root):
    first = root.questionnaire("one.yaml", "questions:\n" + likert("a1"), qid="same")
    second = root.questionnaire("two.yaml", "questions:\n" + likert("a1"), qid="same")
    problems = check_paths([root.path])
    assert [(p.path, p.line, p.message) for p in problems] == [
        (str(second), 2, f"duplicate questionnaire id 'same' (also in {first}:2)")]


def test_every_problem_is_reported_in_one_run(root: Root):
    path = root.questionnaire("three.yaml", "questions:\n"
                              + likert("a1", 'required: "ja"')
                              + likert("a2").replace("extent5", "nope")
                              + "  - include: nowhere\n")
    assert [p.line for p in errors_in(path)] == [line_of(path, "required"),
                                                 line_of(path, "nope"), line_of(path, "nowhere")]


def test_load_catalogue_raises_with_all_problems(root: Root):
    root.questionnaire("bad.yaml", "questions:\n" + likert("a1", "colour: red")
                       + "  - include: nowhere\n")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(root=root.path)
    assert len(caught.value.problems) == 2
    assert str(caught.value).splitlines() == [str(p) for p in caught.value.problems]


def test_relative_paths_stay_relative_in_messages(root: Root, monkeypatch):
    root.questionnaire("rel.yaml", "questions:\n  - include: nowhere\n")
    monkeypatch.chdir(root.path.parent)
    [problem] = check_paths(["questionnaires/rel.yaml"])
    assert str(problem).startswith("questionnaires/rel.yaml:")


def test_missing_file_is_a_problem_not_a_crash(root: Root):
    [problem] = check_paths([root.path / "absent.yaml"], root=root.path)
    assert problem.message == "file not found"


def test_duplicate_yaml_key_is_reported(root: Root):
    path = root.questionnaire("twice.yaml", "questions:\n" + likert("a1", "type: text"))
    problem = only_error(path)
    assert problem.line == line_of(path, "type: text")
    assert problem.message == f"duplicate key 'type' (first at line {line_of(path, 'type: likert')})"


def test_uploaded_text_goes_through_the_same_checks(root: Root):
    catalogue = load_catalogue(root=root.path)
    text = HEADER.format(id="upload") + "questions:\n" + likert("a1").replace("extent5", "nope")
    with pytest.raises(CatalogueError) as caught:
        parse_questionnaire_text(text, "upload.yaml", catalogue)
    assert [str(p) for p in caught.value.problems] == ["upload.yaml:11: unknown scale 'nope'"]
    questionnaire, warnings = parse_questionnaire_text(text.replace("nope", "extent5"),
                                                       "upload.yaml", catalogue)
    assert (questionnaire.id, warnings) == ("upload", ())

"""The one catalogue of user-facing messages: questionnaire problems and answer validation."""

# Problems found in questionnaire files. Every Problem message is made from one of these templates.
PROBLEMS: dict[str, str] = {
    "yaml_syntax": "YAML syntax error: {detail}",
    "yaml_too_deep": "the YAML is nested more than {limit} levels deep",
    "yaml_too_large": "the YAML stands for more than {limit} values once its aliases are expanded",
    "file_not_found": "file not found",
    "file_unreadable": "cannot read file: {detail}",
    "root_not_found": "cannot find scales.yaml in this folder or any folder above it",
    "missing_file": "missing file: the catalogue root must hold {name}",
    "empty_file": "the file is empty",
    "duplicate_yaml_key": "duplicate key '{key}' (first at line {first})",
    "unknown_key": "unknown key '{key}' in {where}{hint}",
    "key_not_for_type": "key '{key}' does not apply to questions of type {type}",
    "missing_key": "missing required key '{key}' in {where}",
    "wrong_type": "'{key}' must be {expected}, not {actual}",
    "bad_choice": "'{key}' must be one of {choices}, not '{value}'",
    "bad_id": "'{value}' is not a valid {what} ({rule})",
    "either_key": "use either '{first}' or '{second}' in {where}, not both",
    "unknown_type": "unknown question type '{value}' (expected one of: {choices})",
    "unknown_scale": "unknown scale '{value}'",
    "scale_or_options": "a {type} question needs either 'scale' or 'options'",
    "empty_options": "'{key}' must list at least one option",
    "duplicate_option": "duplicate option code {code} in {where} (first at line {first})",
    "top2_unknown_code": "top2 code {code} is not a non-missing option of scale '{scale}'",
    "min_above_max": "min ({min}) is greater than max ({max})",
    "duplicate_question": "duplicate question id '{id}' (first defined at {first})",
    "duplicate_question_include": (
        "duplicate question id '{id}' brought in by include '{block}' (first defined at {first})"
    ),
    "duplicate_section": "duplicate section id '{id}' (first at line {first})",
    "condition_unknown_question": "condition refers to unknown question '{question}'",
    "condition_later_question": (
        "condition of '{id}' refers to '{question}', which does not come before it"
    ),
    "condition_not_coded": (
        "condition refers to '{question}', a {type} question without coded answers"
    ),
    "condition_unknown_code": (
        "condition code {code} is not an option of question '{question}' (options: {codes})"
    ),
    "unknown_block": "include of unknown block '{block}'",
    "include_cycle": "include cycle: {cycle}",
    "duplicate_block": "duplicate block id '{id}' (also in {other})",
    "missing_danish": "missing Danish text ('da') in '{key}'",
    "missing_english": "missing English text ('en') in '{key}'",
    "unknown_experiment": "unknown experiment '{value}'",
    "unknown_municipality": "unknown municipality '{value}' in experiment '{experiment}'",
    "duplicate_reference": "duplicate {what} '{value}' (first at line {first})",
    "duplicate_questionnaire": "duplicate questionnaire id '{id}' (also in {other})",
}

# Messages shown to respondents when an answer is refused, per language.
ANSWERS: dict[str, dict[str, str]] = {
    "required": {
        "da": "Besvar venligst dette spørgsmål.",
        "en": "Please answer this question.",
    },
    "number": {"da": "Angiv et helt tal.", "en": "Enter a whole number."},
    "number_between": {
        "da": "Angiv et helt tal mellem {min} og {max}.",
        "en": "Enter a whole number between {min} and {max}.",
    },
    "number_min": {
        "da": "Angiv et helt tal på mindst {min}.",
        "en": "Enter a whole number of at least {min}.",
    },
    "number_max": {
        "da": "Angiv et helt tal på højst {max}.",
        "en": "Enter a whole number of at most {max}.",
    },
    # The same with the question's unit, e.g. "Angiv et helt antal måneder mellem 1 og 60."
    "number_unit": {"da": "Angiv et helt antal {unit}.", "en": "Enter a whole number of {unit}."},
    "number_unit_between": {
        "da": "Angiv et helt antal {unit} mellem {min} og {max}.",
        "en": "Enter a whole number of {unit} between {min} and {max}.",
    },
    "number_unit_min": {
        "da": "Angiv et helt antal {unit}, mindst {min}.",
        "en": "Enter a whole number of {unit}, at least {min}.",
    },
    "number_unit_max": {
        "da": "Angiv et helt antal {unit}, højst {max}.",
        "en": "Enter a whole number of {unit}, at most {max}.",
    },
    "too_long": {
        "da": "Svaret må højst være {max} tegn langt.",
        "en": "The answer may be at most {max} characters long.",
    },
    "invalid_date": {
        "da": "Angiv en gyldig dato (åååå-mm-dd).",
        "en": "Enter a valid date (yyyy-mm-dd).",
    },
    "invalid_choice": {
        "da": "Vælg en af de viste svarmuligheder.",
        "en": "Choose one of the options shown.",
    },
    "cpr": {
        "da": "Feltet ser ud til at indeholde et CPR-nummer. Fjern det, før du gemmer.",
        "en": "The field appears to contain a CPR number. Remove it before saving.",
    },
}


def problem_message(template: str, /, **params: object) -> str:
    """Return the text of catalogue problem `template` filled with `params`."""
    return PROBLEMS[template].format(**params)


def answer_message(code: str, lang: str = "da", **params: object) -> str:
    """Return respondent message `code` in `lang` (Danish when the language is unknown)."""
    texts = ANSWERS[code]
    return texts.get(lang, texts["da"]).format(**params)

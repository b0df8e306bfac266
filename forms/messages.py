"""The one catalogue of user-facing messages: questionnaire problems and answer validation."""
import re

# Problems found in questionnaire files. Every Problem message is made from one of these templates.
PROBLEMS: dict[str, str] = {
    "yaml_syntax": "YAML syntax error: {detail}",
    "yaml_character": "the character {character} (a control character) is not allowed in YAML, at column {column}: "
                      "delete it",
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
    "xlsform_no_sheet": "the workbook has no sheet named '{sheet}'",
    "xlsform_missing_cell": "column '{key}' is empty",
    "xlsform_missing_danish": "column '{key}': no Danish wording (a column 'label' or 'label::Dansk (da)')",
    "xlsform_bad_cell": "column '{key}': '{value}' cannot be read here",
    "xlsform_bad_name": "column '{key}': '{value}' is not a valid question id (a lowercase letter, then "
                        "lowercase letters, digits or _)",
    "xlsform_unsupported_type": "column '{key}': '{value}' has no question type in Bølge (it reads: {choices})",
    "xlsform_unsupported_column": "column '{key}': '{value}' is not supported by Bølge",
    "xlsform_unknown_list": "column '{key}': the choices sheet has no list '{value}'",
    "xlsform_bad_relevant": "column '{key}': the condition '{value}' cannot be read; Bølge reads "
                            "${{question}} = 'code' or selected(${{question}}, 'code'), joined by or, "
                            "on one earlier question",
    "xlsform_bad_constraint": "column '{key}': the constraint '{value}' cannot be read; Bølge reads "
                              ". >= N and . <= N for whole numbers and string-length(.) <= N for text",
    "xlsform_nested_group": "column '{key}': a group inside a group; only a shared block (bolge_block) "
                            "may stand inside a section",
    "xlsform_unmatched_end": "column '{key}': end_group without a begin_group",
    "xlsform_unclosed_group": "column '{key}': the group '{value}' has no end_group",
    "xlsform_unknown_block": "column '{key}': unknown shared block '{value}'",
    "xlsform_block_differs": "column '{key}': the questions of this group are not those of the shared "
                             "block '{value}'; a shared block is worded in its own file",
    "xlsform_scale_differs": "column '{key}': the list '{value}' bears the name of a scale in scales.yaml "
                             "but has other options; rename the list to give its questions options of their own",
    "xlsform_metadata": "column '{key}': '{value}' collects no answer and is left out",
    "xlsform_choice_codes": "column '{key}': the choice names of list '{value}' are not whole numbers; "
                            "they become the codes 1 to {n} in the order listed",
    "xlsform_own_options": "column '{key}': the list '{value}' is no scale of the catalogue, so the "
                           "{type} question becomes a {plain} question with options of its own",
    "xlsform_version": "column '{key}': '{value}' is not a whole number; the version becomes 1",
    "xlsform_pyxform": "pyxform cannot convert the form: {detail}",
}

# The same problems in Danish, for the browser editor (same keys and placeholders; tested).
PROBLEMS_DA: dict[str, str] = {
    "yaml_syntax": "fejl i YAML-syntaksen: {detail}",
    "yaml_character": "tegnet {character} er et styretegn, som ikke må stå i YAML, i kolonne {column}: slet det",
    "yaml_too_deep": "YAML-teksten er indlejret mere end {limit} niveauer dybt",
    "yaml_too_large": "YAML-teksten står for mere end {limit} værdier, når dens aliaser er foldet ud",
    "file_not_found": "filen findes ikke",
    "file_unreadable": "filen kan ikke læses: {detail}",
    "root_not_found": "scales.yaml findes ikke i denne mappe eller i en mappe over den",
    "missing_file": "en fil mangler: kataloget skal indeholde {name}",
    "empty_file": "filen er tom",
    "duplicate_yaml_key": "nøglen '{key}' står to gange (første gang i linje {first})",
    "unknown_key": "ukendt nøgle '{key}' i {where}{hint}",
    "key_not_for_type": "nøglen '{key}' gælder ikke for spørgsmål af typen {type}",
    "missing_key": "den påkrævede nøgle '{key}' mangler i {where}",
    "wrong_type": "'{key}' skal være {expected}, ikke {actual}",
    "bad_choice": "'{key}' skal være en af {choices}, ikke '{value}'",
    "bad_id": "'{value}' er ikke et gyldigt {what} ({rule})",
    "either_key": "brug enten '{first}' eller '{second}' i {where}, ikke begge",
    "unknown_type": "ukendt spørgsmålstype '{value}' (mulige: {choices})",
    "unknown_scale": "ukendt skala '{value}'",
    "scale_or_options": "et spørgsmål af typen {type} skal have enten 'scale' eller 'options'",
    "empty_options": "'{key}' skal have mindst én svarmulighed",
    "duplicate_option": "svarkoden {code} står to gange i {where} (første gang i linje {first})",
    "top2_unknown_code": "top2-koden {code} er ikke en svarmulighed (uden for 'ved ikke') på skalaen '{scale}'",
    "min_above_max": "min ({min}) er større end max ({max})",
    "duplicate_question": "spørgsmåls-id'et '{id}' er brugt to gange (første gang i {first})",
    "duplicate_question_include": (
        "spørgsmåls-id'et '{id}' kommer igen med include af '{block}' (første gang i {first})"
    ),
    "duplicate_section": "afsnits-id'et '{id}' er brugt to gange (første gang i linje {first})",
    "condition_unknown_question": "betingelsen henviser til et ukendt spørgsmål '{question}'",
    "condition_later_question": (
        "betingelsen for '{id}' henviser til '{question}', som ikke kommer før det"
    ),
    "condition_not_coded": (
        "betingelsen henviser til '{question}', et spørgsmål af typen {type} uden kodede svar"
    ),
    "condition_unknown_code": (
        "betingelsens kode {code} er ikke en svarmulighed i spørgsmålet '{question}' (mulige: {codes})"
    ),
    "unknown_block": "include af en ukendt blok '{block}'",
    "include_cycle": "include i ring: {cycle}",
    "duplicate_block": "blok-id'et '{id}' er brugt to gange (også i {other})",
    "missing_danish": "dansk tekst ('da') mangler i '{key}'",
    "missing_english": "engelsk tekst ('en') mangler i '{key}'",
    "unknown_experiment": "ukendt forsøg '{value}'",
    "unknown_municipality": "ukendt kommune '{value}' i forsøget '{experiment}'",
    "duplicate_reference": "{what} '{value}' står to gange (første gang i linje {first})",
    "duplicate_questionnaire": "spørgeskema-id'et '{id}' er brugt to gange (også i {other})",
    "xlsform_no_sheet": "arbejdsbogen har intet ark med navnet '{sheet}'",
    "xlsform_missing_cell": "kolonnen '{key}' er tom",
    "xlsform_missing_danish": "kolonnen '{key}': ingen dansk formulering (en kolonne 'label' eller "
                              "'label::Dansk (da)')",
    "xlsform_bad_cell": "kolonnen '{key}': '{value}' kan ikke læses her",
    "xlsform_bad_name": "kolonnen '{key}': '{value}' er ikke et gyldigt spørgsmåls-id (et lille bogstav, "
                        "derefter små bogstaver, cifre eller _)",
    "xlsform_unsupported_type": "kolonnen '{key}': '{value}' svarer ikke til nogen spørgsmålstype i Bølge "
                                "(Bølge læser: {choices})",
    "xlsform_unsupported_column": "kolonnen '{key}': '{value}' understøttes ikke af Bølge",
    "xlsform_unknown_list": "kolonnen '{key}': arket choices har ingen liste '{value}'",
    "xlsform_bad_relevant": "kolonnen '{key}': betingelsen '{value}' kan ikke læses; Bølge læser "
                            "${{spørgsmål}} = 'kode' eller selected(${{spørgsmål}}, 'kode'), forbundet med or, "
                            "om ét tidligere spørgsmål",
    "xlsform_bad_constraint": "kolonnen '{key}': begrænsningen '{value}' kan ikke læses; Bølge læser "
                              ". >= N and . <= N for hele tal og string-length(.) <= N for tekst",
    "xlsform_nested_group": "kolonnen '{key}': en gruppe i en gruppe; kun en fælles blok (bolge_block) "
                            "må stå i et afsnit",
    "xlsform_unmatched_end": "kolonnen '{key}': end_group uden begin_group",
    "xlsform_unclosed_group": "kolonnen '{key}': gruppen '{value}' har ingen end_group",
    "xlsform_unknown_block": "kolonnen '{key}': ukendt fælles blok '{value}'",
    "xlsform_block_differs": "kolonnen '{key}': gruppens spørgsmål er ikke den fælles blok '{value}'s; "
                             "en fælles blok formuleres i sin egen fil",
    "xlsform_scale_differs": "kolonnen '{key}': listen '{value}' har navn som en skala i scales.yaml, men "
                             "andre svarmuligheder; giv listen et andet navn, så dens spørgsmål får egne "
                             "svarmuligheder",
    "xlsform_metadata": "kolonnen '{key}': '{value}' indsamler intet svar og udelades",
    "xlsform_choice_codes": "kolonnen '{key}': navnene i listen '{value}' er ikke hele tal; de bliver "
                            "koderne 1 til {n} i den viste rækkefølge",
    "xlsform_own_options": "kolonnen '{key}': listen '{value}' er ingen skala i kataloget, så "
                           "{type}-spørgsmålet bliver et {plain}-spørgsmål med egne svarmuligheder",
    "xlsform_version": "kolonnen '{key}': '{value}' er ikke et helt tal; versionen bliver 1",
    "xlsform_pyxform": "pyxform kan ikke omsætte skemaet: {detail}",
}

# The parameters of a problem that describe rather than quote (where, what was expected, what was found):
# their English texts are made in code, so their Danish comes from these patterns, tried in order. A
# group named `inner` is itself a phrase and is translated in turn; a text no pattern matches stays as is.
PHRASE_PARAMS = frozenset({"where", "expected", "actual", "what", "rule", "hint"})
PHRASES_DA: tuple[tuple[str, str], ...] = (
    (r"question '(?P<id>.+)'", "spørgsmålet '{id}'"),
    (r"question", "et spørgsmål"),
    (r"scale '(?P<id>.+)'", "skalaen '{id}'"),
    (r"section (?P<n>\d+)", "afsnit {n}"),
    (r"an option of (?P<inner>.+)", "en svarmulighed i {inner}"),
    (r"an entry of '(?P<key>.+)'", "en post i '{key}'"),
    (r"an include", "en include"),
    (r"a shared block file", "en fil med fælles blokke"),
    (r"a questionnaire file \(or a top-level 'questions' list\)",
     "en spørgeskemafil (eller en liste 'questions' øverst)"),
    (r"a questionnaire file", "en spørgeskemafil"),
    (r"this entry", "denne post"),
    (r"a mapping with the key '(?P<key>.+)'", "en mapping med nøglen '{key}'"),
    (r"a text or a mapping with 'da' and 'en'", "en tekst eller en mapping med 'da' og 'en'"),
    (r"a mapping or list", "en mapping eller en liste"),
    (r"a mapping", "en mapping (nøgler med værdier)"),
    (r"a scale mapping", "en mapping for en skala"),
    (r"a section mapping", "en mapping for et afsnit"),
    (r"an option mapping \{code, da, en\}", "en mapping for en svarmulighed {{code, da, en}}"),
    (r"a question or an include", "et spørgsmål eller en include"),
    (r"a list of option codes", "en liste af svarkoder"),
    (r"a list of options", "en liste af svarmuligheder"),
    (r"a list of questions", "en liste af spørgsmål"),
    (r"a list of sections", "en liste af afsnit"),
    (r"a list of municipality slugs", "en liste af kommune-id'er"),
    (r"a list of (?P<key>.+)", "en liste af {key}"),
    (r"a list", "en liste"),
    (r"a text", "en tekst"),
    (r"a whole number", "et helt tal"),
    (r"true or false", "true eller false"),
    (r"a plain name", "et enkelt navn"),
    (r"empty", "tom"),
    (r"the number (?P<value>.+)", "tallet {value}"),
    (r'the text "(?P<value>.*)"', 'teksten "{value}"'),
    (r"the date (?P<value>.+)", "datoen {value}"),
    (r" \(did you mean '(?P<key>.+)'\?\)", " (mente du '{key}'?)"),
    (r"question id", "spørgsmåls-id"),
    (r"questionnaire id", "spørgeskema-id"),
    (r"block id", "blok-id"),
    (r"section id", "afsnits-id"),
    (r"municipality code", "kommunekode"),
    (r"municipality slug", "kommune-id"),
    (r"experiment", "forsøg"),
    (r"a lowercase letter, then lowercase letters, digits or _", "et lille bogstav, så små bogstaver, cifre eller _"),
    (r"lowercase letters, digits and -", "små bogstaver, cifre og -"),
    (r"lowercase letters, digits, _ and -", "små bogstaver, cifre, _ og -"),
)

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
    "unreadable": {
        "da": "Svaret kunne ikke læses. Ret det, og prøv igen.",
        "en": "The answer could not be read. Correct it and try again.",
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


def problem_message(template: str, lang: str = "en", /, **params: object) -> str:
    """Return the text of catalogue problem `template` filled with `params`, in English or Danish."""
    if lang == "en":
        return PROBLEMS[template].format(**params)
    if template == "yaml_syntax":
        params = {**params, "detail": yaml_detail_da(str(params.get("detail", "")))}
    return PROBLEMS_DA[template].format(**{name: phrase_da(value) if name in PHRASE_PARAMS else value
                                           for name, value in params.items()})


# The YAML parser's (PyYAML's) words in Danish: where it was ("while parsing a flow sequence"), then what
# it found. Characters and tokens it quotes stay as they are; something not listed stays English.
YAML_CONTEXTS_DA: tuple[tuple[str, str], ...] = (
    (r"while scanning for the next token", "ved næste tegn"),
    (r"while scanning a simple key", "i en nøgle"),
    (r"while scanning a (?:double-)?quoted scalar", "i en tekst i anførselstegn"),
    (r"while scanning a block scalar", "i en tekst over flere linjer (| eller >)"),
    (r"while scanning an alias", "i et alias (*)"),
    (r"while scanning an anchor", "i et anker (&)"),
    (r"while (?:scanning|parsing) a tag", "i et tag (!)"),
    (r"while scanning a directive", "i et direktiv (%)"),
    (r"while (?:parsing|composing) a block mapping|while composing a mapping",
     "i en blok af nøgler og værdier"),
    (r"while parsing a block collection", "i en liste (linjer med -)"),
    (r"while parsing a flow sequence", "i en liste i [ ]"),
    (r"while parsing a flow mapping", "i nøgler og værdier i { }"),
    (r"while parsing a (?:block |flow )?node", "i en værdi"),
    (r"expected a single document in the stream", "filen må kun rumme ét YAML-dokument"),
)
YAML_PROBLEMS_DA: tuple[tuple[str, str], ...] = (
    (r"expected <block end>, but found (?P<x>.+)",
     "blokken skulle slutte her, men der står {x} (tjek indrykningen)"),
    (r"could not find expected ':'", "der mangler et kolon efter nøglen (eller et afsluttende anførselstegn)"),
    (r"mapping values are not allowed here",
     "et kolon med mellemrum efter (': ') må ikke stå her: sæt teksten i anførselstegn, eller tjek indrykningen"),
    (r"found character '\\t' that cannot start any token", "der står et tabulatortegn: ryk ind med mellemrum"),
    (r"found character (?P<x>.+) that cannot start any token", "tegnet {x} kan ikke stå her"),
    (r"found unexpected end of stream", "teksten slutter for tidligt (mangler et afsluttende anførselstegn?)"),
    (r"found unknown escape character (?P<x>.+)", "ukendt tegn {x} efter \\ (skriv \\\\ for en omvendt skråstreg)"),
    (r"found undefined alias (?P<x>.+)", "aliaset {x} er ikke defineret med et anker (&) før"),
    (r"found duplicate anchor (?P<x>.+); first occurrence", "ankeret {x} findes to gange; første gang"),
    (r"found unexpected document separator", "uventet dokumentskille (---)"),
    (r"but found another document", "der kommer et til efter ---"),
    (r"expected the node content, but found (?P<x>.+)", "her skulle stå en værdi, men der står {x}"),
    (r"expected (?P<a>'.+'(?: or '.+')?), but (?:found|got) '<stream end>'",
     "teksten slutter, hvor der skulle stå {a}"),
    (r"expected (?P<a>'.+'(?: or '.+')?), but (?:found|got) (?P<x>.+)", "her skulle stå {a}, men der står {x}"),
    (r"expected a comment or a line break, but found (?P<x>.+)",
     "her skulle linjen slutte (eller en kommentar med #), men der står {x}"),
    (r"expected alphabetic or numeric character, but found (?P<x>.+)",
     "her skulle stå et bogstav eller et tal, men der står {x}"),
    (r"expected (?P<a>.+), but (?:found|got) (?P<x>.+)", "forventede {a}, men der står {x}"),
    (r"found (?P<x>.+)", "fandt {x}"),
)
_YAML_CONTEXTS = tuple((re.compile("(?:" + p + r")(?: (?P<rest>.+))?"), d) for p, d in YAML_CONTEXTS_DA)
_YAML_PROBLEMS = tuple((re.compile(p), d) for p, d in YAML_PROBLEMS_DA)


def yaml_detail_da(detail: str) -> str:
    """The YAML parser's detail ("while parsing a flow sequence expected ',' or ']', but got ...") in Danish."""
    for pattern, danish in _YAML_CONTEXTS:
        match = pattern.fullmatch(detail)
        if match:
            rest = match.group("rest")
            return danish + (": " + _yaml_problem_da(rest) if rest else "")
    return _yaml_problem_da(detail)


def _yaml_problem_da(problem: str) -> str:
    for pattern, danish in _YAML_PROBLEMS:
        match = pattern.fullmatch(problem)
        if match:
            return danish.format(**{k: v.replace("' or '", "' eller '") for k, v in match.groupdict().items()})
    return problem


_PATTERNS = tuple((re.compile(pattern), danish) for pattern, danish in PHRASES_DA)


def phrase_da(value: object) -> object:
    """The Danish of a descriptive parameter (see PHRASES_DA); anything else as it is."""
    if not isinstance(value, str):
        return value
    for pattern, danish in _PATTERNS:
        match = pattern.fullmatch(value)
        if match:
            groups = match.groupdict()
            if "inner" in groups:
                groups["inner"] = phrase_da(groups["inner"])
            return danish.format(**groups)
    return value


def answer_message(code: str, lang: str = "da", **params: object) -> str:
    """Return respondent message `code` in `lang` (Danish when the language is unknown)."""
    texts = ANSWERS[code]
    return texts.get(lang, texts["da"]).format(**params)

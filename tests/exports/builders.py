"""Small survey inputs built in memory: a questionnaire of every counted type and a long answer frame."""
from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd

from exports.survey_data import LONG_COLUMNS, SurveyData, WaveInfo
from forms import Option, Question, Scale, Text

EXTENT = Scale("extent5", Text("Grad"), tuple(Option(c, Text(label)) for c, label in
               [(1, "Slet ikke"), (2, "I mindre grad"), (3, "Hverken eller"), (4, "I nogen grad"),
                (5, "I høj grad")]) + (Option(9, Text("Ved ikke"), True),), True, (4, 5))
CHOICES = Scale("kanaler", Text("Kanaler"), (Option(1, Text("Telefon")), Option(2, Text("Mail")),
                                              Option(3, Text("Møde"))), False, ())
QUESTIONS = [
    Question("grad", "likert", Text("I hvor høj grad?"), scale=EXTENT),
    Question("kanal", "multiple_choice", Text("Hvilke kanaler?"), scale=CHOICES),
    Question("maaneder", "number", Text("Hvor mange måneder?"), min=-12, max=36),
    Question("kommentar", "textarea", Text("Bemærkninger")),
]
MUNICIPALITIES = {1: "Aalborg", 2: "Læsø", 3: "Thisted", 4: "Hjørring"}


def wave(wave_id: int, label: str, questions=QUESTIONS) -> WaveInfo:
    return WaveInfo(wave_id, label, datetime(2018 + wave_id, 1, 7, 7, tzinfo=timezone.utc),
                    datetime(2018 + wave_id, 2, 1, 7, tzinfo=timezone.utc), 1,
                    {q.id: q.fingerprint for q in questions}, {q.id: q.text.da for q in questions})


def survey(rows: list[tuple], waves: list[WaveInfo] | None = None, **kwargs) -> SurveyData:
    """rows: (response_id, wave_id, municipality_id, question_id, option_code, number, text)."""
    frame = pd.DataFrame([(*r, None) for r in rows], columns=LONG_COLUMNS)
    for column in ("option_code", "number"):
        frame[column] = frame[column].astype("float64")
    return SurveyData("Test", "test", list(QUESTIONS), waves or [wave(1, "Bølge 1")], dict(MUNICIPALITIES), frame,
                      **kwargs)


def respondents(wave_id: int, municipality_id: int, start: int, answers: list[dict]) -> list[tuple]:
    """Long rows for answer dicts: grad -> code, kanal -> list of codes, maaneder -> number, kommentar -> text."""
    rows = []
    for i, a in enumerate(answers):
        rid = start + i
        if "grad" in a:
            rows.append((rid, wave_id, municipality_id, "grad", a["grad"], None, None))
        for code in a.get("kanal", []):
            rows.append((rid, wave_id, municipality_id, "kanal", code, None, None))
        if "maaneder" in a:
            rows.append((rid, wave_id, municipality_id, "maaneder", None, a["maaneder"], None))
        if "kommentar" in a:
            rows.append((rid, wave_id, municipality_id, "kommentar", None, None, a["kommentar"]))
    return rows


def question_sheet(names, number: int) -> str:
    """The sheet of the question with this number ("2. Hvilke kanaler?"): named by number and wording."""
    names = getattr(names, "sheetnames", names)
    return next(name for name in names if name.startswith(f"{number}. "))

"""A known plan of supervision records over three rounds (ressourceforløb, Frederikshavn and Læsø)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert

from app.extensions import db
from tests.results.factory import make_round, municipality_ids

SLUG = "ressourceforloeb-tilsyn"  # Frederikshavn, Læsø
ROUNDS = [("Juli 2019", date(2019, 7, 1)), ("Juli 2020", date(2020, 7, 1)), ("Juli 2021", date(2021, 7, 1))]
# per round and municipality: (citizen wanted the extension: 1 yes / 2 no, the extension in months)
PLAN = {
    "Juli 2019": {"frederikshavn": [(1, 6), (1, 9), (2, 12), (2, 60)], "laesoe": [(1, 3), (2, 4)]},
    "Juli 2020": {"frederikshavn": [(1, 3), (1, 9), (1, 9), (1, 12), (2, 60)], "laesoe": [(1, 5), (1, 7)]},
    "Juli 2021": {"frederikshavn": [(1, 1)] + [(2, m) for m in range(2, 11)], "laesoe": [(2, 2), (2, 2)]},
}
OUTSIDE = (1, 60)  # a 2021 Frederikshavn case reviewed outside the drawn sample
NAMES = {"frederikshavn": "Frederikshavn", "laesoe": "Læsø"}
NETWORK = "Netværket i alt"


def _record(round_id, municipality_id, reference, wanted, months, comment=None, listed=None) -> int:
    from app.models import Answer, CaseListEntry, QuestionnaireVersion, Response, SupervisionRecord
    from app.questionnaires.service import definition_of, latest_version
    from app.responses import answer_rows

    version: QuestionnaireVersion = latest_version(SLUG)
    if listed is not None:
        db.session.add(CaseListEntry(round_id=round_id, municipality_id=municipality_id, case_reference=reference,
                                     sample_rank=listed or None, sample_seed="plan" if listed else None))
    record_id = db.session.execute(insert(SupervisionRecord).values(
        round_id=round_id, municipality_id=municipality_id, case_reference=reference,
        comment=comment)).inserted_primary_key[0]
    response_id = db.session.execute(insert(Response).values(
        questionnaire_version_id=version.id, municipality_id=municipality_id, supervision_record_id=record_id,
        status="submitted")).inserted_primary_key[0]
    answers = {"rf_oensket": wanted, "rf_varighed": months, "rf_fleksjob_fp": 2, "rf_forelagt": 2}
    db.session.execute(insert(Answer), answer_rows(response_id, definition_of(version), answers))
    return record_id


@pytest.fixture
def three_rounds(app):
    """The plan stored; 2021 Frederikshavn has a drawn sample of its ten cases and one case outside it."""
    with app.app_context():
        ids = municipality_ids()
        rounds = {}
        for label, start in ROUNDS:
            round_id = make_round(SLUG, label, start, start.replace(day=31), [ids["frederikshavn"], ids["laesoe"]])
            rounds[label] = round_id
            for slug, cases in PLAN[label].items():
                sampled = label == "Juli 2021" and slug == "frederikshavn"
                for i, (wanted, months) in enumerate(cases, start=1):
                    _record(round_id, ids[slug], f"{slug[:3].upper()}-{start.year}-{i:02d}", wanted, months,
                            comment=f"Bemærkning {slug} {start.year} nr. {i}" if i == 1 else None,
                            listed=i if sampled else None)
        outside = _record(rounds["Juli 2021"], ids["frederikshavn"], "FRE-2021-UDEN", *OUTSIDE,
                          comment="Udenfor stikprøven, men set", listed=0)
        db.session.commit()
        return rounds, outside

"""A realistic demo network: users, two waves of survey A with answers, supervision records for C, seed E."""
from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from flask import current_app
from sqlalchemy import insert, select

from app.auth.service import create_user
from app.extensions import db
from app.models import (
    Answer,
    CaseListEntry,
    Invitation,
    Municipality,
    Respondent,
    Response,
    SupervisionRecord,
    SupervisionRound,
    User,
    Wave,
    utcnow,
)
from app.responses import answer_rows
from app.supervision.demo_schemes import seed_demo_schemes
from app.questionnaires.service import definition_of, latest_version, read_catalogue, store_catalogue
from app.security import hash_token
from app.waves.service import public_token
from app.waves.tokens import new_invitation_secret
from forms import Questionnaire, visible_questions

SURVEY_A = "ledighedsydelse-raadgiver"
SUPERVISION_C = "revalidering-tilsyn"
# Seed E: "Fleksibelt kontaktforløb for integrationsborgere" (Vesthimmerland), citizens and caseworkers yearly.
CITIZEN_E, CASEWORKER_E, MUNICIPALITY_E = "kontaktforloeb-borger", "kontaktforloeb-sagsbehandler", "vesthimmerland"
CITIZENS_E = (7, 9)  # seed 003: the experiment was used in 7 cases
CASEWORKERS_E = 8
ADVISERS = {"aalborg": 36, "jammerbugt": 14, "thisted": 14, "rebild": 9}
CASES_PER_MUNICIPALITY = {"aalborg": 14, "jammerbugt": 8, "thisted": 9, "vesthimmerland": 7}
FIRST_NAMES = ["Anne", "Mette", "Lars", "Søren", "Hanne", "Jens", "Pia", "Mads", "Louise", "Rasmus", "Line", "Henrik",
               "Camilla", "Thomas", "Maria", "Peter", "Kirsten", "Morten", "Julie", "Niels"]
LAST_NAMES = ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
              "Rasmussen", "Jørgensen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Poulsen"]


def _credentials_file() -> Path:
    return Path(current_app.config["DEMO_CREDENTIALS_FILE"])


def demo_exists() -> bool:
    return db.session.scalar(select(User.id).where(User.email == "koordinator@boelge.local")) is not None


def print_credentials(echo: Callable[[str], None]) -> None:
    path = _credentials_file()
    if path.exists():
        echo(path.read_text(encoding="utf-8").rstrip())
    from app.waves.demo import print_personal_link

    print_personal_link(echo)


def build_demo(seed: int, echo: Callable[[str], None]) -> None:
    """Fill an empty database with the demo network (the catalogue is loaded first if needed)."""
    if demo_exists():
        raise RuntimeError("the demo network is already there; use a fresh database")
    store_catalogue(read_catalogue())
    rng = random.Random(seed)
    municipalities = {m.slug: m for m in db.session.scalars(select(Municipality))}
    lines = _create_users(municipalities)
    _survey_waves(rng, municipalities)
    from app.waves.demo import open_demo_wave

    open_demo_wave()
    _supervision_round(rng, municipalities)
    seed_demo_schemes()
    # a generator of its own, so that seed E leaves the figures of A and C as they were
    _seed_e(random.Random(seed + 5), municipalities[MUNICIPALITY_E])
    db.session.flush()
    _keep_the_history()
    path = _credentials_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    echo("Demo network created.")


KEPT_BECAUSE = "Demodata: sammenlignes med de senere bølger"


def _keep_the_history() -> None:
    """Postpone the erasure of the demo's closed waves for a retention period from today.

    The seeds' waves lie years back (January 2019, summer 2020), further apart than the retention
    period, so no choice of dates relative to today keeps both: without this, the first scheduler tick
    would erase them and the Respondenter pages would open on "(slettet)" rows. A coordinator sees
    the postponement and its reason on the privacy page and in the audit log, as with any other.
    """
    from app.privacy.retention import erasure_due, postpone, retention_days

    until = utcnow() + timedelta(days=retention_days())
    for wave in db.session.scalars(select(Wave).where(Wave.status == "closed").order_by(Wave.id)):
        due = erasure_due(wave)
        if due is not None and due < until:
            postpone(None, wave, until, KEPT_BECAUSE)


def _create_users(municipalities: dict[str, Municipality]) -> list[str]:
    lines = ["Demo users (e-mail / password):"]
    people = [("koordinator@boelge.local", "Karen Koordinator", "coordinator", None)]
    people += [
        (f"teamleder.{slug}@boelge.local", f"Teamleder {municipalities[slug].name}", "team_leader", slug)
        for slug in CASES_PER_MUNICIPALITY
    ]
    for email, name, role, slug in people:
        password = secrets.token_urlsafe(9)
        create_user(email, name, password, role, municipalities[slug] if slug else None)
        lines.append(f"  {role:<12} {email:<40} {password}")
    return lines


def _survey_waves(rng: random.Random, municipalities: dict[str, Municipality]) -> None:
    version = latest_version(SURVEY_A)
    questionnaire = definition_of(version)
    covered = [municipalities[slug] for slug in ADVISERS]
    respondents = []
    for slug, count in ADVISERS.items():
        for i in range(count):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            email = f"raadgiver{i + 1}.{slug}@boelge.local"
            respondents.append(Respondent(name=name, email=email, municipality=municipalities[slug], team="Ledighedsydelse"))
    db.session.add_all(respondents)
    waves = [
        ("Januar 2019", "January 2019", datetime(2019, 1, 7, 7, tzinfo=timezone.utc),
         datetime(2019, 1, 31, 22, tzinfo=timezone.utc), 0.0),
        ("Sommer 2020", "Summer 2020", datetime(2020, 6, 1, 6, tzinfo=timezone.utc),
         datetime(2020, 6, 30, 21, tzinfo=timezone.utc), 0.6),
    ]
    previous = None
    for label, label_en, opens, closes, shift in waves:
        wave = Wave(questionnaire_version=version, label=label, label_en=label_en, opens_at=opens, closes_at=closes, status="closed",
                    reminder_days=[7, 14], repeats=previous, municipalities=covered, opened_at=opens, closed_at=closes)
        db.session.add(wave)
        db.session.flush()
        for respondent in respondents:
            nonce, _token, token_hash = new_invitation_secret()
            invitation = Invitation(wave=wave, respondent=respondent, municipality_id=respondent.municipality_id,
                                    token_nonce=nonce, token_hash=token_hash, created_at=opens)
            db.session.add(invitation)
            if rng.random() < 0.78:
                answered = opens + (closes - opens) * rng.random()
                invitation.opened_at = invitation.answered_at = answered
                response = Response(questionnaire_version=version, municipality_id=respondent.municipality_id,
                                    wave=wave, invitation=invitation, status="submitted",
                                    created_at=answered, updated_at=answered, submitted_at=answered)
                db.session.add(response)
                db.session.flush()
                _insert_answers(response.id, questionnaire, rng, shift)
        previous = wave


YEARLY_E = [("August 2019", "August 2019", datetime(2019, 8, 5, 6, tzinfo=timezone.utc),
              datetime(2019, 8, 30, 20, tzinfo=timezone.utc), 0.0),
             ("August 2020", "August 2020", datetime(2020, 8, 3, 6, tzinfo=timezone.utc),
              datetime(2020, 8, 28, 20, tzinfo=timezone.utc), 0.4)]


def _seed_e(rng: random.Random, municipality: Municipality) -> None:
    """Two yearly waves of seed E: the citizens' anonymous survey and the caseworkers' survey."""
    _citizen_waves(rng, municipality)
    caseworkers = [Respondent(name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                              email=f"sagsbehandler{i + 1}.{municipality.slug}@boelge.local",
                              municipality=municipality, team="Integration") for i in range(CASEWORKERS_E)]
    db.session.add_all(caseworkers)
    version = latest_version(CASEWORKER_E)
    questionnaire = definition_of(version)
    previous = None
    for label, label_en, opens, closes, shift in YEARLY_E:
        wave = Wave(questionnaire_version=version, label=label, label_en=label_en, opens_at=opens, closes_at=closes,
                    status="closed", reminder_days=[7, 14], repeats=previous, municipalities=[municipality],
                    opened_at=opens, closed_at=closes)
        db.session.add(wave)
        db.session.flush()
        for respondent in caseworkers:
            nonce, _token, token_hash = new_invitation_secret()
            invitation = Invitation(wave=wave, respondent=respondent, municipality_id=municipality.id,
                                    token_nonce=nonce, token_hash=token_hash, created_at=opens)
            db.session.add(invitation)
            if rng.random() < 0.8:
                answered = opens + (closes - opens) * rng.random()
                invitation.opened_at = invitation.answered_at = answered
                response = Response(questionnaire_version=version, municipality_id=municipality.id, wave=wave,
                                    invitation=invitation, status="submitted", created_at=answered,
                                    updated_at=answered, submitted_at=answered)
                db.session.add(response)
                db.session.flush()
                _insert_answers(response.id, questionnaire, rng, shift)
        previous = wave


def _citizen_waves(rng: random.Random, municipality: Municipality) -> None:
    """The citizens' yearly anonymous waves, each answer kept under its own browser key."""
    version = latest_version(CITIZEN_E)
    questionnaire = definition_of(version)
    previous = None
    for (label, label_en, opens, closes, shift), answers in zip(YEARLY_E, CITIZENS_E):
        wave = Wave(questionnaire_version=version, label=label, label_en=label_en, opens_at=opens, closes_at=closes,
                    status="closed", reminder_days=[], repeats=previous, municipalities=[municipality],
                    opened_at=opens, closed_at=closes, anonymous=True)
        db.session.add(wave)
        db.session.flush()
        wave.public_token_hash = hash_token(public_token(wave))
        for _ in range(answers):
            answered = opens + (closes - opens) * rng.random()
            response = Response(questionnaire_version=version, municipality_id=municipality.id, wave=wave,
                                browser_key=f"{rng.getrandbits(128):032x}", status="submitted",
                                created_at=answered, updated_at=answered, submitted_at=answered)
            db.session.add(response)
            db.session.flush()
            _insert_answers(response.id, questionnaire, rng, shift)
        previous = wave


def _supervision_round(rng: random.Random, municipalities: dict[str, Municipality]) -> None:
    version = latest_version(SUPERVISION_C)
    questionnaire = definition_of(version)
    covered = [municipalities[slug] for slug in CASES_PER_MUNICIPALITY]
    round_ = SupervisionRound(questionnaire_version=version, label="Juli 2019", period_start=date(2019, 7, 1),
                              period_end=date(2019, 7, 31), status="open", municipalities=covered)
    db.session.add(round_)
    db.session.flush()
    leaders = {u.municipality_id: u for u in db.session.scalars(select(User).where(User.role == "team_leader"))}
    for slug, count in CASES_PER_MUNICIPALITY.items():
        municipality = municipalities[slug]
        for i in range(count):
            reference = f"{municipality.code}-REV-{2019}-{i + 1:03d}"
            # every case of the list is reviewed (no sample drawn), so each record counts
            db.session.add(CaseListEntry(round_id=round_.id, municipality_id=municipality.id, case_reference=reference))
            record = SupervisionRecord(round=round_, municipality=municipality, case_reference=reference,
                                       created_by_id=leaders[municipality.id].id)
            db.session.add(record)
            db.session.flush()
            response = Response(questionnaire_version=version, municipality_id=municipality.id,
                                supervision_record_id=record.id, status="submitted",
                                submitted_at=datetime(2019, 7, 15, 10, tzinfo=timezone.utc))
            db.session.add(response)
            db.session.flush()
            _insert_answers(response.id, questionnaire, rng, 0.0)


def simulate_answers(questionnaire: Questionnaire, rng: random.Random, shift: float) -> dict:
    """Plausible answers to every visible question; `shift` leans ordinal answers upwards."""
    answers: dict = {}
    for question in questionnaire.questions:
        if question.condition and not question.condition.holds(answers):
            continue
        value = question.question_type.sample(question, rng, shift)
        if value is not None:
            answers[question.id] = value
    return {q.id: answers[q.id] for q in visible_questions(questionnaire, answers) if q.id in answers}


def _insert_answers(response_id: int, questionnaire: Questionnaire, rng: random.Random, shift: float) -> None:
    rows = answer_rows(response_id, questionnaire, simulate_answers(questionnaire, rng, shift))
    if rows:
        db.session.execute(insert(Answer), rows)

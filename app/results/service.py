"""Queries for results and exports: aggregates for the tables, streamed rows for the data sheets, then pure exporters."""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator, Sequence
from datetime import date, datetime

from typing import TYPE_CHECKING

from flask import current_app, has_request_context
from flask_babel import gettext
from sqlalchemy import Float, and_, case, cast, func, select

from app.extensions import db
from app.models import (
    Answer,
    Invitation,
    Municipality,
    QuestionFingerprint,
    QuestionnaireVersion,
    Response,
    Wave,
)
from app.questionnaires.service import definition_of, latest_version
from app.answering.service import wave_state
from app.models.types import utcnow
from exports.aggregates import Aggregates
from exports.localtime import local_time
from exports.survey_data import LONG_COLUMNS, SurveyData, Variable, WaveInfo
from forms import Question
from forms.types.base import Tabulation

if TYPE_CHECKING:  # pandas is imported where a frame is made: every command and worker would pay for it
    import pandas as pd


# Anonymous answers stored without a municipality (before each municipality had its own link, or through a
# wave's one link while it had several municipalities) count as a group of their own under this key.
NO_MUNICIPALITY = 0
_PLACE = func.coalesce(Response.municipality_id, NO_MUNICIPALITY)

CHUNK_ROWS = 50_000  # answer rows fetched at a time for the long CSV
CHUNK_RESPONSES = 5_000  # response rows fetched at a time for the data sheet


class UnknownQuestionnaire(LookupError):
    """No stored questionnaire has this slug (or no wave of it matches)."""


def survey_questionnaires() -> list[QuestionnaireVersion]:
    """The newest version of each survey questionnaire that has at least one wave."""
    with_waves = select(QuestionnaireVersion.slug).join(Wave, Wave.questionnaire_version_id == QuestionnaireVersion.id)
    newest = (select(QuestionnaireVersion.slug, func.max(QuestionnaireVersion.version).label("v"))
              .where(QuestionnaireVersion.slug.in_(with_waves)).group_by(QuestionnaireVersion.slug).subquery())
    query = select(QuestionnaireVersion).join(
        newest, (QuestionnaireVersion.slug == newest.c.slug) & (QuestionnaireVersion.version == newest.c.v))
    return list(db.session.scalars(query.order_by(QuestionnaireVersion.title)))


def waves_of(slug: str) -> list[Wave]:
    """Every wave of any version of the questionnaire, oldest first."""
    return list(db.session.scalars(
        select(Wave).join(QuestionnaireVersion, Wave.questionnaire_version_id == QuestionnaireVersion.id)
        .where(QuestionnaireVersion.slug == slug).order_by(Wave.opens_at, Wave.id)))


def survey_data(slug: str, wave_ids: list[int] | None = None, only_municipality: int | None = None,
                with_answers: bool = True) -> SurveyData:
    """Everything the survey export and the results page need, for the chosen waves (default: all).

    The tables come from aggregate queries; `with_answers` adds the long answer frame the data sheets
    need (the results page does without it).
    """
    waves = waves_of(slug)
    if wave_ids:
        wanted = set(wave_ids)
        waves = [w for w in waves if w.id in wanted]
    if not waves:
        raise UnknownQuestionnaire(slug)
    versions = {w.questionnaire_version_id: w.questionnaire_version for w in waves}
    questions = _questions(list(versions.values()))
    infos = [_wave_info(w, versions[w.questionnaire_version_id]) for w in waves]
    ids = [w.id for w in waves]
    return SurveyData(
        title=max(versions.values(), key=lambda v: v.version).title,
        slug=slug,
        questions=questions,
        waves=infos,
        municipalities={**{m.id: m.name for m in db.session.scalars(select(Municipality).order_by(Municipality.name))},
                        NO_MUNICIPALITY: gettext("Uden kommune") if has_request_context() else "Uden kommune"},
        chunks=(lambda: answer_chunks(ids, only_municipality)) if with_answers else None,
        rows=(lambda: answer_rows(ids, [q.id for q in questions], only_municipality)) if with_answers else None,
        responses=(lambda variables: response_rows(ids, variables, only_municipality)) if with_answers else None,
        listed=(lambda question_ids: long_answers(ids, question_ids)) if with_answers else None,
        aggregates=survey_aggregates(ids, *_counted(questions)),
        invited=_invited(ids),
        threshold=int(current_app.config["ANONYMITY_THRESHOLD"]),
        only_municipality=only_municipality,
        timezone=current_app.config["TIMEZONE"],
        title_en=definition_of(max(versions.values(), key=lambda v: v.version)).title.en,
        row_key=row_key(slug),
    )


def row_key(slug: str) -> bytes:
    """The key of a questionnaire's row shuffle: secret (from SECRET_KEY) and the same in every export, so
    exports of the same answers list them alike and none of them follows the order of answering."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hashlib.sha256(b"boelge-row-order\0" + secret + b"\0" + slug.encode()).digest()


def _long_query(wave_ids: list[int], question_ids: list[str] | None = None, only_municipality: int | None = None):
    query = (
        select(Response.id, Response.wave_id, _PLACE, Answer.question_id, Answer.option_code,
               Answer.number, Answer.text, Answer.date_value)
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(Response.wave_id.in_(wave_ids), Response.status == "submitted")
        .order_by(Response.wave_id, Response.municipality_id, Response.id, Answer.question_id, Answer.option_code)
    )
    if question_ids is not None:
        query = query.where(Answer.question_id.in_(question_ids))
    if only_municipality is not None:
        query = query.where(Response.municipality_id == only_municipality)
    return query


_LONG_TYPES = {"response_id": "int64", "wave_id": "int64", "municipality_id": "int64", "question_id": object,
               "option_code": "float64", "number": "float64", "text": object, "date_value": object}  # None: NaN


def _frame(rows) -> pd.DataFrame:
    """The long rows as a frame, built column by column from plain tuples."""
    import numpy as np
    import pandas as pd

    columns = list(zip(*rows)) if len(rows) else [()] * len(LONG_COLUMNS)
    frame = {name: np.array(values, dtype=_LONG_TYPES[name]) for name, values in zip(LONG_COLUMNS, columns)}
    dates = frame["date_value"]
    present = np.flatnonzero(dates != None)  # noqa: E711 (element-wise)
    if len(present) and isinstance(dates[present[0]], str):  # SQLite keeps a date as its ISO text
        dates[present] = [date.fromisoformat(v) for v in dates[present]]
    return pd.DataFrame(frame)


def _plain_rows(query) -> list[tuple]:
    """All rows of a query read whole (the aggregates, the listed answers) as plain tuples from the
    session's connection."""
    return [row for part in _driver_rows(db.session.connection(), query, 100_000, server_side=False) for row in part]


def _driver_rows(connection, query, size: int, server_side: bool = True) -> Iterator[list[tuple]]:
    """The query's rows as the database driver gives them, plain tuples, `size` at a time: from a named
    (server-side) cursor on PostgreSQL, from SQLite's stepping cursor there.

    The result rows SQLAlchemy builds cost more than the query itself at a million answers; the long rows
    need none of what they add (the date column, kept as text by SQLite, is converted in `_frame`)."""
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    driver = connection.connection.dbapi_connection
    postgresql = connection.dialect.name == "postgresql"
    named = postgresql and server_side
    cursor = driver.cursor(name=f"rows_{secrets.token_hex(6)}") if named else driver.cursor()
    try:
        cursor.execute(compiled.string, params)
        while batch := cursor.fetchmany(size):
            yield batch
    finally:
        cursor.close()


def long_answers(wave_ids: list[int], question_ids: list[str] | None = None) -> pd.DataFrame:
    """Every submitted response of the waves with its answers (of these questions), one row per answer value.

    A response without answers still gives one row (question_id missing), so it counts as answered.
    """
    return _frame(_plain_rows(_long_query(wave_ids, question_ids)))


def answer_rows(wave_ids: list[int], question_order: list[str], only_municipality: int | None = None,
                rows_per_chunk: int = CHUNK_ROWS) -> Iterator[list[tuple]]:
    """The long answers as the driver's plain tuples from a server-side cursor, `rows_per_chunk` at a time
    (a response may go on in the next list), ordered by wave, municipality and response, and a response's
    answers in questionnaire order (`question_order`; other questions after them), then by code with an
    answer without one last. The long CSV is written straight from them, in this order, and the database
    sorts (it sorts the answers of a response anyway); SQLite gives a date as its ISO text."""
    place = case({qid: i for i, qid in enumerate(question_order)}, value=Answer.question_id,
                 else_=len(question_order))
    query = _long_query(wave_ids, only_municipality=only_municipality).order_by(None).order_by(
        Response.wave_id, Response.municipality_id, Response.id, place, Answer.question_id,
        Answer.option_code.asc().nulls_last())
    return _streamed(query, rows_per_chunk)


def _streamed(query, rows_per_chunk: int) -> Iterator[list[tuple]]:
    with db.engine.connect().execution_options(read_only=True) as connection, connection.begin():
        yield from _driver_rows(connection, query, rows_per_chunk)


def answer_chunks(wave_ids: list[int], only_municipality: int | None = None,
                  rows_per_chunk: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
    """The long answers streamed from a server-side cursor, in chunks that each hold whole responses."""
    carry: list = []
    for part in _streamed(_long_query(wave_ids, only_municipality=only_municipality), rows_per_chunk):
        rows = carry + part
        last = rows[-1][0]
        cut = len(rows)
        while cut > 0 and rows[cut - 1][0] == last:
            cut -= 1
        carry = rows[cut:]
        if cut:
            yield _frame(rows[:cut])
    if carry:
        yield _frame(carry)


def response_rows(wave_ids: list[int], variables: list[Variable], only_municipality: int | None = None,
                  rows_per_chunk: int = CHUNK_RESPONSES) -> Iterator[list[Sequence]]:
    """One row per submitted response, (response_id, wave_id, municipality_id, a value per variable), in
    chunks from a server-side cursor, ordered by wave, municipality and response.

    The database turns the answers into columns (one aggregate per variable over the response's answer
    rows), so a data sheet reads one row per response instead of one per answer.
    """
    query = (
        select(Response.id, Response.wave_id, _PLACE,
               *(_variable_value(question, code) for _name, question, code in variables))
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(Response.wave_id.in_(wave_ids), Response.status == "submitted")
        .group_by(Response.id, Response.wave_id, Response.municipality_id)
        .order_by(Response.wave_id, Response.municipality_id, Response.id)
        .execution_options(stream_results=True, yield_per=rows_per_chunk)
    )
    if only_municipality is not None:
        query = query.where(Response.municipality_id == only_municipality)
    with db.engine.connect().execution_options(read_only=True) as connection:
        for part in connection.execute(query).partitions(rows_per_chunk):
            yield part


def _variable_value(question: Question, code: int | None):
    """A variable's value among a response's answer rows: the question's answer, or for a column per
    option 1 when chosen, 0 when the question was answered without it, and missing when not answered."""
    asked = Answer.question_id == question.id
    if code is not None:
        return func.max(case((and_(asked, Answer.option_code == code), 1), (asked, 0)))
    return func.min(case((asked, getattr(Answer, question.question_type.column))))


def _counted(questions: list[Question]) -> tuple[frozenset, frozenset]:
    """(single-choice questions, the other counted questions)."""
    single = frozenset(q.id for q in questions if q.question_type.tabulation is Tabulation.OPTIONS and not q.question_type.multiple)
    return single, frozenset(q.id for q in questions if q.question_type.tabulated and q.id not in single)


def survey_aggregates(wave_ids: list[int], single_choice: set[str] | frozenset = frozenset(),
                      others: set[str] | frozenset | None = None) -> Aggregates:
    """GROUP BY queries: responses per wave and municipality; per option the responses that chose it; per
    question the responses that answered it with the sum, count and sum of squares of its numbers.

    A question in `single_choice` has exactly one option per answer, so its answered count is the sum of
    its option counts and needs no query of its own: the page's cost stays close to one option query.
    `others` names the remaining questions to count (None: every other question).
    """
    submitted = (Response.wave_id.in_(wave_ids), Response.status == "submitted")
    keys = (Response.wave_id, _PLACE)  # selected; grouped by the stored column (`groups`)
    groups = (Response.wave_id, Response.municipality_id)
    # The rows come as the driver's plain tuples: a page's thousands of group rows need nothing SQLAlchemy's
    # result rows add, and building those was a fifth of the page's time above the query.
    sizes = _plain_rows(select(*keys, func.count()).where(*submitted).group_by(*groups))

    def option_counts(counted, *where):
        return _plain_rows(
            select(*keys, Answer.question_id, Answer.option_code, counted)
            .join(Answer, Answer.response_id == Response.id).where(*submitted, Answer.option_code.is_not(None), *where)
            .group_by(*groups, Answer.question_id, Answer.option_code))

    # One answer row per single-choice answer: count(*), in one plain GROUP BY over every coded answer (a
    # filter on the question would steer SQLite off its plan); several options per answer: count responses.
    chosen = sorted(single_choice)
    options = [row for row in option_counts(func.count()) if row[2] in single_choice] if chosen else []
    if others is None or others:
        rest = Answer.question_id.not_in(chosen) if others is None else Answer.question_id.in_(sorted(others))
        options += option_counts(func.count(func.distinct(Answer.response_id)), rest)
    answered_query = (
        select(*keys, Answer.question_id, func.count(func.distinct(Answer.response_id)),
               func.coalesce(func.sum(Answer.number), 0), func.count(Answer.number),
               func.coalesce(func.sum(cast(Answer.number, Float) * cast(Answer.number, Float)), 0))
        .join(Answer, Answer.response_id == Response.id).where(*submitted))
    if others is not None:
        answered_query = answered_query.where(Answer.question_id.in_(sorted(others)))
    elif single_choice:
        answered_query = answered_query.where(Answer.question_id.not_in(sorted(single_choice)))
    answered = _plain_rows(answered_query.group_by(*groups, Answer.question_id)) if others is None or others else []
    derived: dict[tuple, int] = {}
    for wave_id, municipality_id, question_id, _code, n in options:
        if question_id in single_choice:
            key = (wave_id, municipality_id, question_id)
            derived[key] = derived.get(key, 0) + n
    answered += [(*key, n, 0, 0, 0) for key, n in derived.items()]
    return Aggregates.from_rows(sizes, answered, options)


def _invited(wave_ids: list[int]) -> pd.DataFrame:
    import pandas as pd

    rows = db.session.execute(
        select(Invitation.wave_id, Invitation.municipality_id, func.count())
        .where(Invitation.wave_id.in_(wave_ids)).group_by(Invitation.wave_id, Invitation.municipality_id)).all()
    return pd.DataFrame(rows, columns=["wave_id", "municipality_id", "invited"])


def wave_infos(waves: list[Wave]) -> list[WaveInfo]:
    """The waves as the exports see them (labels, dates, fingerprints), without any answers."""
    return [_wave_info(w, w.questionnaire_version) for w in waves]


def _questions(versions: list[QuestionnaireVersion]) -> list[Question]:
    """The newest version's questions in its order, then questions only older versions asked."""
    ordered = sorted(versions, key=lambda v: v.version, reverse=True)
    seen: dict[str, Question] = {}
    for version in ordered:
        for question in definition_of(version).questions:
            seen.setdefault(question.id, question)
    return list(seen.values())


def _wave_info(wave: Wave, version: QuestionnaireVersion) -> WaveInfo:
    fingerprints = dict(db.session.execute(
        select(QuestionFingerprint.question_id, QuestionFingerprint.fingerprint)
        .where(QuestionFingerprint.questionnaire_version_id == version.id)).all())
    wordings = {q.id: q.text.da for q in definition_of(version).questions}
    return WaveInfo(wave.id, wave.label, wave.opens_at, wave.closes_at, version.version, fingerprints, wordings,
                    wave.label_en, closed=wave_state(wave, utcnow()) == "closed")


def supervision_questionnaires() -> list[QuestionnaireVersion]:
    """The newest version of each supervision questionnaire that has at least one round."""
    from app.models import SupervisionRound

    slugs = set(db.session.scalars(select(QuestionnaireVersion.slug).join(
        SupervisionRound, SupervisionRound.questionnaire_version_id == QuestionnaireVersion.id)))
    return [v for v in (latest_version(s) for s in sorted(slugs)) if v is not None]


def supervision_data(slug: str, round_ids: list[int] | None = None, only_municipality: int | None = None,
                     include_records: bool = False):
    """The supervision export's input (built in app/supervision/results.py)."""
    from app.supervision.results import supervision_data as build

    try:
        return build(slug, round_ids, only_municipality, include_records)
    except LookupError as exc:
        raise UnknownQuestionnaire(slug) from exc


def scheme_compilations(only_municipality: int | None = None):
    """Every experiment with evaluation schemes, as the workbook and the results page show them."""
    from app.supervision.schemes import compilation
    from exports.schemes import ExperimentSchemes, SchemeAnswer

    zone = current_app.config["TIMEZONE"]

    def local(moment: datetime | None) -> datetime | None:
        return local_time(moment, zone)

    result = []
    for item in compilation(only_municipality=only_municipality):
        points = list(item.questionnaire.questions)
        answers = []
        for entry in item.entries:
            scheme, name = entry["scheme"], entry["municipality"].name
            for point in points:
                submitted = scheme.phase1_submitted_at if point.phase == 1 else scheme.phase2_submitted_at
                answers.append(SchemeAnswer(name, point.id, entry["answers"].get(point.id), local(submitted)))
        result.append(ExperimentSchemes(item.experiment.title_da, points,
                                        [e["municipality"].name for e in item.entries], answers,
                                        title_en=item.experiment.title_en))
    return result

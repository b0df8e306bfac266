"""Exports and the results page only read: on SQLite they must not hold the write lock while they work.

Every write transaction on SQLite begins with BEGIN IMMEDIATE; a read left in such a transaction holds
the lock until it commits. A respondent's answer (here: a row written from another thread, as another
request would) must go through while an export is written or the results page is computed.
"""
from __future__ import annotations

import threading

import pytest

from app.extensions import db
from app.models import ExportJob
from app.results import cli, service
from tests.results.conftest import SLUG


def _write_from_another_thread(app) -> bool:
    """Queue an export job in a thread (its own session and connection); True when it was committed."""
    done: list[int] = []

    def write() -> None:
        with app.app_context():
            job = ExportJob(exporter="schemes", params={}, status="queued", progress=0)
            db.session.add(job)
            db.session.commit()
            done.append(job.id)
            db.session.remove()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(60)
    return bool(done)


@pytest.fixture
def beside(app, monkeypatch):
    """beside(module, name): a write from another thread runs before (or `after`) each call of
    `module.name`; `beside.results` says whether each went through."""
    results: list[bool] = []

    def wrap(module, name: str, after: bool = False):
        real = getattr(module, name)

        def wrapped(*args, **kwargs):
            if not after:
                results.append(_write_from_another_thread(app))
            value = real(*args, **kwargs)
            if after:
                results.append(_write_from_another_thread(app))
            return value

        monkeypatch.setattr(module, name, wrapped)

    wrap.results = results
    return wrap


def test_a_write_goes_through_while_flask_export_writes_the_workbook(app, runner, known_survey, beside, tmp_path):
    beside(cli, "_write")  # the export's queries have run; the workbook is about to be written
    result = runner.invoke(args=["export", "survey", "--questionnaire", SLUG, "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 0, result.output
    assert beside.results == [True]


def test_a_write_goes_through_while_the_results_page_is_computed(app, client, known_survey, beside, make_user,
                                                                  login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    beside(service, "survey_data", after=True)  # its queries have run; the page is being built
    response = client.get(f"/resultater/survey/{SLUG}")
    assert response.status_code == 200
    assert beside.results == [True]

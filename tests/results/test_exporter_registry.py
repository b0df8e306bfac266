"""A workbook is one exporter module: its query and options are declared on it, and the command line, jobs and
results page all offer it from EXPORTERS."""
from __future__ import annotations

import io
from collections.abc import Iterator

import openpyxl
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Municipality, Response
from app.results import jobs
from app.results.queries import ExportRequest, query_of
from app.worker import run_pending
from exports import EXPORTERS
from exports.base import Exporter, records, register, unregister
from exports.tables import Column, Table
from forms import Text
from tests.conftest import extract_csrf, make_app


class ResponseCounts(Exporter):
    """A toy workbook: the number of stored responses per municipality."""

    identifier = "optaelling"
    name = "Optælling"
    label = Text("optælling", "count")
    subject = Text("besvarelser pr. kommune", "responses per municipality")
    help = "Responses per municipality."

    options = (records(),)  # declared, so `flask export optaelling` offers --records/--no-records

    @staticmethod
    def query(request: ExportRequest) -> dict[str, int]:
        """The exporter's own query: it lives in this module, not in the app's data sources."""
        rows = db.session.execute(select(Municipality.name, func.count(Response.id))
                                  .join(Response, Response.municipality_id == Municipality.id)
                                  .group_by(Municipality.name)).all()
        return dict(rows)

    def __init__(self, counts: dict[str, int], **kwargs) -> None:
        super().__init__(**kwargs)
        self.counts = counts

    def tables(self) -> Iterator[Table]:
        yield Table("Optælling", "Besvarelser pr. kommune", [Column("Kommune", "text", 20), Column("Antal", "int")],
                    [[name, n] for name, n in sorted(self.counts.items())], [])


@pytest.fixture
def toy_exporter():
    register(ResponseCounts)
    yield ResponseCounts
    unregister(ResponseCounts.identifier)


@pytest.fixture
def app(toy_exporter, database_url, tmp_path, catalogue):
    """The app, made after the toy exporter was registered (commands are built when the app is made)."""
    from app.questionnaires.service import store_catalogue

    app = make_app(database_url, tmp_path)
    with app.app_context():
        db.create_all()
        store_catalogue(catalogue)
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_every_exporter_has_its_query():
    for exporter in EXPORTERS.values():
        assert callable(query_of(exporter)), exporter.identifier


def test_an_exporter_naming_no_known_source_is_refused_with_its_name():
    class Orphan(ResponseCounts):
        identifier = "foraeldreloes"
        source = "nowhere"
        query = None

    with pytest.raises(KeyError, match="'foraeldreloes' names no known data source"):
        query_of(Orphan)


def test_an_undeclared_option_is_refused_when_the_exporter_is_made():
    from exports.base import ExportOption

    with pytest.raises(TypeError, match="unknown export options \\['colour'\\]"):
        type("Colourful", (ResponseCounts,), {"options": (ExportOption("colour", "A colour."),)})


def test_flask_export_has_a_command_per_exporter(runner, tmp_path):
    for identifier, exporter in EXPORTERS.items():
        *group, name = exporter.command or (identifier,)
        listing = runner.invoke(args=["export", *group, "--help"]).output
        assert f"  {name} " in listing, (identifier, listing)
    output = tmp_path / "optaelling.xlsx"
    result = runner.invoke(args=["export", "optaelling", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(output).sheetnames == ["Optælling"]
    assert "--records / --no-records" in runner.invoke(args=["export", "optaelling", "--help"]).output


def test_the_results_page_offers_and_runs_a_registered_exporter(app, client, known_survey, make_user, login):
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    page = client.get("/resultater/").get_data(as_text=True)
    assert 'value="optaelling"' in page and "Hent optælling: besvarelser pr. kommune" in page
    response = client.post("/resultater/eksport", data={"csrf_token": extract_csrf(page), "exporter": "optaelling"})
    assert response.status_code == 303
    status_url = response.headers["Location"].rstrip("/") + "/status"
    assert run_pending(app)  # a worker runs what the page queued
    state = client.get(status_url).get_json()
    assert state["status"] == "done", state
    book = openpyxl.load_workbook(io.BytesIO(client.get(state["files"]["xlsx"]).data))
    counted = {row[0]: row[1] for row in book["Optælling"].iter_rows(min_row=4, values_only=True) if row[0]}
    with app.app_context():
        assert sum(counted.values()) == db.session.scalar(select(func.count(Response.id)))
        assert counted
        assert jobs.build_exporter("optaelling", ExportRequest()).counts == counted


def test_a_second_exporter_under_a_taken_identifier_is_refused_naming_both_modules():
    from exports.survey import SurveyExporter

    class Impostor(ResponseCounts):
        identifier = SurveyExporter.identifier

    with pytest.raises(ValueError) as refused:
        register(Impostor)
    message = str(refused.value)
    assert f"{SurveyExporter.__module__}.SurveyExporter" in message
    assert "Impostor" in message and __name__ in message
    assert EXPORTERS[SurveyExporter.identifier] is SurveyExporter

"""The data sources exporters are built from, and the one way an exporter is built: `build_exporter`.

An exporter names its source (`Exporter.source`: "survey", "supervision", "schemes"), or, when it lives
in the app, brings its own `query(request)`; either way a new workbook is one module and nothing here
changes."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from app.results import service
from exports import EXPORTERS, Exporter


@dataclass(frozen=True)
class ExportRequest:
    """What was asked for: a questionnaire, chosen waves or rounds, one municipality, the records, and the
    language of a document (an exporter that writes one language ignores it)."""

    slug: str | None = None
    selected: tuple[int, ...] = ()
    municipality_id: int | None = None
    records: bool = False
    language: str = "da"

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> ExportRequest:
        """From an export job's stored parameters."""
        selected = params.get("selected") or params.get("waves") or params.get("rounds") or ()
        return cls(params.get("slug"), tuple(selected), params.get("municipality_id"), bool(params.get("records")),
                   params.get("language") or "da")

    def params(self) -> dict[str, Any]:
        """The JSON an export job stores."""
        return {"slug": self.slug, "selected": list(self.selected), "municipality_id": self.municipality_id,
                "records": self.records, "language": self.language}


Query = Callable[[ExportRequest], Any]
SOURCES: dict[str, Query] = {}


def data_source(name: str) -> Callable[[Query], Query]:
    """Register the query that exporters naming `name` as their `source` are built from."""
    def register(query: Query) -> Query:
        SOURCES[name] = query
        return query
    return register


@data_source("survey")
def _survey(request: ExportRequest) -> Any:
    return service.survey_data(request.slug, list(request.selected) or None, request.municipality_id)


@data_source("supervision")
def _supervision(request: ExportRequest) -> Any:
    return service.supervision_data(request.slug, list(request.selected) or None, request.municipality_id,
                                    include_records=request.records)


@data_source("schemes")
def _schemes(request: ExportRequest) -> Any:
    return service.scheme_compilations(request.municipality_id)


def query_of(exporter: type[Exporter]) -> Query:
    """The exporter's own `query`, or the data source it names (KeyError when neither is there)."""
    own = getattr(exporter, "query", None)
    if callable(own):
        return own
    if exporter.source not in SOURCES:
        raise KeyError(f"exporter {exporter.identifier!r} names no known data source ({exporter.source!r}) "
                       "and has no query of its own")
    return SOURCES[exporter.source]


def build_exporter(identifier: str, request: ExportRequest) -> Exporter:
    """Run the exporter's query (inside an app context) and return the exporter over its result.

    The one builder: `flask export`, export jobs and the results page's downloads all come here, so the
    rule that records never go out for a single municipality holds for each of them."""
    if identifier not in EXPORTERS:
        raise ValueError(f"unknown export kind {identifier!r}")
    exporter = EXPORTERS[identifier]
    if request.municipality_id is not None and request.records:
        request = replace(request, records=False)
    options = {"language": request.language} if request.language in exporter.languages[1:] else {}
    return exporter(query_of(exporter)(request), **options)


# The questionnaires (newest versions) there is something to export of: with waves, or with rounds.
EXPORTABLE: dict[str, Callable[[], list]] = {
    "survey": service.survey_questionnaires,
    "supervision": service.supervision_questionnaires,
}


def exportable(questionnaire_kind: str) -> list:
    """The stored questionnaires of this kind that an exporter of it can export."""
    return EXPORTABLE[questionnaire_kind]()

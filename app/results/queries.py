"""The query each exporter needs, by its identifier: a new workbook is an exporter in exports/ plus one here."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
QUERIES: dict[str, Query] = {}


def query_for(identifier: str) -> Callable[[Query], Query]:
    """Register the query whose result the exporter `identifier` is built from."""
    def register(query: Query) -> Query:
        QUERIES[identifier] = query
        return query
    return register


@query_for("report-survey")
@query_for("survey")
def _survey(request: ExportRequest) -> Any:
    return service.survey_data(request.slug, list(request.selected) or None, request.municipality_id)


@query_for("report-supervision")
@query_for("supervision")
def _supervision(request: ExportRequest) -> Any:
    return service.supervision_data(request.slug, list(request.selected) or None, request.municipality_id,
                                    include_records=request.records)


@query_for("report-schemes")
@query_for("schemes")
def _schemes(request: ExportRequest) -> Any:
    return service.scheme_compilations(request.municipality_id)


def build_exporter(identifier: str, request: ExportRequest) -> Exporter:
    """Run the exporter's query (inside an app context) and return the exporter over its result."""
    exporter = EXPORTERS[identifier]
    options = {"language": request.language} if request.language in exporter.languages[1:] else {}
    return exporter(QUERIES[identifier](request), **options)


# The questionnaires (newest versions) there is something to export of: with waves, or with rounds.
EXPORTABLE: dict[str, Callable[[], list]] = {
    "survey": service.survey_questionnaires,
    "supervision": service.supervision_questionnaires,
}


def exportable(questionnaire_kind: str) -> list:
    """The stored questionnaires of this kind that an exporter of it can export."""
    return EXPORTABLE[questionnaire_kind]()

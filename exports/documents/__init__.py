"""The report appendices as Word documents: Bilag 1 (supervision), Bilag 2 (survey), the evaluation schemes."""
from exports.documents import survey_report  # noqa: F401  (each module registers its exporter)

"""The report appendices as Word documents: Bilag 1 (supervision), Bilag 2 (survey), the evaluation schemes."""
from exports.documents import schemes_report, supervision_report, survey_report  # noqa: F401  (each registers)

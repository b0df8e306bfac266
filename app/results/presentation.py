"""Tables for the results page: the export's own question tables, filtered to the groups shown, with a chart."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from markupsafe import Markup

from app.results.charts import stacked_bars
from exports.survey_data import SurveyData
from exports.tables import SUPPRESSED, Column, Table, Typed


@dataclass
class PageTable:
    table: Table
    chart: Markup | None
    rows: list[list[Any]]


def page_tables(data: SurveyData, tables: Iterable[Table], shown: set) -> list[PageTable]:
    """Keep the rows of the shown groups; chart the first shown municipality, else the network."""
    labels = {data.group_label(g) for g in data.groups if g in shown}
    focus_group = next((g for g in data.groups[1:] if g in shown), None) if len(shown) == 2 else None
    focus = data.group_label(focus_group)
    result = []
    for index, table in enumerate(tables):
        rows = [row for row in table.rows if row[0] in labels]
        result.append(PageTable(table, _chart(data, table, focus, f"chart-{index}"), rows))
    return result


def _chart(data: SurveyData, table: Table, focus: str, chart_id: str) -> Markup | None:
    if table.chart is None:
        return None
    nw = len(data.waves)
    share_first = 3 + nw
    option_rows = [row for row in table.rows if row[0] == focus and isinstance(row[2], int)]
    series = []
    for row in option_rows:
        values = []
        for cell in row[share_first:share_first + nw]:
            value = cell.value if isinstance(cell, Typed) else cell
            values.append("hidden" if value is SUPPRESSED else (float(value) if isinstance(value, (int, float))
                                                                 else None))
        series.append((row[1], values))
    title = _("%(question)s – %(group)s, fordeling pr. bølge", question=table.name, group=focus)
    return stacked_bars(chart_id, title, [w.label for w in data.waves], series, _("skjult"),
                        stacked=table.chart.kind == "percent_stacked")


def format_cell(value: Any, column: Column) -> Markup | str:
    """A cell as text for the page, in the locale's number format; hidden cells are marked."""
    kind = column.kind
    if isinstance(value, Typed):
        value, kind = value.value, value.kind
    if value is SUPPRESSED:
        return Markup('<span class="suppressed">{}</span>').format(_("skjult"))
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if kind == "pct":
            return format_percent(value, "#,##0.0 %")
        if kind == "mean":
            return format_decimal(value, "#,##0.00")
        if kind == "diff":
            return format_decimal(value, "+#,##0.00;-#,##0.00")
        if kind == "pp":
            return format_decimal(value, "+#,##0.0;-#,##0.0")
        return format_decimal(value, "#,##0")
    return str(value)

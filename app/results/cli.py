"""Command line: `flask export survey|supervision|schemes ... -o FILE.xlsx` with a progress bar."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from app.models import Municipality
from app.results import service
from exports.base import Exporter
from exports.schemes import SchemesExporter
from exports.supervision import SupervisionExporter
from exports.survey import SurveyExporter

export_cli = AppGroup("export", help="Write Excel workbooks of survey results, supervision and schemes.")
_output = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
                       help="The .xlsx file to write.")
_municipality = click.option("--municipality", "municipality_slug",
                             help="Only this municipality's tables (and the network total), e.g. aalborg.")


def _municipality_id(slug: str | None) -> int | None:
    if not slug:
        return None
    found = db.session.scalar(select(Municipality.id).where(Municipality.slug == slug))
    if found is None:
        raise click.BadParameter(f"unknown municipality {slug!r}", param_hint="--municipality")
    return found


def _ids(values: tuple[str, ...]) -> list[int]:
    ids = []
    for value in values:
        for part in value.split(","):
            if part.strip():
                try:
                    ids.append(int(part))
                except ValueError:
                    raise click.BadParameter(f"not an id: {part!r}") from None
    return ids


def _write(exporter: Exporter, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    with click.progressbar(length=100, label="Skriver", file=sys.stderr) as bar:
        shown = [0]

        def progress(done: int, total: int) -> None:
            percent = int(done * 100 / total)
            if percent > shown[0]:
                bar.update(percent - shown[0])
                shown[0] = percent

        sheets = exporter.write_xlsx(output, progress)
        bar.update(100 - shown[0])
    click.echo(f"Wrote {output} ({len(sheets)} sheets).")
    for extra in exporter.write_csvs(output):
        click.echo(f"Wrote {extra}.")


@export_cli.command("survey")
@click.option("--questionnaire", "slug", required=True, help="Questionnaire id, e.g. ledighedsydelse-raadgiver.")
@click.option("--waves", multiple=True, help="Wave ids (repeat or comma-separate); default all waves.")
@_municipality
@_output
def survey_command(slug: str, waves: tuple[str, ...], municipality_slug: str | None, output: Path) -> None:
    """The survey workbook (and the answers in long form as CSV next to it)."""
    try:
        data = service.survey_data(slug, _ids(waves) or None, _municipality_id(municipality_slug))
    except service.UnknownQuestionnaire:
        raise click.ClickException(f"no waves of questionnaire {slug!r}") from None
    _write(SurveyExporter(data), output)


@export_cli.command("supervision")
@click.option("--questionnaire", "slug", required=True, help="Supervision questionnaire id, e.g. revalidering-tilsyn.")
@click.option("--rounds", multiple=True, help="Round ids (repeat or comma-separate); default all rounds.")
@click.option("--records/--no-records", default=True, show_default=True,
              help="Include the reviewed cases with their answers.")
@_municipality
@_output
def supervision_command(slug: str, rounds: tuple[str, ...], records: bool, municipality_slug: str | None,
                        output: Path) -> None:
    """The supervision workbook: tallies per round and municipality, and the records."""
    only = _municipality_id(municipality_slug)
    try:
        data = service.supervision_data(slug, _ids(rounds) or None, only, include_records=records)
    except service.UnknownQuestionnaire:
        raise click.ClickException(f"no rounds of questionnaire {slug!r}") from None
    _write(SupervisionExporter(data), output)


@export_cli.command("schemes")
@_municipality
@_output
def schemes_command(municipality_slug: str | None, output: Path) -> None:
    """The evaluation schemes compiled point by point, one sheet per experiment."""
    _write(SchemesExporter(service.scheme_compilations(_municipality_id(municipality_slug))), output)


def register_cli(app: Flask) -> None:
    app.cli.add_command(export_cli)

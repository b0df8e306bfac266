"""Command line: `flask export <exporter> ... -o FILE.xlsx` with a progress bar, one command per exporter
(the documents under `flask export report <name> ... -o FILE.docx`)."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from app.database import read_only_transaction
from app.extensions import db
from app.models import Municipality
from app.results import service
from app.results.queries import ExportRequest, build_exporter
from exports import EXPORTERS, Exporter
from exports.base import ExportOption



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

        parts, extras = exporter.write_all(output, progress)
        bar.update(100 - shown[0])
    click.echo(f"Wrote {output} ({len(parts)} {exporter.parts}).")
    for extra in extras:
        click.echo(f"Wrote {extra}.")


def _click_option(option: ExportOption) -> click.Option:
    """The command-line option of a declared export option."""
    if option.name == "selected":
        return click.Option([f"--{option.of}", "selected"], multiple=True, help=option.help)
    if option.name == "records":
        return click.Option(["--records/--no-records"], default=bool(option.default), show_default=True,
                            help=option.help)
    return click.Option([f"--{option.name}"], type=click.Choice(option.choices), default=option.default,
                        show_default=True, help=option.help)


def _command(exporter: type[Exporter]) -> click.Command:
    """The `flask export <identifier>` command, with the options the exporter's attributes call for."""

    def run(output: Path, municipality_slug: str | None, slug: str | None = None,
            selected: tuple[str, ...] = (), records: bool = False, language: str = "da") -> None:
        request = ExportRequest(slug, tuple(_ids(selected)), _municipality_id(municipality_slug), records, language)
        read_only_transaction(db.session)  # on SQLite: no write lock held while the file is written
        try:
            built = build_exporter(exporter.identifier, request)
        except service.UnknownQuestionnaire:
            raise click.ClickException(f"no {exporter.selects} of questionnaire {slug!r}") from None
        _write(built, output)

    params: list[click.Parameter] = []
    if exporter.questionnaire_kind:
        params.append(click.Option(["--questionnaire", "slug"], required=True,
                                   help=f"Id of a {exporter.questionnaire_kind} questionnaire "
                                        "(the id in its YAML file)."))
    params += [_click_option(option) for option in exporter.options]
    params.append(click.Option(["--municipality", "municipality_slug"],
                               help="Only this municipality's tables (and the network total), e.g. aalborg."))
    params.append(click.Option(["-o", "--output"], type=click.Path(dir_okay=False, path_type=Path),
                               required=True, help=f"The .{exporter.suffix()} file to write."))
    name = (exporter.command or (exporter.identifier,))[-1]
    return click.Command(name, callback=with_appcontext(run), params=params, help=exporter.help)


def export_cli() -> AppGroup:
    """The `flask export` group: one command per exporter registered when the app is made."""
    group = AppGroup("export", help="Write Excel workbooks and Word appendices of survey results, supervision "
                                    "and schemes.")
    subgroups: dict[str, AppGroup] = {}
    for exporter in EXPORTERS.values():
        *path, _name = exporter.command or (exporter.identifier,)
        parent = group
        for part in path:
            if part not in subgroups:
                subgroups[part] = AppGroup(part, help="Write the report appendices as Word documents.")
                parent.add_command(subgroups[part])
            parent = subgroups[part]
        parent.add_command(_command(exporter))
    return group

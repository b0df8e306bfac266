"""Command line: `flask questionnaires ...`, `flask users ...`, `flask demo`."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from app.extensions import db

questionnaires_cli = AppGroup("questionnaires", help="Check and load questionnaires declared in YAML.")


@questionnaires_cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def check_command(paths: tuple[Path, ...]) -> None:
    """Validate YAML files or folders; print every problem as path:line: message."""
    from forms import check_paths
    from forms.loader import catalogue_root

    root = catalogue_root(paths, current_app.config["QUESTIONNAIRES_DIR"])
    problems = check_paths(list(paths) or None, root=root)
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        click.echo(str(problem), err=True)
    if errors:
        click.echo(f"{len(errors)} error(s); nothing loaded.", err=True)
        sys.exit(1)
    click.echo("OK: no errors." + (f" {len(problems)} warning(s)." if problems else ""))


@questionnaires_cli.command("load")
@click.option("--force", is_flag=True,
              help="Store the folder's texts as they are, also where the stored catalogue changed since.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def load_command(force: bool, paths: tuple[Path, ...]) -> None:
    """Validate and store the catalogue; a changed questionnaire becomes a new version.

    What was published in the browser (or loaded from a newer folder) since the folder's texts is
    never undone: an older text is kept as stored, and a text of its own beside a browser edit stops
    the load (`--force` stores the folder anyway).
    """
    from forms import CatalogueError

    from app.questionnaires.catalogue import load_folder
    from app.questionnaires.service import read_catalogue

    try:
        outcome = load_folder(read_catalogue(paths), force)
    except CatalogueError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo("Nothing loaded.", err=True)
        sys.exit(1)
    if outcome.report is None:
        db.session.rollback()
        for held in outcome.conflicts:
            click.echo(f"{held.path}: {_stored_since(held)} after the folder's text was loaded, "
                       "and the folder holds a different text.", err=True)
        click.echo("Nothing loaded. Bring the folder up to date with `flask questionnaires export DIR` and "
                   "change it there, or store the folder's texts anyway with `flask questionnaires load "
                   "--force`.", err=True)
        sys.exit(1)
    report = outcome.report
    db.session.commit()
    for held in outcome.kept:
        click.echo(f"kept as stored: {held.path}, {_stored_since(held)}; the folder holds an older text.")
    if outcome.kept:
        click.echo("`flask questionnaires export DIR` brings the folder up to date.")
    for label in report.new_versions:
        click.echo(f"new version: {label}")
    if not report.changed:
        click.echo(f"Unchanged: {len(report.unchanged)} questionnaire(s) already loaded.")
    else:
        click.echo(
            f"Loaded {len(report.new_versions)} new version(s); {len(report.unchanged)} unchanged; "
            f"{report.municipalities_changed} municipality and {report.experiments_changed} experiment change(s)."
        )


def _stored_since(held) -> str:
    """"published in the browser by Nina Ny on 2026-12-03 10:15 UTC as version 3", or "loaded from a folder ..."."""
    when = held.at.strftime("%Y-%m-%d %H:%M UTC")
    version = f" as version {held.version}" if held.version else ""
    if held.by is None:
        return f"loaded from a folder on {when}{version}"
    return f"published in the browser by {held.by} on {when}{version}"


@questionnaires_cli.command("export")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
def export_command(target: Path) -> None:
    """Write the stored catalogue to the folder TARGET, exactly as stored; loading it back stores nothing."""
    from app.questionnaires.catalogue import export_catalogue, versions_without_text

    missing = versions_without_text()
    written = export_catalogue(target)
    for path in written:
        click.echo(f"wrote {target / path}")
    if missing:
        click.echo("no stored text (load the catalogue once to keep it): " + ", ".join(missing), err=True)
        sys.exit(1)
    click.echo(f"Exported {len(written)} file(s) to {target}.")


def _catalogue_for_xlsform():
    """The stored catalogue (what the browser shows and publishes to), else the folder's."""
    from app.questionnaires.catalogue import stored_catalogue
    from app.questionnaires.service import read_catalogue

    return stored_catalogue() or read_catalogue()


@questionnaires_cli.command("to-xlsform")
@click.argument("slug")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def to_xlsform_command(slug: str, target: Path) -> None:
    """Write the newest version of questionnaire SLUG as an XLSForm (survey, choices and settings sheets)."""
    from forms.xlsform import to_sheets, to_xform, write_xlsform

    from app.questionnaires.service import definition_of, latest_version

    version = latest_version(slug)
    if version is None:
        click.echo(f"No questionnaire '{slug}' is stored.", err=True)
        sys.exit(1)
    sheets = to_sheets(definition_of(version), _catalogue_for_xlsform())
    to_xform(sheets)  # what is written is a form pyxform converts
    write_xlsform(sheets, target)
    click.echo(f"wrote {target}: {slug} version {version.version} as an XLSForm.")


@questionnaires_cli.command("from-xlsform")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def from_xlsform_command(source: Path, target: Path) -> None:
    """Turn the XLSForm SOURCE (Bølge's own, or one from KoboToolbox or ODK) into the questionnaire file TARGET.

    Every problem is named by sheet, row and column; nothing is written while there is one.
    """
    from forms import CatalogueError

    from app.questionnaires.xlsform import questionnaire_from_xlsform

    try:
        with current_app.test_request_context():  # the upload's messages are the browser's (Danish)
            text, warnings = questionnaire_from_xlsform(source.name, source.read_bytes(),
                                                        _catalogue_for_xlsform())
    except ValueError as exc:
        click.echo(f"{source}: {exc}", err=True)
        click.echo("Nothing written.", err=True)
        sys.exit(1)
    except CatalogueError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len([p for p in exc.problems if p.is_error])} error(s); nothing written.", err=True)
        sys.exit(1)
    for problem in warnings:
        click.echo(str(problem), err=True)
    target.write_text(text, encoding="utf-8")
    click.echo(f"wrote {target}. `flask questionnaires check {target}` checks it with the folder.")


@click.command("demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when the demo network is already there.")
@click.option("--seed", default=2019, show_default=True, help="Random seed of the simulated answers.")
def demo_command(if_empty: bool, seed: int) -> None:
    """Create a realistic demo network: users, waves with answers, supervision records."""
    from app.demo import build_demo, demo_exists, print_credentials

    if if_empty and demo_exists():
        click.echo("The demo network is already there.")
        print_credentials(click.echo)
        return
    build_demo(seed=seed, echo=click.echo)
    db.session.commit()
    print_credentials(click.echo)


@click.command("backup")
@with_appcontext
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(target: Path) -> None:
    """Write a consistent backup of the live database to TARGET (SQLite file or pg_dump archive)."""
    from app.backup import BackupError, backup_database

    try:
        path = backup_database(db.engine, target)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written to {path}")


def register_cli(app: Flask) -> None:
    from app.auth.cli import users_cli
    from app.privacy.cli import privacy_cli
    from app.results.cli import export_cli
    from app.runner import serve_command
    from app.scheduler_cli import scheduler_cli
    from app.supervision.cli import supervision_cli
    from app.worker import worker_command

    for command in (backup_command, questionnaires_cli, users_cli, demo_command, scheduler_cli,
                    supervision_cli, export_cli(), worker_command, serve_command, privacy_cli):
        app.cli.add_command(command)

"""`flask scheduler run|tick`: the scheduler process beside the web app."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

import click
from flask import current_app
from flask.cli import AppGroup

from app.scheduler import run_forever, tick

scheduler_cli = AppGroup("scheduler", help="Open and close waves, send invitations and reminders.")


@scheduler_cli.command("run")
def run_command() -> None:
    """Run the scheduler until stopped (a tick every SCHEDULER_INTERVAL_SECONDS)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    click.echo(f"Scheduler running every {current_app.config['SCHEDULER_INTERVAL_SECONDS']} s; Ctrl+C stops it.")
    run_forever(current_app._get_current_object())


@scheduler_cli.command("tick")
@click.option("--now", "now_text", help="Act as if it were this time (ISO 8601 with offset); for tests and catch-up.")
def tick_command(now_text: str | None) -> None:
    """Run one scheduler tick and print what it did (for cron and tests)."""
    now = None
    if now_text:
        now = datetime.fromisoformat(now_text)
        if now.tzinfo is None:
            raise click.BadParameter("give an offset, e.g. 2026-03-29T01:30:00+00:00", param_hint="--now")
        now = now.astimezone(timezone.utc)
    report = tick(now)
    if report is None:
        click.echo("Another scheduler is running; nothing done.")
        return
    click.echo(f"Tick: {report.summary()}.")

"""Command line for accounts: `flask users create`."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db

users_cli = AppGroup("users", help="Manage coordinator and team-leader accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["coordinator", "team_leader"]), required=True)
@click.option("--municipality", "municipality_slug", help="Slug of the team leader's municipality, e.g. aalborg.")
@click.password_option()
def create_user_command(email: str, name: str, role: str, municipality_slug: str | None, password: str) -> None:
    """Create a coordinator or a team leader."""
    from app.auth.service import AccountError, create_user
    from app.models import Municipality

    municipality = None
    if municipality_slug:
        municipality = db.session.scalar(select(Municipality).where(Municipality.slug == municipality_slug))
        if municipality is None:
            raise click.BadParameter(f"unknown municipality {municipality_slug!r}", param_hint="--municipality")
    try:
        user = create_user(email, name, password, role, municipality)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}.")

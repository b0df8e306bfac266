"""`flask db ...` and the migration state (Flask-Migrate), loaded only when a migration is run.

Importing Flask-Migrate imports Alembic, which costs every command, worker and scheduler a tenth of a
second and several megabytes that only `flask db` and the migration tests use. The `db` group stands in
for Flask-Migrate's own until one of its commands is asked for, and `app.extensions["migrate"]` loads
the real state on first use (`flask_migrate.upgrade()` and migrations/env.py read it).
"""
from __future__ import annotations

from typing import Any

import click
from flask import Flask

HELP = "Perform database migrations."


def defer_migrations(app: Flask, db) -> None:
    """Register the `db` commands and the migration state without importing Flask-Migrate."""
    loaded: list[click.Group] = []

    def load() -> click.Group:
        if not loaded:
            from flask_migrate import Migrate
            from flask_migrate.cli import db as commands

            # init_app replaces the stand-ins below: the extension's state and the `db` group.
            Migrate(render_as_batch=True, compare_type=True).init_app(app, db, directory=str(app.config["MIGRATIONS_DIR"]))
            loaded.append(commands)
        return loaded[0]

    app.extensions["migrate"] = _DeferredState(app, load)
    app.cli.add_command(_DeferredGroup("db", load, help=HELP))


class _DeferredState:
    """`app.extensions["migrate"]` until Flask-Migrate is loaded: any attribute loads it."""

    def __init__(self, app: Flask, load) -> None:
        self._app, self._load = app, load

    def __getattr__(self, name: str) -> Any:
        self._load()
        return getattr(self._app.extensions["migrate"], name)


class _DeferredGroup(click.Group):
    """Flask-Migrate's `db` group, loaded when it is run: the context made for it is the real group's, with
    its options and callback."""

    def __init__(self, name: str, load, **attrs: Any) -> None:
        super().__init__(name, **attrs)
        self._load = load

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        return self._load().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._load().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load().get_command(ctx, cmd_name)

"""Command line for supervision: draw a case sample, and check a drawn sample against its seed."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db

supervision_cli = AppGroup("supervision", help="Supervision rounds: case samples.")


def _load(round_id: int, slug: str):
    from app.models import Municipality, SupervisionRound

    round_ = db.session.get(SupervisionRound, round_id)
    if round_ is None:
        raise click.BadParameter(f"no round {round_id}", param_hint="ROUND_ID")
    municipality = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
    if municipality is None or municipality not in round_.municipalities:
        raise click.BadParameter(f"{slug!r} is not a municipality of round {round_id}", param_hint="--municipality")
    return round_, municipality


@supervision_cli.command("sample")
@click.argument("round_id", type=int)
@click.option("--municipality", "slug", required=True, help="Municipality slug, e.g. aalborg.")
@click.option("--size", type=click.IntRange(1, 10000), required=True)
@click.option("--seed", required=True, help="Same seed and case list give the same sample.")
def sample_command(round_id: int, slug: str, size: int, seed: str) -> None:
    """Draw (or re-draw) the municipality's sample from its imported case list and print it."""
    from app.supervision.sampling import draw_sample

    round_, municipality = _load(round_id, slug)
    chosen = draw_sample(None, round_, municipality, size, seed)
    db.session.commit()
    for rank, reference in enumerate(chosen, start=1):
        click.echo(f"{rank}\t{reference}")


@supervision_cli.command("check-sample")
@click.argument("round_id", type=int)
@click.option("--municipality", "slug", required=True)
def check_sample_command(round_id: int, slug: str) -> None:
    """Re-draw from the stored seed and compare with the stored sample; exit 1 when they differ."""
    from app.models import CaseListEntry
    from app.supervision.sampling import draw, sample_of

    round_, municipality = _load(round_id, slug)
    stored = sample_of(round_, municipality.id)
    if not stored:
        click.echo("No sample drawn yet.", err=True)
        sys.exit(1)
    references = list(db.session.scalars(select(CaseListEntry.case_reference).where(
        CaseListEntry.round_id == round_.id, CaseListEntry.municipality_id == municipality.id)))
    again = draw(references, len(stored), stored[0].sample_seed, round_.id, municipality.code)
    if again != [e.case_reference for e in stored]:
        click.echo("The stored sample does NOT match a new draw from its seed.", err=True)
        sys.exit(1)
    click.echo(f"OK: the sample of {len(stored)} case(s) matches a new draw with seed {stored[0].sample_seed!r}.")

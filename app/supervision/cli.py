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


# The command line's wording of what the page refuses (sampling.refusal_message words it for the page).
REFUSALS = {
    "closed": "round {round_id} is closed: its case lists and samples can no longer change",
    "empty": "{name} has no case list in round {round_id} yet: import it before drawing",
    "too_large": "the case list of {name} has only {listed} case(s): a sample of {n} is impossible, "
                 "choose at most {listed}",
    "frozen": "the sample of {name} is frozen: {reviewed} of its case(s) have a record",
    "reason": "the sample of {name} has reviewed cases: a redraw needs --reason (the old draw is kept "
              "in the audit log)",
    "confirm": "this draw takes {leaving} of the {reviewed} reviewed case(s) of {name} out of the tallies: "
               "{cases}; run it again with --confirm-leaving {leaving} to draw",
}


@supervision_cli.command("sample")
@click.argument("round_id", type=int)
@click.option("--municipality", "slug", required=True, help="Municipality slug, e.g. aalborg.")
@click.option("--size", type=click.IntRange(1, 10000), required=True)
@click.option("--seed", required=True, help="Same seed and case list give the same sample.")
@click.option("--reason", default=None, help="Why a sample with reviewed cases is drawn again (audited).")
@click.option("--confirm-leaving", type=int, default=None,
              help="The number of reviewed cases the draw takes out of the tallies, as a refused run named it.")
def sample_command(round_id: int, slug: str, size: int, seed: str, reason: str | None,
                   confirm_leaving: int | None) -> None:
    """Draw (or re-draw) the municipality's sample from its imported case list and print it.

    Refused, as on the page, for a closed round, a size larger than the list, a sample that has
    reviewed cases unless --reason says why (the command line acts as a coordinator), and a draw that
    takes reviewed cases out of the tallies until --confirm-leaving gives their number.
    """
    from app.supervision.sampling import SampleRefused, draw_sample

    round_, municipality = _load(round_id, slug)
    try:
        chosen, effect = draw_sample(None, round_, municipality, size, seed, reason=reason, coordinator=True,
                                     confirm_leaving=confirm_leaving)
    except SampleRefused as refusal:
        db.session.rollback()
        params = {**refusal.params, "cases": ", ".join(refusal.params.get("cases", []))}
        raise click.ClickException(REFUSALS[refusal.code].format(round_id=round_id, **params)) from None
    db.session.commit()
    for rank, reference in enumerate(chosen, start=1):
        click.echo(f"{rank}\t{reference}")
    if effect.leaving:
        click.echo(f"{len(effect.leaving)} reviewed case(s) no longer count: {', '.join(effect.leaving)}", err=True)


@supervision_cli.command("check-sample")
@click.argument("round_id", type=int)
@click.option("--municipality", "slug", required=True)
def check_sample_command(round_id: int, slug: str) -> None:
    """Check that the stored sample is the draw in force; exit 1 when it is not.

    It must be what its seed and size draw from the list, and the last draw in the audit log. The
    history of draws (with the reasons for redraws) is printed. No sample drawn (and none in the log)
    is no fault: the whole list is under review, and the command says so and exits 0.
    """
    from app.supervision.sampling import check_sample, draws_of, sample_of

    round_, municipality = _load(round_id, slug)
    for entry in draws_of(round_.id, municipality.id):
        after = entry.after or {}
        line = f"{entry.at.isoformat()}\t{entry.action}\tseed={after.get('seed')!r}\tn={after.get('n')}"
        if after.get("reason"):
            line += f"\treason={after['reason']!r}"
        click.echo(line)
    problems = check_sample(round_, municipality)
    if problems:
        for problem in problems:
            click.echo(f"FAIL: {problem}", err=True)
        sys.exit(1)
    stored = sample_of(round_, municipality.id)
    if not stored:
        click.echo(f"OK: no sample drawn for {municipality.name} in round {round_id}: every case on its list is "
                   "under review.")
        return
    click.echo(f"OK: the sample of {len(stored)} case(s) matches a new draw with seed {stored[0].sample_seed!r} "
               "and is the last draw in the audit log.")

"""`flask privacy find-cpr`: the CPR numbers stored in typed texts, and removing them."""
from __future__ import annotations

from collections import Counter

import click
from flask.cli import AppGroup

from app.extensions import db
from app.privacy import cpr_scan

privacy_cli = AppGroup("privacy", help="Personal data: CPR numbers stored in typed texts.")


@privacy_cli.command("find-cpr")
@click.option("--remove", is_flag=True, help="Replace every number found with "
                                             f"'{cpr_scan.REMOVED}' (logged in the audit log).")
def find_cpr_command(remove: bool) -> None:
    """List where a CPR number is stored (the last four digits hidden); exit 1 when one is left."""
    findings = cpr_scan.scan()
    for finding in findings:
        click.echo(f"{finding.source.model.__tablename__}.{finding.column} #{finding.row_id}: "
                   f"{', '.join(finding.masked)}")
    counts = Counter(f.source.key for f in findings)
    click.echo(f"{len(findings)} row(s) with a CPR number" + (
        " (" + ", ".join(f"{key}: {n}" for key, n in counts.items()) + ")" if counts else "") + ".")
    if remove and findings:
        changed = cpr_scan.remove(None, findings)
        db.session.commit()
        click.echo(f"Removed the numbers from {changed} row(s).")
        findings = cpr_scan.scan()
    if findings:
        raise SystemExit(1)

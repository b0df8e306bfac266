"""The coordinator's audit log: readable entries with filters, and the same entries as CSV."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.auditlog import service
from app.access import coordinator_required
from app.extensions import db
from app.models import SupervisionRound, User, Wave, utcnow
from exports.localtime import local_time

bp = Blueprint("auditlog", __name__, url_prefix="/log")


def _int(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _filters() -> service.Filters:
    kind = request.args.get("type", "")
    return service.Filters(user_id=_int("person"), kind=kind if kind in service.KINDS else "",
                           round_id=_int("tilsynsrunde"), wave_id=_int("runde"),
                           date_from=_date("fra"), date_to=_date("til"))


@bp.get("/")
@coordinator_required
def index():
    filters = _filters()
    rows, number, pages = service.page(filters, _int("side") or 1)
    args = {k: v for k, v in request.args.items() if k != "side" and v}
    return render_template(
        "auditlog/index.html", rows=rows, number=number, pages=pages, filters=filters, args=args,
        kinds=[(key, label) for key, (label, _e) in service.KINDS.items()],
        users=list(db.session.scalars(select(User).order_by(func.lower(User.name)))),
        rounds=list(db.session.scalars(select(SupervisionRound).order_by(SupervisionRound.period_start.desc()))),
        waves=list(db.session.scalars(select(Wave).order_by(Wave.opens_at.desc()))),
        kind_of=service.kind_of)


@bp.get("/log.csv")
@coordinator_required
def download():
    headers = [_("Tidspunkt"), _("Hvem"), _("Slags"), _("Kommune"), _("Hvad")]
    body = service.csv_text(_filters(), headers)
    name = f"aendringslog-{local_time(utcnow(), current_app.config['TIMEZONE']):%Y%m%d}.csv"
    return Response(body, content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})

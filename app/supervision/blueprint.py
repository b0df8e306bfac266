"""The supervision blueprint and the loading helpers its views share (404 before anything else)."""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from app.extensions import db
from app.models import SupervisionRecord, SupervisionRound
from app.supervision import service

bp = Blueprint("supervision", __name__, url_prefix="/tilsyn")


def load_round(round_id: int) -> SupervisionRound:
    """The round, or 404 when it does not exist or does not cover the team leader's municipality."""
    round_ = db.session.get(SupervisionRound, round_id)
    if round_ is None or not service.round_visible_to(current_user, round_):
        abort(404)
    return round_


def load_own_record(record_id: int) -> SupervisionRecord:
    """A record of the team leader's own municipality, else 404 (another municipality's stays hidden)."""
    record = db.session.get(SupervisionRecord, record_id)
    if record is None or record.municipality_id != current_user.municipality_id:
        abort(404)
    if not service.round_visible_to(current_user, record.round):
        abort(404)
    return record

"""The demo's evaluation schemes: Aalborg submitted, Thisted with a phase-2 draft, compiled per point."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Experiment
from app.supervision.demo_schemes import EXPERIMENT, seed_demo_schemes
from app.supervision.schemes import compiled, find_scheme


def test_demo_schemes_compile_under_each_point(ctx):
    seed_demo_schemes()
    experiment = db.session.scalar(select(Experiment).where(Experiment.slug == EXPERIMENT))
    _questionnaire, points, status = compiled(experiment)
    by_slug = {row["municipality"].slug: row["scheme"] for row in status}
    assert by_slug["aalborg"].phase2_submitted_at is not None
    assert by_slug["thisted"].phase1_submitted_at is not None and by_slug["thisted"].phase2_submitted_at is None
    assert by_slug["jammerbugt"] is None
    point7 = dict((m.slug, text) for m, text, _submitted in points[6]["answers"])
    assert point7["thisted"] == "Det vurderes fra Thisted, at formålet med forsøget bestemt er opnået."
    assert point7["aalborg"].startswith("Det er kommunens vurdering")
    assert find_scheme(experiment, by_slug["aalborg"].municipality) is by_slug["aalborg"]

"""The exact YAML of a version: kept on load, filled in once for versions stored before it was kept, never changed."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import CatalogueFile, QuestionnaireVersion
from app.questionnaires.service import latest_version, read_catalogue, store_catalogue
from tests.conftest import ROOT
from tests.questionnaires.conftest import PATH, SLUG


def test_load_keeps_the_exact_text_of_every_questionnaire_and_file(ctx):
    version = latest_version(SLUG)
    assert version.source_text == (ROOT / "questionnaires" / PATH).read_text(encoding="utf-8")
    assert version.source_path == PATH
    paths = set(db.session.scalars(select(CatalogueFile.path)))
    assert {"scales.yaml", "shared/lae265-tilsyn.yaml", "reference/experiments.yaml",
            "reference/municipalities.yaml"} <= paths
    assert not any(p == PATH for p in paths)


def test_a_kept_text_never_changes(ctx):
    version = latest_version(SLUG)
    version.source_text = version.source_text + "# changed\n"
    with pytest.raises(ValueError, match="never changed"):
        db.session.flush()


def test_a_version_stored_before_texts_were_kept_gets_its_text_once_and_nothing_else(ctx):
    version = latest_version(SLUG)
    db.session.execute(QuestionnaireVersion.__table__.update().where(QuestionnaireVersion.id == version.id)
                       .values(source_text=None))
    db.session.commit()
    db.session.expire_all()
    before = db.session.scalar(select(func.count()).select_from(QuestionnaireVersion))
    report = store_catalogue(read_catalogue())
    db.session.commit()
    assert report.new_versions == []
    assert latest_version(SLUG).source_text == (ROOT / "questionnaires" / PATH).read_text(encoding="utf-8")
    assert db.session.scalar(select(func.count()).select_from(QuestionnaireVersion)) == before

"""Store the YAML catalogue in the database: reference data and new questionnaire versions."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from app import audit
from app.extensions import db
from app.models import CatalogueFile, Experiment, Municipality, QuestionFingerprint, QuestionnaireVersion
from forms import Catalogue, Questionnaire, load_catalogue
from forms.loader import catalogue_root


@dataclass
class LoadReport:
    """What a load changed; an idempotent second load reports nothing new."""

    new_versions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    files_changed: list[str] = field(default_factory=list)
    municipalities_changed: int = 0
    experiments_changed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.new_versions or self.municipalities_changed or self.experiments_changed
                    or self.files_changed)


def read_catalogue(paths: Iterable[str | Path] | None = None) -> Catalogue:
    """Read and validate YAML (raises forms.CatalogueError listing every problem)."""
    given = list(paths) if paths else None
    return load_catalogue(given, root=catalogue_root(given, current_app.config["QUESTIONNAIRES_DIR"]))


def store_catalogue(catalogue: Catalogue, user=None) -> LoadReport:
    """Upsert municipalities and experiments; store a new version of each changed questionnaire.

    The one way a catalogue is stored, from `flask questionnaires load` and from the browser alike:
    the exact texts of the other files are kept when they changed, and the audit log says who
    stored what (`user` None: the command line).
    """
    report = LoadReport()
    report.municipalities_changed = _sync_municipalities(catalogue)
    report.experiments_changed = _sync_experiments(catalogue)
    report.files_changed = _store_files(catalogue, user)
    for questionnaire in catalogue.questionnaires.values():
        path = catalogue.questionnaire_files.get(questionnaire.id)
        before = latest_version(questionnaire.id)
        version = store_questionnaire(questionnaire, path, catalogue.sources.get(path), user)
        label = f"{questionnaire.id} v{version.version}"
        (report.unchanged if version is before else report.new_versions).append(label)
    db.session.flush()
    return report


def stored_file_texts() -> dict[str, CatalogueFile]:
    """The newest stored row of every catalogue file that is not a questionnaire, by path."""
    newest: dict[str, CatalogueFile] = {}
    for row in db.session.scalars(select(CatalogueFile).order_by(CatalogueFile.id)):
        newest[row.path] = row
    return newest


def _store_files(catalogue: Catalogue, user) -> list[str]:
    questionnaire_paths = set(catalogue.questionnaire_files.values())
    newest = stored_file_texts()
    changed = []
    for path, text in sorted(catalogue.sources.items()):
        if path in questionnaire_paths or (path in newest and newest[path].text == text):
            continue
        row = CatalogueFile(path=path, text=text, stored_by_id=getattr(user, "id", None))
        db.session.add(row)
        db.session.flush()
        audit.record(user, "catalogue_file_stored", "catalogue_file", row.id, None, {"path": path}, None)
        changed.append(path)
    return changed


def store_questionnaire(questionnaire: Questionnaire, source_path: str | None = None,
                        source_text: str | None = None, user=None) -> QuestionnaireVersion:
    """The stored version matching this definition: the latest if unchanged, else a new one."""
    latest = latest_version(questionnaire.id)
    if latest is not None and latest.fingerprint == questionnaire.fingerprint:
        if latest.source_text is None and source_text is not None:
            latest.source_text = source_text  # a version stored before texts were kept gets its text once
            latest.source_path = latest.source_path or source_path
        return latest
    experiment_id = None
    if questionnaire.experiment:
        experiment_id = db.session.scalar(select(Experiment.id).where(Experiment.slug == questionnaire.experiment))
    version = QuestionnaireVersion(
        slug=questionnaire.id,
        version=(latest.version + 1) if latest else 1,
        kind=questionnaire.kind,
        audience=questionnaire.audience,
        experiment_id=experiment_id,
        title=questionnaire.title.da,
        fingerprint=questionnaire.fingerprint,
        definition=questionnaire.to_dict(),
        source_path=source_path,
        source_text=source_text,
        published_by_id=getattr(user, "id", None),
    )
    version.questions = [
        QuestionFingerprint(question_id=q.id, position=i, type=q.type, fingerprint=q.fingerprint)
        for i, q in enumerate(questionnaire.questions)
    ]
    db.session.add(version)
    db.session.flush()
    audit.record(user, "questionnaire_published", "questionnaire_version", version.id, None,
                 {"slug": version.slug, "version": version.version, "label": questionnaire.version,
                  "path": source_path}, None)
    return version


def latest_version(slug: str) -> QuestionnaireVersion | None:
    return db.session.scalar(
        select(QuestionnaireVersion)
        .where(QuestionnaireVersion.slug == slug)
        .order_by(QuestionnaireVersion.version.desc())
        .limit(1)
    )


def latest_versions(kind: str | None = None) -> list[QuestionnaireVersion]:
    """The newest stored version of every questionnaire (optionally of one kind), by title."""
    newest = (
        select(QuestionnaireVersion.slug, func.max(QuestionnaireVersion.version).label("v"))
        .group_by(QuestionnaireVersion.slug)
        .subquery()
    )
    query = select(QuestionnaireVersion).join(
        newest, (QuestionnaireVersion.slug == newest.c.slug) & (QuestionnaireVersion.version == newest.c.v)
    )
    if kind:
        query = query.where(QuestionnaireVersion.kind == kind)
    return list(db.session.scalars(query.order_by(QuestionnaireVersion.title)))


# The one cache of parsed definitions: a stored version never changes, so its definition is parsed once
# per process and database (ids repeat across databases; the URL tells them apart).
_DEFINITIONS: dict[tuple[str, int], Questionnaire] = {}


def _cache_key(version_id: int) -> tuple[str, int]:
    return db.engine.url.render_as_string(hide_password=True), version_id


def definition_of(version: QuestionnaireVersion) -> Questionnaire:
    """The typed definition of a stored version, parsed once per process."""
    if version.id is None:
        return Questionnaire.from_dict(version.definition)
    key = _cache_key(version.id)
    questionnaire = _DEFINITIONS.get(key)
    if questionnaire is None:
        questionnaire = _DEFINITIONS[key] = Questionnaire.from_dict(version.definition)
    return questionnaire


def definition_by_id(version_id: int) -> Questionnaire:
    """The definition of the stored version `version_id`; after the first call, without a query."""
    questionnaire = _DEFINITIONS.get(_cache_key(version_id))
    if questionnaire is None:
        questionnaire = definition_of(db.session.get(QuestionnaireVersion, version_id))
    return questionnaire


def _sync_municipalities(catalogue: Catalogue) -> int:
    existing = {m.slug: m for m in db.session.scalars(select(Municipality))}
    changed = 0
    for ref in catalogue.municipalities:
        row = existing.get(ref.slug)
        if row is None:
            db.session.add(Municipality(code=ref.code, slug=ref.slug, name=ref.name))
            changed += 1
        elif (row.code, row.name) != (ref.code, ref.name):
            row.code, row.name = ref.code, ref.name
            changed += 1
    db.session.flush()
    return changed


def _sync_experiments(catalogue: Catalogue) -> int:
    municipalities = {m.slug: m for m in db.session.scalars(select(Municipality))}
    existing = {e.slug: e for e in db.session.scalars(select(Experiment))}
    changed = 0
    for ref in catalogue.experiments:
        row = existing.get(ref.slug)
        members = sorted((municipalities[s] for s in ref.municipalities), key=lambda m: m.name)
        if row is None:
            row = Experiment(slug=ref.slug, title_da=ref.title.da, title_en=ref.title.en)
            row.municipalities = members
            db.session.add(row)
            changed += 1
            continue
        if (row.title_da, row.title_en) != (ref.title.da, ref.title.en) or {m.slug for m in row.municipalities} != set(ref.municipalities):
            row.title_da, row.title_en = ref.title.da, ref.title.en
            row.municipalities = members
            changed += 1
    db.session.flush()
    return changed

"""The stored catalogue as files: checked with edits in place, published, exported as a folder."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import CatalogueFile, QuestionnaireVersion
from app.questionnaires.service import LoadReport, latest_versions, stored_file_texts, store_catalogue
from forms import Catalogue, CatalogueError, Problem
from forms.loader import check_files, is_catalogue_path

MAX_FILE_BYTES = 1024 * 1024  # one file typed or uploaded in the browser


@dataclass(frozen=True)
class StoredFile:
    """A file of the stored catalogue: its text and the token of the row it comes from."""

    path: str
    text: str
    token: str  # "v<version id>" for a questionnaire, "f<catalogue file id>" for the other files
    slug: str | None = None  # the questionnaire it holds


class Conflict(Exception):
    """Someone else stored `path` after the edit began: `theirs` is what they stored."""

    def __init__(self, path: str, base: StoredFile | None, theirs: StoredFile):
        super().__init__(path)
        self.path, self.base, self.theirs = path, base, theirs


def stored_files() -> dict[str, StoredFile]:
    """Every file of the stored catalogue by its path relative to the root.

    Scales, blocks and reference data are their newest stored texts; a questionnaire is the text its
    newest version was loaded from (a version stored before texts were kept has none and is absent).
    """
    files = {path: StoredFile(path, row.text, f"f{row.id}") for path, row in stored_file_texts().items()}
    for version in latest_versions():
        if version.source_text is not None:
            path = version.source_path or f"{version.slug}.yaml"
            files[path] = StoredFile(path, version.source_text, f"v{version.id}", version.slug)
    return files


def versions_without_text() -> list[str]:
    """Slugs whose newest version has no kept text (stored before texts were kept)."""
    return [v.slug for v in latest_versions() if v.source_text is None]


def file_of(slug: str) -> StoredFile | None:
    """The stored file of questionnaire `slug`."""
    return next((f for f in stored_files().values() if f.slug == slug), None)


def stored_at_token(token: str) -> StoredFile | None:
    """The file as it was stored under `token` (for showing what a conflict is with)."""
    kind, number = token[:1], token[1:]
    if not number.isdigit():
        return None
    if kind == "v":
        version = db.session.get(QuestionnaireVersion, int(number))
        if version is None or version.source_text is None:
            return None
        return StoredFile(version.source_path or f"{version.slug}.yaml", version.source_text, token, version.slug)
    if kind == "f":
        row = db.session.get(CatalogueFile, int(number))
        return None if row is None else StoredFile(row.path, row.text, token)
    return None


def check(edited: dict[str, str]) -> tuple[list[Problem], Catalogue | None]:
    """The command line's check of the stored catalogue with `edited` in place of the stored files."""
    files = {path: f.text for path, f in stored_files().items()}
    for path in edited:
        if not is_catalogue_path(path):
            raise ValueError(path)
    files.update(edited)
    return check_files(files)


def publish(edited: dict[str, str], bases: dict[str, str], user) -> tuple[LoadReport, Catalogue]:
    """Store the catalogue with `edited` in place, exactly as `flask questionnaires load` stores it.

    `bases` holds, per edited path, the token of the stored file the edit began from ("" for a new
    file); a path stored since then raises Conflict and nothing is stored. Any error raises
    CatalogueError and nothing is stored. Flushes, never commits.
    """
    current = stored_files()
    for path, base in bases.items():
        now = current.get(path)
        if (now.token if now else "") != base:
            if now is None:
                continue  # a file that vanished cannot be overwritten by mistake
            raise Conflict(path, stored_at_token(base) if base else None, now)
    problems, catalogue = check(edited)
    if catalogue is None:
        raise CatalogueError(problems)
    return store_catalogue(catalogue, user), catalogue


def export_catalogue(target: Path) -> list[str]:
    """Write the stored catalogue to `target` as a folder `flask questionnaires load` reads back."""
    written = []
    for path, stored in sorted(stored_files().items()):
        out = target / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(stored.text, encoding="utf-8")
        written.append(path)
    return written


def users_of_block(catalogue: Catalogue) -> dict[str, list[str]]:
    """Block id -> the questionnaires whose questions come in through it (directly or nested)."""
    users: dict[str, list[str]] = {b: [] for b in catalogue.blocks}
    for q in catalogue.questionnaires.values():
        for block in sorted({question.block for question in q.questions if question.block}):
            users.setdefault(block, []).append(q.id)
    return users


def users_of_scale(catalogue: Catalogue) -> dict[str, list[str]]:
    """Scale id -> the questionnaires with a question on it."""
    users: dict[str, list[str]] = {s: [] for s in catalogue.scales}
    for q in catalogue.questionnaires.values():
        for scale in sorted({question.scale.id for question in q.questions if question.scale}):
            if scale in users:
                users[scale].append(q.id)
    return users


def stored_catalogue() -> Catalogue | None:
    """The stored catalogue parsed (None when it has errors or was never stored with its texts)."""
    files = stored_files()
    if "scales.yaml" not in files:
        return None
    return check_files({p: f.text for p, f in files.items()})[1]


def version_users(version_ids: list[int]) -> dict[int, list[tuple[str, str, int]]]:
    """Version id -> [(kind "wave"/"round", label, id)] of the waves and supervision rounds using it."""
    from app.models import SupervisionRound, Wave

    used: dict[int, list[tuple[str, str, int]]] = {v: [] for v in version_ids}
    for wave in db.session.scalars(select(Wave).where(Wave.questionnaire_version_id.in_(version_ids)).order_by(Wave.id)):
        used[wave.questionnaire_version_id].append(("wave", wave.label, wave.id))
    for rnd in db.session.scalars(select(SupervisionRound).where(
            SupervisionRound.questionnaire_version_id.in_(version_ids)).order_by(SupervisionRound.id)):
        used[rnd.questionnaire_version_id].append(("round", rnd.label, rnd.id))
    return used


@dataclass(frozen=True)
class Held:
    """A folder file a load does not store as it is, and the stored text that stands instead."""

    path: str
    by: str | None  # who published the stored text in the browser; None: it was loaded from a folder
    at: datetime
    version: int | None  # the questionnaire's stored version, for a questionnaire file


@dataclass
class FolderLoad:
    """What loading a folder did: `report` is None when a conflict stopped it (nothing stored)."""

    report: LoadReport | None
    kept: list[Held] = field(default_factory=list)  # the folder holds an older stored text: kept as stored
    conflicts: list[Held] = field(default_factory=list)  # a text of its own, after a browser edit


def load_folder(folder: Catalogue, force: bool = False) -> FolderLoad:
    """Store a catalogue read from a folder without undoing what was stored since the folder's texts.

    A file whose folder text is an older stored text of the same path is behind (it was published in
    the browser, or loaded from a newer folder, since): it is kept as stored, and so are the
    questionnaires built on it. A file with a text never stored, where the stored file was last
    published in the browser, is a conflict, and nothing is stored. Every other file loads as usual.
    `force` stores the folder as it is, as a new version wherever it differs. Flushes, never commits.
    """
    if force:
        return FolderLoad(store_catalogue(folder))
    history = _stored_history()
    edited: dict[str, str] = {}
    kept: list[Held] = []
    conflicts: list[Held] = []
    for path, text in sorted(folder.sources.items()):
        texts = history.get(path)
        if not texts or texts[-1][0] == text:
            edited[path] = text
            continue
        _text, by, at, version = texts[-1]
        held = Held(path, by, at, version)
        if any(older == text for older, *_rest in texts[:-1]):
            kept.append(held)
        elif by is not None:
            conflicts.append(held)
        else:
            edited[path] = text
    if conflicts:
        return FolderLoad(None, kept, conflicts)
    if not kept:
        return FolderLoad(store_catalogue(folder))
    problems, merged = check(edited)
    if merged is None:
        raise CatalogueError(problems)
    return FolderLoad(store_catalogue(merged), kept)


def _stored_history() -> dict[str, list[tuple[str, str | None, datetime, int | None]]]:
    """Per path, every text stored for it, oldest first: (text, browser publisher's name, when, version)."""
    history: dict[str, list[tuple[str, str | None, datetime, int | None]]] = {}
    for row in db.session.scalars(select(CatalogueFile).options(selectinload(CatalogueFile.stored_by))
                                  .order_by(CatalogueFile.id)):
        history.setdefault(row.path, []).append(
            (row.text, row.stored_by.name if row.stored_by else None, row.stored_at, None))
    versions = db.session.scalars(select(QuestionnaireVersion).options(selectinload(QuestionnaireVersion.published_by))
                                  .order_by(QuestionnaireVersion.slug, QuestionnaireVersion.version)).all()
    newest = {v.slug: v for v in versions}
    for version in versions:
        if newest[version.slug].source_text is None or version.source_text is None:
            continue  # a slug whose newest version has no kept text loads as before
        history.setdefault(newest[version.slug].source_path or f"{version.slug}.yaml", []).append(
            (version.source_text, version.published_by.name if version.published_by else None,
             version.loaded_at, version.version))
    return history

"""Coordinator pages "Spørgeskemaer": the stored catalogue, and editing, checking, previewing and publishing it."""
from __future__ import annotations

import difflib
import re

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import ValidationError, validate_csrf
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.access import coordinator_required
from app.extensions import csrf, db
from app.models import QuestionnaireVersion, User
from app.questionnaires import catalogue as cat
from app.questionnaires.changes import catalogue_changes, questionnaire_changes
from app.questionnaires.service import definition_of, latest_version
from app.questionnaires.xlsform import questionnaire_from_xlsform
from forms import CatalogueError, Problem, form_class_for
from forms.loader import is_catalogue_path
from forms.xlsform import to_sheets, write_xlsform
from forms.yaml_source import read_yaml

bp = Blueprint("questionnaires", __name__, url_prefix="/spoergeskemaer")
ACTIONS = ("check", "preview", "changes", "publish")
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")


@bp.before_request
def _bounded_body():
    # A file typed or uploaded here is at most 1 MB; the body may carry a little form around it.
    request.max_content_length = cat.MAX_FILE_BYTES + 64 * 1024


@bp.get("/")
@coordinator_required
def index():
    versions = list(db.session.scalars(select(QuestionnaireVersion).order_by(
        QuestionnaireVersion.slug, QuestionnaireVersion.version.desc())))
    by_slug: dict[str, list[QuestionnaireVersion]] = {}
    for version in versions:
        by_slug.setdefault(version.slug, []).append(version)
    used = cat.version_users([v.id for v in versions])
    stored = cat.stored_catalogue()
    blocks = _block_paths()
    return render_template(
        "questionnaires/index.html", by_slug=by_slug, used=used, publishers=_publishers(versions),
        scales=cat.users_of_scale(stored) if stored else {}, catalogue=stored,
        blocks=cat.users_of_block(stored) if stored else {}, block_paths=blocks,
        missing=cat.versions_without_text())


@bp.get("/<slug>")
@coordinator_required
def detail(slug: str):
    versions = list(db.session.scalars(select(QuestionnaireVersion).where(QuestionnaireVersion.slug == slug)
                                       .order_by(QuestionnaireVersion.version.desc())))
    if not versions:
        abort(404)
    stored = cat.file_of(slug)
    return render_template("questionnaires/detail.html", slug=slug, versions=versions,
                           used=cat.version_users([v.id for v in versions]), publishers=_publishers(versions),
                           path=stored.path if stored else None)


@bp.get("/<slug>/v<int:number>.yaml")
@coordinator_required
def download(slug: str, number: int):
    version = db.session.scalar(select(QuestionnaireVersion).where(
        QuestionnaireVersion.slug == slug, QuestionnaireVersion.version == number))
    if version is None or version.source_text is None:
        abort(404)
    name = (version.source_path or f"{slug}.yaml").rsplit("/", 1)[-1]
    return _yaml_response(version.source_text, f"{name.removesuffix('.yaml')}-v{number}.yaml")


@bp.get("/fil.yaml")
@coordinator_required
def download_file():
    stored = cat.stored_files().get(request.args.get("sti", ""))
    if stored is None:
        abort(404)
    return _yaml_response(stored.text, stored.path.replace("/", "-"))


def _yaml_response(text: str, name: str) -> Response:
    return Response(text.encode("utf-8"), content_type="application/yaml; charset=utf-8",
                    headers={"Cache-Control": "no-store", "Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/rediger")
@coordinator_required
def edit():
    path = request.args.get("sti", "")
    stored = cat.stored_files().get(path) if is_catalogue_path(path) else None
    if stored is None:
        abort(404)
    return _editor(path, stored.text, stored.token, fresh=True)


@csrf.exempt
@bp.post("/rediger")
def edit_post():
    """Check, preview, show the changes or publish the typed text; whatever happens, the text stays."""
    path, base = request.form.get("path", ""), request.form.get("base", "")
    text = _normalised(request.form.get("text", ""))
    if not current_user.is_authenticated:
        return render_template("questionnaires/session_lost.html", path=path, text=text), 401
    if not current_user.is_coordinator:
        abort(403)
    if not is_catalogue_path(path):
        abort(404)
    if len(text.encode("utf-8")) > cat.MAX_FILE_BYTES:
        abort(413)
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return _editor(path, text, base, notice=_(
            "Siden havde været åben længe, så intet er gjort endnu. Din tekst er bevaret: tryk på knappen igen."),
            status=400)
    action = request.form.get("action", "check")
    return _act(path, text, base, action if action in ACTIONS else "check",
                request.form.get("preview_lang", "da"))


@bp.post("/kopi")
@coordinator_required
def copy():
    """A new questionnaire begun as a copy of a stored one under a new id; nothing is stored yet."""
    source = cat.file_of(request.form.get("slug", ""))
    if source is None:
        abort(404)
    new_id = request.form.get("new_id", "").strip()
    error = None
    if not _ID.fullmatch(new_id) or len(new_id) > 80:
        error = _("Et id består af små bogstaver, tal og bindestreg.")
    elif latest_version(new_id) is not None or f"{new_id}.yaml" in cat.stored_files():
        error = _("Id'et \"%(id)s\" er allerede brugt af et andet spørgeskema.", id=new_id)
    if error:
        flash(error, "error")
        return redirect(url_for("questionnaires.detail", slug=source.slug))
    text = re.sub(r"^(questionnaire:\s*\n(?:[ \t]+.*\n|\s*\n)*?[ \t]+id:[ \t]*)[\"']?" + re.escape(source.slug)
                  + r"[\"']?", lambda m: m.group(1) + new_id, source.text, count=1, flags=re.MULTILINE)
    return _editor(f"{new_id}.yaml", text, "", notice=_(
        "En kopi under det nye id \"%(id)s\". Intet er gemt, før du offentliggør den.", id=new_id))


@bp.post("/upload")
@coordinator_required
def upload():
    """.yaml files uploaded and checked at once: one opens in the editor, several are checked together.

    Nothing is stored until the coordinator publishes.
    """
    uploads = [u for u in request.files.getlist("file") if u.filename]
    if not uploads:
        flash(_("Vælg en .yaml-fil."), "error")
        return redirect(url_for("questionnaires.index"))
    texts: dict[str, str] = {}
    for upload_file in uploads:
        data = upload_file.read(cat.MAX_FILE_BYTES + 1)
        if len(data) > cat.MAX_FILE_BYTES:
            abort(413)
        filename = upload_file.filename
        if filename.lower().endswith(".xlsx"):
            made = _from_xlsform(filename, data)
            if not isinstance(made, str):
                return made
            text, filename = made, filename[:-len(".xlsx")] + ".yaml"
        else:
            try:
                text = _normalised(data.decode("utf-8"))
            except UnicodeDecodeError:
                flash(_("Filen %(name)s er ikke gemt som UTF-8-tekst. Gem den som UTF-8, og prøv igen.",
                        name=filename), "error")
                return redirect(url_for("questionnaires.index"))
        path = _path_for_upload(filename, text)
        if path in texts:
            flash(_("To af filerne hører til samme sted (%(path)s). Upload dem hver for sig.", path=path), "error")
            return redirect(url_for("questionnaires.index"))
        texts[path] = text
    stored = cat.stored_files()
    bases = {path: stored[path].token if path in stored else "" for path in texts}
    if len(texts) == 1:
        (path, text), = texts.items()
        return _act(path, text, bases[path], "check", "da")
    return _bundle(texts, bases, "check")


def _from_xlsform(filename: str, data: bytes):
    """The questionnaire text an uploaded XLSForm makes, or the response that says why it makes none."""
    stored = cat.stored_catalogue()
    if stored is None:
        flash(_("Kataloget er ikke gemt endnu: indlæs det først."), "error")
        return redirect(url_for("questionnaires.index"))
    try:
        text, warnings = questionnaire_from_xlsform(filename, data, stored)
    except ValueError as exc:
        flash(_("%(name)s: %(problem)s", name=filename, problem=str(exc)), "error")
        return redirect(url_for("questionnaires.index"))
    except CatalogueError as exc:
        return render_template("questionnaires/bundle.html", files=[], problems=list(exc.problems),
                               changes=None, xlsform=filename), 422
    for problem in warnings:
        flash(_("%(name)s: advarsel: %(problem)s", name=filename, problem=problem.text(_lang())), "success")
    return text


def _lang() -> str:
    from flask_babel import get_locale

    return "en" if str(get_locale()) == "en" else "da"


@bp.get("/<slug>/v<int:number>.xlsx")
@coordinator_required
def download_xlsform(slug: str, number: int):
    """Version `number` of `slug` as an XLSForm (for KoboToolbox, ODK or a spreadsheet)."""
    import io

    version = db.session.scalar(select(QuestionnaireVersion).where(
        QuestionnaireVersion.slug == slug, QuestionnaireVersion.version == number))
    stored = cat.stored_catalogue()
    if version is None or stored is None:
        abort(404)
    buffer = io.BytesIO()
    write_xlsform(to_sheets(definition_of(version), stored), buffer)
    return Response(buffer.getvalue(), headers={
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Cache-Control": "no-store", "Content-Disposition": f'attachment; filename="{slug}-v{number}.xlsx"'})


@bp.post("/samlet")
@coordinator_required
def bundle():
    """Several uploaded files, checked again or published together."""
    count = request.form.get("count", type=int) or 0
    texts, bases = {}, {}
    for n in range(min(count, 50)):
        path = request.form.get(f"path_{n}", "")
        if not is_catalogue_path(path):
            abort(404)
        texts[path] = _normalised(request.form.get(f"text_{n}", ""))
        bases[path] = request.form.get(f"base_{n}", "")
    if not texts:
        return redirect(url_for("questionnaires.index"))
    return _bundle(texts, bases, "publish" if request.form.get("action") == "publish" else "check")


def _bundle(texts: dict[str, str], bases: dict[str, str], action: str):
    problems, catalogue = cat.check(texts)
    files = [(path, texts[path], bases[path]) for path in texts]
    if catalogue is None:
        return render_template("questionnaires/bundle.html", files=files, problems=problems, changes=None), 422
    if action == "publish":
        try:
            report, _stored = cat.publish(texts, bases, current_user)
            db.session.commit()
        except (cat.Conflict, IntegrityError):
            db.session.rollback()
            return render_template("questionnaires/bundle.html", files=files, problems=problems, changes=None,
                                   conflict=True), 409
        flash(_("Offentliggjort: %(what)s.", what=", ".join(report.files_changed + report.new_versions) or "-"),
              "success")
        return redirect(url_for("questionnaires.index"))
    return render_template("questionnaires/bundle.html", files=files, problems=problems,
                           changes=catalogue_changes(catalogue))


def _act(path: str, text: str, base: str, action: str, preview_lang: str):
    stored = cat.stored_files().get(path)
    try:
        problems, catalogue = cat.check({path: text})
    except ValueError:
        abort(404)
    problems += _id_kept(path, stored, catalogue)
    if [p for p in problems if p.is_error]:
        return _editor(path, text, base, problems=problems, status=422)
    if action == "publish":
        try:
            report, _stored = cat.publish({path: text}, {path: base}, current_user)
            db.session.commit()
        except cat.Conflict as conflict:
            db.session.rollback()
            return _conflict(path, text, base, problems, conflict)
        except IntegrityError:
            # Another coordinator published the same file in the same moment: theirs is stored now.
            db.session.rollback()
            theirs = cat.stored_files().get(path)
            if theirs is None:
                return _editor(path, text, base, problems=problems, status=409, notice=_(
                    "Ikke offentliggjort: en anden offentliggjorde samtidig. Din tekst er bevaret: prøv igen."))
            base_file = cat.stored_at_token(base) if base else None
            return _conflict(path, text, base, problems, cat.Conflict(path, base_file, theirs))
        except CatalogueError as exc:
            db.session.rollback()
            return _editor(path, text, base, problems=list(exc.problems), status=422)
        if report.new_versions or report.files_changed:
            flash(_("Offentliggjort: %(what)s.", what=", ".join(report.files_changed + report.new_versions)), "success")
        else:
            flash(_("Intet nyt at gemme: definitionen er den samme som den gemte."), "success")
        slug = next((q for q, p in catalogue.questionnaire_files.items() if p == path), None)
        return redirect(url_for("questionnaires.detail", slug=slug) if slug else url_for("questionnaires.index"))
    context: dict = {"problems": problems, "checked": True}
    if action == "preview":
        slug = next((q for q, p in catalogue.questionnaire_files.items() if p == path), None)
        if slug is None:
            context["notice"] = _("Kun et spørgeskema kan forhåndsvises; se \"Hvad ændres\" for, hvilke det påvirker.")
        else:
            lang = preview_lang if preview_lang in ("da", "en") else "da"
            questionnaire = catalogue.questionnaires[slug]
            context.update(preview=questionnaire, preview_lang=lang,
                           preview_form=form_class_for(questionnaire, lang, cache=False)(meta={"csrf": False},
                                                                                       formdata=None))
    if action in ("changes", "check"):
        context["changes"] = catalogue_changes(catalogue) if action == "changes" else None
    return _editor(path, text, base, **context)


def _conflict(path: str, text: str, base: str, problems: list[Problem], conflict: cat.Conflict):
    """The editor with the text kept, and what the other coordinator changed: lines, and question by question."""
    diff = _line_diff(conflict.base.text if conflict.base else "", conflict.theirs.text)
    theirs = []
    if conflict.base is not None and conflict.base.token[:1] == conflict.theirs.token[:1] == "v":
        old = db.session.get(QuestionnaireVersion, int(conflict.base.token[1:]))
        new = db.session.get(QuestionnaireVersion, int(conflict.theirs.token[1:]))
        theirs = [questionnaire_changes(definition_of(old), definition_of(new), old)]
    who, when = _stored_by(conflict.theirs.token)
    return _editor(path, text, base, problems=problems, conflict=conflict, conflict_diff=diff,
                   conflict_changes=theirs, conflict_by=who, conflict_at=when, status=409)


def _stored_by(token: str):
    """(name of who stored the file under `token` or None for the command line, when) of a stored file."""
    from app.models import CatalogueFile

    number = int(token[1:])
    if token[:1] == "v":
        version = db.session.get(QuestionnaireVersion, number)
        user = db.session.get(User, version.published_by_id) if version.published_by_id else None
        return (user.name if user else None), version.loaded_at
    row = db.session.get(CatalogueFile, number)
    return (row.stored_by.name if row.stored_by else None), row.stored_at


def _id_kept(path: str, stored, catalogue) -> list[Problem]:
    """An edit keeps the questionnaire's id (a new id is a copy): a problem when it does not."""
    if stored is None or stored.slug is None or catalogue is None:
        return []
    if catalogue.questionnaire_files.get(stored.slug) == path:
        return []
    return [Problem(path, 1, _("id'et skal forblive \"%(id)s\"; brug \"Kopiér som nyt spørgeskema\" for et nyt id.",
                               id=stored.slug), "id")]


def _editor(path: str, text: str, base: str, status: int = 200, **context):
    stored = cat.stored_files().get(path)
    context.setdefault("problems", [])
    return render_template("questionnaires/edit.html", path=path, text=text, base=base, stored=stored,
                           lines=max(1, text.count("\n") + (0 if text.endswith("\n") else 1)), **context), status


def _normalised(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _path_for_upload(filename: str, text: str) -> str:
    """Where an uploaded file goes: the stored file of its questionnaire or block, else by its name."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].lower()
    doc, _problems = read_yaml(text, name)
    stored = cat.stored_files()
    if isinstance(doc, dict):
        header = doc.get("questionnaire")
        if isinstance(header, dict) and isinstance(header.get("id"), str) and _ID.fullmatch(header["id"]):
            known = next((f.path for f in stored.values() if f.slug == header["id"]), None)
            return known or f"{header['id']}.yaml"
        block = doc.get("block")
        if isinstance(block, dict) and isinstance(block.get("id"), str):
            known = _block_paths().get(block["id"])
            if known:
                return known
            return f"shared/{name}" if is_catalogue_path(f"shared/{name}") else "shared/blok.yaml"
    if name in ("scales.yaml",) or is_catalogue_path(name):
        return name
    return "upload.yaml"


def _block_paths() -> dict[str, str]:
    """Block id -> the stored file that holds it."""
    found = {}
    for path, stored in cat.stored_files().items():
        if path.startswith("shared/"):
            doc, _problems = read_yaml(stored.text, path)
            block = doc.get("block") if isinstance(doc, dict) else None
            if isinstance(block, dict) and isinstance(block.get("id"), str):
                found[block["id"]] = path
    return found


def _publishers(versions: list[QuestionnaireVersion]) -> dict[int, str]:
    ids = {v.published_by_id for v in versions if v.published_by_id}
    if not ids:
        return {}
    return {u.id: u.name for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def _line_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(kind, line) of a unified diff: kind is "add", "del", "hunk" or "same"."""
    out = []
    for line in list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=2))[2:]:
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")
        out.append((kind, line))
    return out

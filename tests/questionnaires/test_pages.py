"""The "Spørgeskemaer" pages: access, check at the line, kept text, publish as load does, conflicts, bad input."""
from __future__ import annotations

import io
import re
import shutil

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, CatalogueFile, QuestionnaireVersion
from tests.conftest import ROOT, extract_csrf
from tests.app.test_translations import compiled_english  # noqa: F401  (fixture)
from tests.forms.test_hostile_yaml import BILLION_LAUGHS
from tests.questionnaires.conftest import PATH, SLUG, open_editor, post_editor

OLD = "forenklet sagsbehandlingen på området?"


def _count(app, model=QuestionnaireVersion) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("url", ["/spoergeskemaer/", f"/spoergeskemaer/{SLUG}", f"/spoergeskemaer/rediger?sti={PATH}",
                                 f"/spoergeskemaer/{SLUG}/v1.yaml"])
def test_anonymous_visitors_are_sent_to_login_and_team_leaders_get_403(app, client, make_user, login, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    _id, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    assert client.get(url).status_code == 403


def test_a_team_leaders_post_is_refused_and_stores_nothing(app, client, make_user, login):
    _id, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    csrf = extract_csrf(client.get("/").get_data(as_text=True))
    before = _count(app)
    response = client.post("/spoergeskemaer/rediger", data={"csrf_token": csrf, "path": PATH, "base": "",
                                                            "text": "x: 1\n", "action": "publish"})
    assert response.status_code == 403
    assert _count(app) == before


def test_the_catalogue_lists_versions_labels_and_the_waves_using_them(app, coordinator):
    from tests.waves.factories import add_wave

    with app.app_context():
        add_wave(label="Januar 2019")
        db.session.commit()
    html = coordinator.get("/spoergeskemaer/").get_data(as_text=True)
    assert "Januar 2019" in html and f"/spoergeskemaer/{SLUG}/v1.yaml" in html
    assert "extent5" in html and "lae265" in html and "revalidering-tilsyn" in html


def test_the_scales_and_a_blocks_exact_text_can_be_downloaded(app, coordinator):
    html = coordinator.get("/spoergeskemaer/").get_data(as_text=True)
    assert "/spoergeskemaer/fil.yaml?sti=scales.yaml" in html
    assert "/spoergeskemaer/fil.yaml?sti=shared/lae265-tilsyn.yaml" in html
    for path in ("scales.yaml", "shared/lae265-tilsyn.yaml"):
        response = coordinator.get(f"/spoergeskemaer/fil.yaml?sti={path}")
        assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
        assert response.get_data(as_text=True) == (ROOT / "questionnaires" / path).read_text(encoding="utf-8")
    assert coordinator.get("/spoergeskemaer/fil.yaml?sti=../config.py").status_code == 404


def test_a_broken_edit_shows_every_problem_at_its_line_keeps_the_text_and_stores_nothing(app, coordinator):
    _html, text, base = open_editor(coordinator)
    broken = text.replace("scale: extent5", "scale: extent7", 1).replace("scale: quality4", "scale: nope", 1)
    line7 = broken.splitlines().index("    scale: extent7") + 1
    before = _count(app)
    response = post_editor(coordinator, broken, "publish", base)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'data-line="{line7}"' in html and "ukendt skala &#39;extent7&#39;" in html
    assert "ukendt skala &#39;nope&#39;" in html
    assert "scale: extent7" in html  # the typed text is in the editor again
    assert _count(app) == before


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_problems_read_in_the_pages_language(app, coordinator, compiled_english):
    _html, text, base = open_editor(coordinator)
    broken = text.replace("scale: extent5", "scale: extent7", 1).replace("\n  title:", "\n  titel: x\n  title:", 1)
    danish = post_editor(coordinator, broken, "check", base).get_data(as_text=True)
    assert "ukendt skala &#39;extent7&#39;" in danish and "unknown scale" not in danish
    assert "ukendt nøgle &#39;titel&#39; i &#39;questionnaire&#39; (mente du &#39;title&#39;?)" in danish
    assert 'lang="en"' not in danish.split('id="problems"')[1].split("</section>")[0]  # Danish, not marked English
    token = extract_csrf(danish)
    coordinator.post("/sprog", data={"lang": "en", "next": "/", "csrf_token": token})
    english = post_editor(coordinator, broken, "check", base).get_data(as_text=True)
    assert "unknown scale &#39;extent7&#39;" in english and "ukendt skala" not in english
    assert "(did you mean &#39;title&#39;?)" in english


def test_an_expired_csrf_token_keeps_the_typed_text_and_does_nothing(app, coordinator):
    _html, text, base = open_editor(coordinator)
    typed = text.replace(OLD, "noget helt nyt?")
    before = _count(app)
    response = post_editor(coordinator, typed, "publish", base, csrf="expired")
    assert response.status_code == 400
    assert "noget helt nyt?" in response.get_data(as_text=True)
    assert _count(app) == before


def test_a_lost_session_shows_the_typed_text_to_copy(app, client):
    response = client.post("/spoergeskemaer/rediger", data={"path": PATH, "base": "", "text": "tekst <b>her</b>",
                                                            "action": "publish"})
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "tekst &lt;b&gt;her&lt;/b&gt;" in html and "<b>her</b>" not in html


def test_publish_stores_a_new_version_with_its_text_and_an_audit_entry(app, coordinator):
    _html, text, base = open_editor(coordinator)
    new_text = text.replace(OLD, "forenklet sagsbehandlingen?")
    response = post_editor(coordinator, new_text, "publish", base)
    assert response.status_code == 302
    with app.app_context():
        newest = db.session.scalar(select(QuestionnaireVersion).where(QuestionnaireVersion.slug == SLUG)
                                   .order_by(QuestionnaireVersion.version.desc()))
        assert newest.version == 2 and newest.source_text == new_text and newest.published_by_id is not None
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "questionnaire_published",
                                                           AuditEntry.entity_id == newest.id))
        assert entry.user_id == newest.published_by_id and entry.after["slug"] == SLUG
    assert coordinator.get(f"/spoergeskemaer/{SLUG}/v2.yaml").get_data(as_text=True) == new_text


def test_publishing_an_identical_definition_stores_nothing(app, coordinator):
    _html, text, base = open_editor(coordinator)
    before = (_count(app), _count(app, CatalogueFile), _count(app, AuditEntry))
    response = post_editor(coordinator, text, "publish", base)
    assert response.status_code == 302
    assert (_count(app), _count(app, CatalogueFile), _count(app, AuditEntry)) == before


def test_publishing_over_a_version_published_meanwhile_is_refused_with_the_diff(app, client, coordinator,
                                                                                make_user, login):
    _html, text, base = open_editor(coordinator)
    other = app.test_client()
    _id, email, password = make_user("coordinator")
    login(other, email, password)
    assert post_editor(other, text.replace(OLD, "forenklet af en anden?"), "publish", base).status_code == 302
    before = _count(app)
    response = post_editor(coordinator, text.replace(OLD, "forenklet af mig?"), "publish", base)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "forenklet af en anden?" in html and "forenklet af mig?" in html
    assert 'id="their-changes-heading"' in html and "ly_forenklet" in html  # what they changed, by question
    with app.app_context():
        newest = db.session.scalar(select(QuestionnaireVersion).where(QuestionnaireVersion.slug == SLUG)
                                   .order_by(QuestionnaireVersion.version.desc()))
        when = app.jinja_env.filters["localtime"](newest.loaded_at)
    assert f"coordinator offentliggjorde den gemte version {when}." in html  # who and when
    assert _count(app) == before


def test_a_used_version_never_changes(app, coordinator):
    from tests.waves.factories import add_wave

    with app.app_context():
        wave = add_wave(label="Januar 2019")
        used_id, used_definition = wave.questionnaire_version_id, dict(wave.questionnaire_version.definition)
        db.session.commit()
    _html, text, base = open_editor(coordinator)
    assert post_editor(coordinator, text.replace(OLD, "forenklet?"), "publish", base).status_code == 302
    with app.app_context():
        assert db.session.get(QuestionnaireVersion, used_id).definition == used_definition


def test_changing_the_id_in_the_editor_is_refused_and_a_copy_under_an_existing_id_too(app, coordinator):
    _html, text, base = open_editor(coordinator)
    renamed = text.replace(f"id: {SLUG}", "id: mentor-raadgiver", 1)
    response = post_editor(coordinator, renamed, "check", base)
    assert response.status_code == 422
    assert "spørgeskema-id&#39;et &#39;mentor-raadgiver&#39; er brugt to gange" in response.get_data(as_text=True)
    response = post_editor(coordinator, text.replace(f"id: {SLUG}", "id: helt-nyt", 1), "publish", base)
    assert response.status_code == 422
    csrf = extract_csrf(coordinator.get(f"/spoergeskemaer/{SLUG}").get_data(as_text=True))
    before = _count(app)
    response = coordinator.post("/spoergeskemaer/kopi", data={"csrf_token": csrf, "slug": SLUG,
                                                              "new_id": "mentor-raadgiver"}, follow_redirects=True)
    assert "allerede brugt" in response.get_data(as_text=True)
    assert _count(app) == before


def test_a_copy_under_a_new_id_is_published_as_version_1(app, coordinator):
    csrf = extract_csrf(coordinator.get(f"/spoergeskemaer/{SLUG}").get_data(as_text=True))
    response = coordinator.post("/spoergeskemaer/kopi", data={"csrf_token": csrf, "slug": SLUG, "new_id": "ly-kopi"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="ly-kopi.yaml"' in html
    import html as html_lib

    text = html_lib.unescape(re.search(r'<textarea id="yaml"[^>]*>(.*?)</textarea>', html, re.S).group(1))
    assert "id: ly-kopi" in text
    assert post_editor(coordinator, text, "publish", "", path="ly-kopi.yaml").status_code == 302
    with app.app_context():
        copy = db.session.scalar(select(QuestionnaireVersion).where(QuestionnaireVersion.slug == "ly-kopi"))
        assert copy.version == 1 and copy.source_path == "ly-kopi.yaml"


def test_a_missing_csrf_token_on_copy_and_upload_is_refused(app, coordinator):
    before = _count(app)
    assert coordinator.post("/spoergeskemaer/kopi", data={"slug": SLUG, "new_id": "x-y"}).status_code == 400
    assert coordinator.post("/spoergeskemaer/upload", data={
        "file": (io.BytesIO(b"a: 1\n"), "x.yaml")}).status_code == 400
    assert _count(app) == before


def _upload(client, data: bytes, name: str = "upload.yaml"):
    csrf = extract_csrf(client.get("/spoergeskemaer/").get_data(as_text=True))
    return client.post("/spoergeskemaer/upload", data={"csrf_token": csrf, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_an_upload_over_1_mb_gets_the_413_page(app, coordinator):
    response = _upload(coordinator, b"# " + b"x" * (1024 * 1024 + 100) + b"\n")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Filen er for stor" in html and "større end de tilladte 1 MB" in html


def test_typed_text_over_1_mb_gets_413(app, coordinator):
    _html, _text, base = open_editor(coordinator)
    assert post_editor(coordinator, "# " + "x" * (1024 * 1024), "check", base).status_code == 413


def test_an_upload_that_is_not_utf8_is_refused_clearly(app, coordinator):
    response = _upload(coordinator, "questionnaire:\n  id: æøå\n".encode("latin-1"))
    assert response.status_code == 302
    assert "UTF-8" in coordinator.get(response.headers["Location"]).get_data(as_text=True)


def test_an_uploaded_alias_bomb_is_refused_at_its_line_and_stores_nothing(app, coordinator):
    before = _count(app)
    response = _upload(coordinator, BILLION_LAUGHS.encode())
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "når dens aliaser er foldet ud" in html
    assert _count(app) == before


def test_an_uploaded_questionnaire_opens_over_its_stored_file(app, coordinator):
    text = (ROOT / "questionnaires" / PATH).read_text(encoding="utf-8").replace(OLD, "forenklet via upload?")
    response = _upload(coordinator, text.encode(), name="mit-navn.yaml")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'name="path" value="{PATH}"' in html


def test_markup_in_a_wording_is_escaped_in_the_preview_and_the_diff(app, coordinator):
    _html, text, base = open_editor(coordinator)
    marked = text.replace(OLD, "forenklet <script>alert(1)</script><b>fed</b>?")
    for action in ("preview", "changes"):
        html = post_editor(coordinator, marked, action, base).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html and "<b>fed</b>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_preview_renders_in_english_and_stores_nothing(app, coordinator):
    _html, text, base = open_editor(coordinator)
    before = _count(app)
    html = post_editor(coordinator, text, "preview", base, preview_lang="en").get_data(as_text=True)
    assert 'lang="en"' in html and "To what extent has the exemption" in html
    assert 'class="answer-form preview-form"' in html
    assert _count(app) == before


def test_export_writes_the_stored_catalogue_and_loading_it_back_stores_nothing(app, runner, coordinator, tmp_path):
    _html, text, base = open_editor(coordinator)
    assert post_editor(coordinator, text.replace(OLD, "forenklet?"), "publish", base).status_code == 302
    target = tmp_path / "eksport"
    result = runner.invoke(args=["questionnaires", "export", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / PATH).read_text(encoding="utf-8") == text.replace(OLD, "forenklet?")
    assert (target / "scales.yaml").read_text(encoding="utf-8") == (ROOT / "questionnaires" / "scales.yaml").read_text(encoding="utf-8")
    before = (_count(app), _count(app, CatalogueFile))
    result = runner.invoke(args=["questionnaires", "load", str(target)])
    assert result.exit_code == 0, result.output
    assert "Unchanged" in result.output
    assert (_count(app), _count(app, CatalogueFile)) == before


def test_loading_a_copy_with_a_changed_scale_stores_the_scale_text_once(app, runner, tmp_path):
    copy = tmp_path / "kopi"
    shutil.copytree(ROOT / "questionnaires", copy)
    scales = copy / "scales.yaml"
    scales.write_text(scales.read_text(encoding="utf-8").replace('"af samme kvalitet"', '"af omtrent samme kvalitet"', 1),
                      encoding="utf-8")
    before = _count(app, CatalogueFile)
    assert runner.invoke(args=["questionnaires", "load", str(copy)]).exit_code == 0
    assert runner.invoke(args=["questionnaires", "load", str(copy)]).exit_code == 0
    assert _count(app, CatalogueFile) == before + 1


def _upload_many(client, files: list[tuple[bytes, str]]):
    csrf = extract_csrf(client.get("/spoergeskemaer/").get_data(as_text=True))
    return client.post("/spoergeskemaer/upload", data={"csrf_token": csrf,
                                                       "file": [(io.BytesIO(d), n) for d, n in files]},
                       content_type="multipart/form-data")


NEW_BLOCK = b"""\
block:
  id: ny_blok
  questions:
    - id: nb_ok
      type: yes_no
      text: {da: "Er alt i orden?", en: "Is everything fine?"}
"""


def test_several_uploaded_files_are_checked_together_and_published_at_once(app, coordinator):
    scales = (ROOT / "questionnaires" / "scales.yaml").read_text(encoding="utf-8")
    changed = scales.replace('"af samme kvalitet"', '"af omtrent samme kvalitet"', 1).encode()
    response = _upload_many(coordinator, [(changed, "scales.yaml"), (NEW_BLOCK, "ny-blok.yaml")])
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[-2000:]
    assert 'value="shared/ny-blok.yaml"' in html and 'value="scales.yaml"' in html
    assert "ly_kvalitet" in html and "mentor-raadgiver" in html  # every questionnaire the scale changes
    before = (_count(app), _count(app, CatalogueFile))
    form = {"csrf_token": extract_csrf(html), "count": "2", "action": "publish"}
    pairs = re.findall(r'name="path_\d+" value="([^"]+)">\s*<input type="hidden" name="base_\d+" value="([^"]*)"', html)
    for n, (path, base) in enumerate(pairs):
        form[f"path_{n}"], form[f"base_{n}"] = path, base
        form[f"text_{n}"] = changed.decode() if path == "scales.yaml" else NEW_BLOCK.decode()
    assert coordinator.post("/spoergeskemaer/samlet", data=form).status_code == 302
    versions, files = _count(app), _count(app, CatalogueFile)
    assert files == before[1] + 2 and versions > before[0]


def test_several_uploaded_files_with_an_error_store_nothing(app, coordinator):
    before = (_count(app), _count(app, CatalogueFile))
    response = _upload_many(coordinator, [(NEW_BLOCK.replace(b"yes_no", b"slider"), "ny-blok.yaml"),
                                          (b"questionnaire:\n  id: [\n", "x.yaml")])
    assert response.status_code == 422
    assert "ukendt spørgsmålstype &#39;slider&#39;" in response.get_data(as_text=True)
    assert (_count(app), _count(app, CatalogueFile)) == before


@pytest.mark.parametrize("action", ["check", "preview"])
def test_a_control_character_in_the_editor_is_a_problem_at_its_line(app, coordinator, action):
    _html, text, base = open_editor(coordinator)
    before = _count(app)
    for typed, line in (("questionnaire:\x01", 1), (text.replace(OLD, "forenklet\x1b?", 1), None)):
        line = line or typed.splitlines().index(next(x for x in typed.splitlines() if "\x1b" in x)) + 1
        response = post_editor(coordinator, typed, action, base)
        html = response.get_data(as_text=True)
        assert response.status_code == 422, html[:500]
        assert f'data-line="{line}"' in html and "er et styretegn" in html
        assert _count(app) == before


def test_an_uploaded_file_with_a_nul_byte_is_a_problem_at_its_line(app, coordinator):
    before = _count(app)
    text = (ROOT / "questionnaires" / PATH).read_text(encoding="utf-8").replace(OLD, "forenklet\x00?", 1)
    line = text.splitlines().index(next(x for x in text.splitlines() if "\x00" in x)) + 1
    response = _upload(coordinator, text.encode(), name="med-nul.yaml")
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html[:500]
    assert f'data-line="{line}"' in html and "U+0000" in html and "er et styretegn" in html
    assert _count(app) == before


def test_what_changes_names_each_question_by_its_number_and_wording(app, coordinator):
    _html, text, base = open_editor(coordinator)
    edited = text.replace("  - id: ly_kvalitet\n    type: likert\n    scale: quality4\n    required: true\n",
                          "  - id: ly_kvalitet\n    type: likert\n    scale: quality4\n", 1)
    assert edited != text
    html = post_editor(coordinator, edited, "changes", base).get_data(as_text=True)
    assert ('<strong>Spørgsmål 2: <span lang="da">Hvordan vurderer du kvaliteten af den løbende revurdering'
            in html)
    assert "(<code>ly_kvalitet</code>)" in html and "ændret: skal udfyldes" in html

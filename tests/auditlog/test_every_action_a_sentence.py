"""Every action the code audits reads as a sentence of its own: no raw keys, no action told as another.

The actions are found in the source (every `audit.record(...)` call), so a new audited action without
a sentence fails here before a coordinator meets "Systemet: questionnaire_version questionnaire_published".
"""
from __future__ import annotations

import ast
import io
import re
from collections import defaultdict
from pathlib import Path

from app.auditlog.describe import Lookups, describe
from app.extensions import db
from app.models import AuditEntry
from tests.conftest import extract_csrf

ROOT = Path(__file__).resolve().parents[2]
# Call sites whose action is computed: the actions they can record, by (file, entity).
COMPUTED = {
    ("app/supervision/schemes.py", "evaluation_scheme"): {"save", "submit_phase1", "submit_phase2"},
    ("app/waves/views.py", "wave"): set(),  # filled from the `_audit(...)` and `_act(...)` calls below
}
ENTITY_OF_SUBJECT = ("wave", "supervision_round")  # retention's `_entity(subject)`


def _strings(node: ast.AST) -> set[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body), _strings(node.orelse)
        return body | orelse if body is not None and orelse is not None else None
    return None


def audited_actions() -> dict[str, set[str]]:
    """{entity: {action, ...}} of every audit.record call in app/."""
    found: dict[str, set[str]] = defaultdict(set)
    unknown = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        relative = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id in ("_audit", "_act") and relative == "app/waves/views.py":
                action = _strings(node.args[0] if func.id == "_audit" else node.args[-1])
                if action:
                    COMPUTED[(relative, "wave")] |= action
                continue
            if not (isinstance(func, ast.Attribute) and func.attr == "record"
                    and isinstance(func.value, ast.Name) and func.value.id == "audit"):
                continue
            entity_node = node.args[2]
            entities = _strings(entity_node)
            if entities is None and isinstance(entity_node, ast.Call) and getattr(entity_node.func, "id", "") == "_entity":
                entities = set(ENTITY_OF_SUBJECT)
            actions = _strings(node.args[1])
            for entity in entities or ():
                if actions is None:
                    if (relative, entity) not in COMPUTED:
                        unknown.append(f"{relative}:{node.lineno}")
                        continue
                    found[entity] |= COMPUTED[(relative, entity)]  # the waves' set is filled as the scan goes
                else:
                    found[entity] |= actions
            if entities is None:
                unknown.append(f"{relative}:{node.lineno}")
    assert unknown == [], "audited actions this test cannot read; list them in COMPUTED"
    found["wave"] |= COMPUTED[("app/waves/views.py", "wave")]
    return dict(found)


def _entry(entity: str, action: str) -> AuditEntry:
    data = {"label": "Januar 2019", "name": "Anne Nielsen", "slug": "ledighedsydelse-raadgiver", "version": 2,
            "path": "blokke/lae265.yaml", "file": "liste.csv", "created": 3, "updated": 1, "invitations": 2,
            "postponed_until": "2027-01-31T23:00:00+00:00", "reason": "Sammenlignes med 2021", "n": 6,
            "seed": "abc", "case_reference": "HJ-2019-001", "experiment": "ledighedsydelse", "role": "team_leader",
            "status": "closed", "email": "a@example.org", "added": 4}
    return AuditEntry(entity=entity, action=action, entity_id=None, before=dict(data, status="open", n=5),
                      after=data, municipality_id=None)


def test_every_audited_action_reads_as_its_own_sentence(app):
    actions = audited_actions()
    assert {"questionnaire_published", "catalogue_file_stored", "postpone_erasure", "erase_personal_data",
            "access_request", "import"} <= set().union(*actions.values())
    raw = []
    with app.test_request_context():
        lookups = Lookups({}, {}, {}, {})
        for entity, names in sorted(actions.items()):
            sentences = {}
            for action in sorted(names):
                sentence = describe(_entry(entity, action), lookups)
                keys = [key for key in (entity, action) if "_" in key]  # "status" is also a word
                if any(re.search(rf"\b{re.escape(key)}\b", sentence) for key in keys):
                    raw.append(f"{entity}/{action}: {sentence}")
                sentences[action] = sentence
            # two actions told with one sentence means one of them fell back on another's
            told = defaultdict(list)
            for action, sentence in sentences.items():
                told[sentence].append(action)
            raw += [f"{entity}: {sorted(same)} read alike: {sentence}" for sentence, same in told.items() if len(same) > 1]
    assert raw == []


def test_a_respondent_import_and_a_publish_are_in_the_log_as_sentences(app, client, make_user, login, catalogue):
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    page = client.get("/runder/respondenter")
    upload = "navn;e-mail;kommune;team\nAnne Nielsen;anne@example.org;Aalborg;Ledighedsydelse\n".encode()
    response = client.post("/runder/respondenter", content_type="multipart/form-data", data={
        "csrf_token": extract_csrf(page.get_data(as_text=True)), "file": (io.BytesIO(upload), "raadgivere.csv")})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        from app.questionnaires.service import store_questionnaire
        from forms import parse_questionnaire_text

        questionnaire, problems = parse_questionnaire_text(
            "questionnaire:\n  id: logtest\n  version: 1\n  kind: survey\n  audience: adviser\n"
            "  title: {da: \"Logprøve\", en: \"Log test\"}\nquestions:\n  - id: q\n    type: yes_no\n"
            "    text: {da: \"Virker det?\", en: \"Does it work?\"}\n", "logtest.yaml", catalogue)
        assert problems == ()
        store_questionnaire(questionnaire, "logtest.yaml")
        db.session.commit()
    html = client.get("/log/").get_data(as_text=True).split('<ol class="audit-log">')[1]
    assert "importerede respondentlisten raadgivere.csv: 1 oprettet, 0 opdateret" in html
    assert "Systemet udgav spørgeskemaet &#34;Logprøve&#34; i version 1" in html or \
        "Systemet udgav spørgeskemaet &quot;Logprøve&quot; i version 1" in html
    assert "questionnaire_published" not in html
    questionnaires = client.get("/log/?type=questionnaires").get_data(as_text=True).split('<ol class="audit-log">')[1]
    assert "Logprøve" in questionnaires and "raadgivere.csv" not in questionnaires

"""Erasure reaches every copy: the export files made from a wave or round and the folder backend's mails."""
from __future__ import annotations

import email
import email.policy
import zipfile
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import select

from app.extensions import db
from app.models import Answer, ExportJob, Invitation, Respondent, Response, SupervisionRound
from app.results.jobs import create_job, state_of
from app.scheduler import tick
from app.outbox import drain
from app.worker import run_pending
from tests.supervision.conftest import SUPERVISION_C, log_case, make_round  # noqa: F401  (fixture)
from tests.waves.factories import T0, add_wave, open_wave_with_invitations, submit_response

CLOSED = T0 + timedelta(days=21)
SURVEY = "ledighedsydelse-raadgiver"


def _texts(root: Path) -> dict[Path, str]:
    """Every file under root as text, the parts of zipped documents (xlsx, docx) included."""
    found = {}
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        if path.suffix == ".eml":  # headers and every part decoded (names and links are encoded)
            message = email.message_from_bytes(raw, policy=email.policy.default)
            parts = [str(v) for _k, v in message.items()]
            parts += [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]
            raw = "\n".join(parts).encode("utf-8")
        elif zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                raw = b"\n".join(z.read(name) for name in z.namelist())
        found[path] = raw.decode("utf-8", errors="replace")
    return found


def _closed_wave_with_mail(app) -> tuple[int, list[str]]:
    """A wave whose invitations were mailed into the folder and answered, then closed; returns (id, secrets)."""
    app.config["MAIL_BACKEND"] = "folder"
    with app.app_context():
        wave, invitations = open_wave_with_invitations(counts={"aalborg": 3, "rebild": 2}, opens=T0, closes=CLOSED)
        db.session.commit()
        drain(T0 + timedelta(minutes=1))
        for invitation, _token in invitations:
            submit_response(invitation, T0 + timedelta(days=1))
            response = db.session.scalar(select(Response).where(Response.invitation_id == invitation.id))
            db.session.add(Answer(response_id=response.id, question_id="ly_forenklet", option_code=4))
        wave.status, wave.closed_at = "closed", CLOSED
        people = [db.session.get(Respondent, inv.respondent_id) for inv, _t in invitations]
        db.session.commit()
        return wave.id, [p.name for p in people] + [p.email for p in people] + [t for _i, t in invitations]


def _later_wave_mail(app) -> set[str]:
    """A wave still to come, mailed too: its mails are not the erased wave's and stay."""
    with app.app_context():
        from app.waves.service import invite_audience

        wave = add_wave(status="open", opens=CLOSED + timedelta(days=300), label="Senere bølge")
        invite_audience(wave, wave.opens_at)
        db.session.commit()
        drain(wave.opens_at + timedelta(minutes=1))
    return {p.name for p in Path(app.config["MAIL_FOLDER"]).glob("*.eml")}


def _export(app, user_id: int, exporter: str, slug: str, records: bool = False) -> int:
    with app.app_context():
        job = create_job(exporter, {"slug": slug, "selected": [], "municipality_id": None, "records": records,
                                "language": "da"}, SimpleNamespace(id=user_id))
        db.session.commit()
        job_id = job.id
    while run_pending(app):
        pass
    with app.app_context():
        assert db.session.get(ExportJob, job_id).status == "done"
    return job_id


def test_erasure_removes_the_export_files_and_the_mail_folders_copies(app, make_user, login, make_round):
    wave_id, wave_secrets = _closed_wave_with_mail(app)
    mail = Path(app.config["MAIL_FOLDER"])
    erased_mails = {p.name for p in mail.glob("*.eml")}
    assert erased_mails and any(wave_secrets[0] in t for t in _texts(mail).values())
    leader_id, email, password = make_user("team_leader", "aalborg")
    leader = app.test_client()
    login(leader, email, password)
    round_id = make_round(municipalities=("aalborg",))
    assert log_case(leader, round_id, "AAL-2019-4711", comment="Borgeren Karen ringede").status_code == 302
    with app.app_context():
        round_ = db.session.get(SupervisionRound, round_id)
        round_.status, round_.closed_at = "closed", CLOSED
        db.session.commit()
    coordinator_id, _e, _p = make_user("coordinator")
    jobs = [_export(app, coordinator_id, "survey", SURVEY), _export(app, coordinator_id, "report-survey", SURVEY),
            _export(app, coordinator_id, "supervision", SUPERVISION_C, records=True)]
    exports = Path(app.config["EXPORT_DIR"])
    assert any("AAL-2019-4711" in t for t in _texts(exports).values())  # the records are in the workbook
    later = _later_wave_mail(app) - erased_mails

    with app.app_context():
        tick(CLOSED + timedelta(days=app.config["RETENTION_DAYS"], minutes=1))

    everything = {**_texts(exports), **_texts(mail)}
    # The wave to come mails the same advisers (they stay registered for it), never the erased wave's links.
    names, links = wave_secrets[:-5], wave_secrets[-5:]
    for secret in [*links, "AAL-2019-4711", "Karen"]:
        assert not [p for p, text in everything.items() if secret in text], secret
    for secret in names:
        assert not [p for p, text in everything.items() if secret in text and p.name not in later], secret
    assert not any(exports.glob("job-*/*"))
    assert {p.name for p in mail.glob("*.eml")} == later  # the wave to come keeps its mails
    with app.test_request_context():
        for job_id in jobs:
            state = state_of(db.session.get(ExportJob, job_id))
            assert state.erased and "personoplysningerne" in state.message
        assert db.session.scalar(select(Invitation.token_nonce).where(Invitation.wave_id == wave_id)) == ""

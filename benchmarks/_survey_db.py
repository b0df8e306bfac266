"""A real database filled with a national-size survey, for the `results` and `export` benchmarks.

N submitted responses x Q Likert questions (extent scale, 5 % "Ved ikke") over 2 waves and the 11
municipalities (weighted by size), inserted with SQLAlchemy Core in batches. A coordinator account is
created so the results page can be requested through the real login.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

SLUG = "bench-national"
EMAIL, PASSWORD = "koordinator@bench.local", "korrekt-hest-batteri"
SECRET_KEY = "bench-" + "x" * 40
SIZES_MB = "/proc/self/statm"


def rss_mb() -> float:
    """The current resident memory of this process."""
    with open(SIZES_MB) as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_mb() -> float:
    """The peak resident memory since the start, or since `reset_peak` (Linux's VmHWM)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> None:
    """Start the peak afresh (writing 5 to clear_refs resets VmHWM), so a warm-up's peak is not counted."""
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")


def in_subprocess(module: str, *arguments: str) -> dict:
    """Run `python -m <module> --measure ...` in a fresh process (so its time and peak memory are its own)
    and return the JSON it prints last."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, "-m", module, "--measure", *arguments], capture_output=True, text=True,
                          env=env, cwd=root, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def make_app(url: str, folder):
    from app import create_app

    return create_app("development", {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY,
                                     "SESSION_COOKIE_SECURE": False, "EXPORT_DIR": str(folder / "exports"),
                                     "WTF_CSRF_ENABLED": True})


def fill(url: str, folder, responses: int, questions: int, seed: int = 2019) -> None:
    """Tables, the questionnaire, two closed waves and the responses with their answers."""
    import numpy as np
    from sqlalchemy import insert, select

    from app.auth.service import create_user
    from app.extensions import db
    from app.models import Answer, Municipality, Response, Wave
    from app.models.wave import wave_municipalities
    from app.questionnaires.service import read_catalogue, store_catalogue, store_questionnaire
    from forms import Question, Questionnaire, Text
    from forms.definition import Section

    app = make_app(url, folder)
    with app.app_context():
        db.create_all()
        catalogue = read_catalogue()
        store_catalogue(catalogue)
        qs = tuple(Question(f"q{i:02d}", "likert", Text(f"I hvor høj grad har forsøget ændret arbejdet, punkt {i}?",
                                                        f"To what extent has the experiment changed the work, item {i}?"),
                            required=True, scale=catalogue.scales["extent5"]) for i in range(1, questions + 1))
        version = store_questionnaire(Questionnaire(SLUG, 1, "survey", "adviser", None,
                                                    Text("Landsdækkende survey", "National survey"), None,
                                                    (Section("main", None, None, qs),)))
        places = list(db.session.scalars(select(Municipality.id).order_by(Municipality.name)))
        create_user(EMAIL, "Koordinator", PASSWORD, "coordinator", None)
        wave_ids = []
        for w in (1, 2):
            opens = datetime(2018 + w, 1, 7, 7, tzinfo=timezone.utc)
            wave_ids.append(db.session.execute(insert(Wave).values(
                questionnaire_version_id=version.id, label=f"Bølge {w}", opens_at=opens,
                closes_at=opens + timedelta(days=21), status="closed", reminder_days=[],
                anonymous=False)).inserted_primary_key[0])
            db.session.execute(insert(wave_municipalities), [{"wave_id": wave_ids[-1], "municipality_id": m}
                                                             for m in places])
        db.session.commit()
        rng = np.random.default_rng(seed)
        weights = np.array([30, 6, 10, 11, 6, 0.3, 7, 3, 5, 7, 6][:len(places)], dtype=float)
        weights /= weights.sum()
        now = datetime(2020, 1, 1, tzinfo=timezone.utc)
        batch = 5_000
        for start in range(0, responses, batch):
            count = min(batch, responses - start)
            municipality = rng.choice(places, size=count, p=weights)
            wave = [wave_ids[0] if start + i < responses // 2 else wave_ids[1] for i in range(count)]
            first = db.session.scalar(select(db.func.coalesce(db.func.max(Response.id), 0))) + 1
            db.session.execute(insert(Response), [
                {"id": first + i, "questionnaire_version_id": version.id, "municipality_id": int(municipality[i]),
                 "wave_id": wave[i], "status": "submitted", "created_at": now, "updated_at": now,
                 "submitted_at": now} for i in range(count)])
            codes = rng.integers(1, 6, size=(count, questions))
            codes[rng.random((count, questions)) < 0.05] = 9
            db.session.execute(insert(Answer), [
                {"response_id": first + i, "question_id": qs[q].id, "option_code": int(codes[i, q])}
                for i in range(count) for q in range(questions)])
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("SELECT setval(pg_get_serial_sequence('responses', 'id'), "
                                       "(SELECT max(id) FROM responses))"))
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        db.engine.dispose()

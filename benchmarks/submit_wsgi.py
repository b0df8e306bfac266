"""The WSGI app the submission benchmark serves: Bølge itself, plus a minimal baseline endpoint.

The baseline (`/bench-baseline/submit`) stores the same rows as the real endpoint - a response header
and 20 answer rows - with SQLAlchemy Core on the same database and engine settings, and does nothing
else: no session, no CSRF, no form validation. Gunicorn serves both from one process set, so the
ratio compares the application's work, not two servers.
"""
from __future__ import annotations

import os
from datetime import datetime, timezone
from urllib.parse import parse_qs

from sqlalchemy import create_engine, insert
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from app.database import configure_engine
from app.models import Answer, Response


def baseline_app(database_url: str, version_id: int):
    engine = create_engine(database_url)
    configure_engine(engine, 30_000)
    responses, answers = Response.__table__, Answer.__table__

    def application(environ, start_response):
        size = int(environ.get("CONTENT_LENGTH") or 0)
        form = parse_qs(environ["wsgi.input"].read(size).decode("utf-8"))
        codes = {k[2:]: int(v[0]) for k, v in form.items() if k.startswith("q_")}
        now = datetime.now(timezone.utc)
        with engine.begin() as connection:
            response_id = connection.execute(insert(responses).values(
                questionnaire_version_id=version_id, status="submitted", created_at=now, updated_at=now,
                submitted_at=now)).inserted_primary_key[0]
            connection.execute(insert(answers), [{"response_id": response_id, "question_id": qid,
                                                  "option_code": code} for qid, code in codes.items()])
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]

    return application


def make_app():
    """Entry point for gunicorn: `benchmarks.submit_wsgi:make_app()`."""
    from app import create_app

    flask_app = create_app()
    url = flask_app.config["SQLALCHEMY_DATABASE_URI"]
    version_id = int(os.environ["BENCH_VERSION_ID"])
    return DispatcherMiddleware(flask_app, {"/bench-baseline": baseline_app(url, version_id)})

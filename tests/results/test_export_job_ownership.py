"""An export job belongs to the person who started it: another coordinator, a logged-out client and a
guessed job id get nothing."""
from __future__ import annotations

import pytest

from tests.results.test_views import _start_export, _wait_done


@pytest.fixture
def finished_job(app, client, known_survey, make_user, login) -> str:
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    location = _start_export(client).headers["Location"]
    assert _wait_done(client, location)["status"] == "done"
    assert client.get(location + "/fil.xlsx").status_code == 200
    assert client.get(location + "/fil.csv").status_code == 200
    return location


@pytest.mark.parametrize("suffix", ["", "/status", "/fil.xlsx", "/fil.csv"])
def test_another_coordinators_job_is_not_found(app, finished_job, make_user, login, suffix):
    _id, email, password = make_user("coordinator", email="anden.koordinator@example.dk")
    other = app.test_client()
    login(other, email, password)
    assert other.get(finished_job + suffix).status_code == 404


@pytest.mark.parametrize("suffix", ["", "/status", "/fil.xlsx"])
def test_a_logged_out_client_is_sent_to_the_login_page_without_the_file(app, finished_job, suffix):
    response = app.test_client().get(finished_job + suffix)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert b"PK" not in response.data[:2]


def test_a_guessed_job_id_is_not_found(app, client, finished_job):
    job_id = int(finished_job.rstrip("/").rsplit("/", 1)[1])
    for guess in (job_id + 1, job_id + 1000, 0):
        assert client.get(f"/resultater/eksport/{guess}/fil.xlsx").status_code == 404
        assert client.get(f"/resultater/eksport/{guess}").status_code == 404

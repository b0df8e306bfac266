"""Case lists (CSV and Excel) and the seeded, reproducible sample per municipality."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, CaseListEntry, SupervisionRound
from app.supervision.sampling import draw
from tests.conftest import extract_csrf

REFERENCES = [f"AAL-{i:04d}" for i in range(1, 41)]


def _upload(client, round_id, filename, content: bytes):
    token = extract_csrf(client.get(f"/tilsyn/runder/{round_id}/stikproeve").get_data(as_text=True))
    return client.post(f"/tilsyn/runder/{round_id}/sagsliste", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(content), filename)})


def _draw(client, round_id, municipality_id, size, seed):
    token = extract_csrf(client.get(f"/tilsyn/runder/{round_id}/stikproeve").get_data(as_text=True))
    return client.post(f"/tilsyn/runder/{round_id}/stikproeve", data={
        "csrf_token": token, "municipality": str(municipality_id), "size": str(size), "seed": seed})


def _csv(rows, header="sagsnummer"):
    return ("\n".join([header] + rows) + "\n").encode("utf-8")


def _sample(app, round_id, municipality_id):
    with app.app_context():
        return list(db.session.scalars(select(CaseListEntry.case_reference).where(
            CaseListEntry.round_id == round_id, CaseListEntry.municipality_id == municipality_id,
            CaseListEntry.sample_rank.is_not(None)).order_by(CaseListEntry.sample_rank)))


def _listed(app, round_id):
    with app.app_context():
        return sorted(db.session.scalars(select(CaseListEntry.case_reference).where(CaseListEntry.round_id == round_id)))


@pytest.fixture
def leader(app, make_user, login):
    _uid, email, password = make_user("team_leader", "aalborg")
    client = app.test_client()
    login(client, email, password)
    return client


def test_draw_is_reproducible_and_independent_of_list_order():
    shuffled = list(reversed(REFERENCES))
    first = draw(REFERENCES, 8, "2019-juli", 3, 851)
    assert first == draw(shuffled, 8, "2019-juli", 3, 851)
    assert len(set(first)) == 8 and set(first) <= set(REFERENCES)
    assert draw(REFERENCES, 8, "andet-seed", 3, 851) != first
    assert draw(REFERENCES, 8, "2019-juli", 3, 787) != first  # municipalities are drawn independently
    assert sorted(draw(REFERENCES, 40, "x", 1, 851)) == sorted(REFERENCES)
    with pytest.raises(ValueError):
        draw(REFERENCES, 41, "x", 1, 851)  # never silently fewer than asked for


def test_draw_matches_the_documented_recipe():
    """Anyone can check a draw: random.Random(f"{seed}:{round}:{code}").sample(sorted(references), n)."""
    import random

    expected = random.Random("kontrol:7:851").sample(sorted(REFERENCES), 5)
    assert draw(REFERENCES, 5, "kontrol", 7, 851) == expected


def test_csv_import_and_seeded_sample_through_the_pages(app, leader, make_round, municipality_id):
    round_id = make_round()
    aalborg = municipality_id("aalborg")
    response = _upload(leader, round_id, "sager.csv", _csv(REFERENCES))
    assert response.status_code == 302
    assert _listed(app, round_id) == REFERENCES
    assert _draw(leader, round_id, aalborg, 6, "juli-2019").status_code == 302
    sample = _sample(app, round_id, aalborg)
    with app.app_context():
        code = db.session.get(SupervisionRound, round_id).municipalities[0].code
    assert sample == draw(REFERENCES, 6, "juli-2019", round_id, code)
    page = leader.get(f"/tilsyn/runder/{round_id}/stikproeve").get_data(as_text=True)
    assert all(ref in page for ref in sample) and "juli-2019" in page
    # Re-drawing with the same seed gives the same sample: the draw can be checked.
    _draw(leader, round_id, aalborg, 6, "juli-2019")
    assert _sample(app, round_id, aalborg) == sample
    with app.app_context():
        drawn = list(db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "case_sample")))
    assert [e.after["sample"] for e in drawn] == [sample, sample]


def test_same_list_in_another_order_gives_the_same_sample(app, leader, make_round, municipality_id):
    aalborg = municipality_id("aalborg")
    first, second = make_round(label="A"), make_round(label="B")
    _upload(leader, first, "a.csv", _csv(REFERENCES))
    _upload(leader, second, "b.csv", _csv(list(reversed(REFERENCES))))
    for round_id in (first, second):
        _draw(leader, round_id, aalborg, 5, "s")
    with app.app_context():
        code = db.session.get(SupervisionRound, first).municipalities[0].code
    assert _sample(app, first, aalborg) == draw(REFERENCES, 5, "s", first, code)
    assert _sample(app, second, aalborg) == draw(REFERENCES, 5, "s", second, code)


def test_excel_import(app, leader, make_round):
    from openpyxl import Workbook

    round_id = make_round()
    book = Workbook()
    sheet = book.active
    sheet.append(["Sagsnummer"])
    for ref in REFERENCES[:5]:
        sheet.append([ref])
    sheet.append([20191234])  # a number cell is read as text
    buffer = io.BytesIO()
    book.save(buffer)
    assert _upload(leader, round_id, "sager.xlsx", buffer.getvalue()).status_code == 302
    assert _listed(app, round_id) == sorted(REFERENCES[:5] + ["20191234"])


def test_cpr_like_reference_refuses_the_whole_file_with_row_numbers(app, leader, make_round):
    round_id = make_round()
    response = _upload(leader, round_id, "sager.csv", _csv(["AAL-1", "010203-1234", "AAL-1", "", "AAL-2"]))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Række 3: sagsnummeret ligner et CPR-nummer" in html
    assert "Række 4: sagsnummeret står også i række 2" in html
    assert "010203-1234" not in html
    assert _listed(app, round_id) == []


def test_team_leader_cannot_import_for_another_municipality(app, leader, make_round):
    round_id = make_round()
    response = _upload(leader, round_id, "sager.csv", "sagsnummer;kommune\nAAL-1;aalborg\nTHI-1;thisted\n".encode())
    assert response.status_code == 400
    assert "Række 3: du kan kun indlæse sager for din egen kommune" in response.get_data(as_text=True)
    assert _listed(app, round_id) == []


def test_coordinator_imports_for_several_municipalities_by_name_or_code(app, client, make_user, login, make_round, municipality_id):
    round_id = make_round()
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    content = "sagsnummer,kommune\nA-1,Aalborg\nT-1,787\nT-2,thisted\nX-1,Læsø\n".encode()
    refused = _upload(client, round_id, "sager.csv", content)
    assert refused.status_code == 400 and "Række 5: kommunen er ikke en af rundens kommuner" in refused.get_data(as_text=True)
    assert _upload(client, round_id, "sager.csv", content.replace(b"X-1,L\xc3\xa6s\xc3\xb8\n", b"")).status_code == 302
    with app.app_context():
        rows = db.session.execute(select(CaseListEntry.municipality_id, CaseListEntry.case_reference)).all()
    assert sorted(rows) == sorted([(municipality_id("aalborg"), "A-1"), (municipality_id("thisted"), "T-1"),
                                   (municipality_id("thisted"), "T-2")])


def test_team_leader_cannot_draw_for_another_municipality(app, leader, make_round, municipality_id):
    round_id = make_round()
    _upload(leader, round_id, "sager.csv", _csv(REFERENCES))
    response = _draw(leader, round_id, municipality_id("thisted"), 3, "x")
    assert response.status_code == 400
    assert _sample(app, round_id, municipality_id("thisted")) == []


def test_list_is_locked_once_a_sample_is_drawn(app, leader, make_round, municipality_id):
    round_id = make_round()
    _upload(leader, round_id, "sager.csv", _csv(REFERENCES[:10]))
    _draw(leader, round_id, municipality_id("aalborg"), 3, "x")
    response = _upload(leader, round_id, "flere.csv", _csv(REFERENCES[10:]))
    assert response.status_code == 400 and "allerede trukket en stikprøve" in response.get_data(as_text=True)
    assert _listed(app, round_id) == REFERENCES[:10]


def test_script_in_imported_reference_is_escaped(app, leader, make_round, municipality_id):
    round_id = make_round()
    _upload(leader, round_id, "sager.csv", _csv(["<script>alert(1)</script>"]))
    _draw(leader, round_id, municipality_id("aalborg"), 1, "<b>seed</b>")
    html = leader.get(f"/tilsyn/runder/{round_id}/stikproeve").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html and "<b>seed</b>" not in html


def test_a_large_list_imports_in_one_go_and_a_too_large_file_is_refused(app, leader, make_round, monkeypatch):
    from app.supervision import sampling

    round_id = make_round()
    many = [f"SAG-{i:05d}" for i in range(3000)]
    assert _upload(leader, round_id, "mange.csv", _csv(many)).status_code == 302
    assert len(_listed(app, round_id)) == 3000
    monkeypatch.setattr(sampling, "MAX_FILE_BYTES", 100)
    refused = _upload(leader, round_id, "stor.csv", _csv([f"NY-{i}" for i in range(50)]))
    assert refused.status_code == 400 and "for stor" in refused.get_data(as_text=True)
    assert len(_listed(app, round_id)) == 3000


def test_a_closed_round_refuses_new_case_lists_and_draws(app, leader, make_round, municipality_id):
    round_id = make_round(status="closed")
    response = _upload(leader, round_id, "sager.csv", _csv(REFERENCES[:10]))
    assert response.status_code == 409 and "Runden er lukket" in response.get_data(as_text=True)
    assert _listed(app, round_id) == []
    response = _draw(leader, round_id, municipality_id("aalborg"), 3, "x")
    assert response.status_code == 409
    assert _sample(app, round_id, municipality_id("aalborg")) == []

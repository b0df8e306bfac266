"""A team leader's case list that claims a whole sheet is imported as what it holds."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import CaseListEntry
from tests.app.test_upload_bounds import _xlsx
from tests.supervision.test_sampling import _upload


def test_a_case_list_claiming_the_whole_sheet_is_imported_as_what_it_holds(app, make_user, login, make_round):
    _uid, email, password = make_user("team_leader", "aalborg")
    client = app.test_client()
    login(client, email, password)
    round_id = make_round()
    content = _xlsx([["sagsnummer"], ["AAL-1"], ["AAL-2"]], dimension="A1:XFD1048576")
    response = _upload(client, round_id, "liste.xlsx", content)
    assert response.status_code in (200, 302)
    with app.app_context():
        assert sorted(db.session.scalars(select(CaseListEntry.case_reference))) == ["AAL-1", "AAL-2"]


def test_a_case_list_over_the_row_limit_is_refused_with_the_limit_named(app, make_user, login, make_round):
    from app.uploads import MAX_ROWS

    _uid, email, password = make_user("team_leader", "aalborg")
    client = app.test_client()
    login(client, email, password)
    round_id = make_round()
    content = ("sagsnummer\n" + "".join(f"AAL-{i}\n" for i in range(MAX_ROWS + 1))).encode()
    response = _upload(client, round_id, "liste.csv", content)
    assert response.status_code == 400
    assert "20.000 rækker" in response.get_data(as_text=True)
    with app.app_context():
        assert list(db.session.scalars(select(CaseListEntry))) == []

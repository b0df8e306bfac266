"""Seed F, the evaluation scheme: municipalities fill in the ten points of "Vejledning til evalueringsskemaet"
per experiment, points 1-5 before the start and 6-10 from the experience, end to end.

Team leaders fill in their municipality's scheme through the scheme form (a draft saved, a phase submitted);
the compilation (the workbook, the Word document, the results page and the coordinator's compiled view)
shows under each point each municipality's answer in turn, with a draft marked as one and an empty point
as "(ikke udfyldt)".
"""
from __future__ import annotations

import re
from datetime import datetime

import docx
import openpyxl
from sqlalchemy import select

from app.extensions import db
from app.models import Experiment
from tests.seeds.harness import export, page_text, sheet_rows, team_leader
from tests.supervision.conftest import post_form

POINTS = ["1. Beskrivelse af forsøget", "2. Formål med forsøget", "3. Konkrete mål/succeskriterier for forsøget",
          "4. Evalueringsdesign", "5. Opfyldelse af lovens krav", "6. Justering af evalueringsdesign",
          "7. Forsøgets resultater", "8. Konklusion på forsøget", "9. Uventede fund", "10. Bemærkninger i øvrigt"]
EMPTY = "(ikke udfyldt)"


def _points(place: str, numbers, note: str = "") -> dict[int, str]:
    return {n: f"{place} punkt {n}{note}" for n in numbers}


# experiment -> municipality -> (the points' texts, the phases submitted); a phase's other texts are drafts
PLAN = {
    "revalidering-bevillingsgrundlag": {
        "aalborg": ({**_points("Aalborg", range(1, 11))}, {1, 2}),
        "jammerbugt": ({**_points("Jammerbugt", range(1, 6)), **_points("Jammerbugt", (6, 7), " (udkast)")}, {1}),
        "thisted": (_points("Thisted", (1, 3), " (udkast)"), set()),
        # Vesthimmerland has not started
    },
    "ressourceforloeb-forlaengelse": {
        "frederikshavn": (_points("Frederikshavn", range(1, 6)), {1}),
        "laesoe": ({**_points("Læsø", range(1, 11)), 8: "Læsø punkt 8: forlængelsen virkede"}, {1, 2}),
    },
}
TITLES = {"revalidering-bevillingsgrundlag": "Forenkling af bevillingsgrundlaget for revalidering",
          "ressourceforloeb-forlaengelse": "Forlængelse af ressourceforløbssager"}
NAMES = {"aalborg": "Aalborg", "jammerbugt": "Jammerbugt", "thisted": "Thisted", "vesthimmerland": "Vesthimmerland",
         "frederikshavn": "Frederikshavn", "laesoe": "Læsø"}


def _fill_in(app, make_user, login) -> dict[str, int]:
    """Each municipality's team leader fills in its schemes as the plan says; {experiment slug: id}."""
    with app.app_context():
        experiments = {e.slug: (e.id, {m.slug: m.id for m in e.municipalities})
                       for e in db.session.scalars(select(Experiment).where(Experiment.slug.in_(PLAN)))}
    leaders = {}
    for slug, schemes in PLAN.items():
        experiment_id, places = experiments[slug]
        for place, (texts, submitted) in schemes.items():
            leader = leaders.setdefault(place, team_leader(app, make_user, login, place))
            url = f"/tilsyn/evalueringsskemaer/{experiment_id}/{places[place]}"
            for phase, numbers in ((1, range(1, 6)), (2, range(6, 11))):
                data = {f"q_p{n:02d}": texts[n] for n in numbers if n in texts}
                if not data:
                    continue
                action = "submit" if phase in submitted else "save"
                sent = post_form(leader, url, {**data, "action": action})
                assert sent.status_code == 302, sent.get_data(as_text=True)
    return {slug: experiments[slug][0] for slug in PLAN}


def _expected(slug: str, place: str, number: int) -> tuple[str, bool]:
    """(the text shown under the point, whether its phase is submitted)."""
    texts, submitted = PLAN[slug][place]
    return texts.get(number, EMPTY), (1 if number <= 5 else 2) in submitted


def test_seed_f_evaluation_schemes_compiled_point_by_point(app, client, runner, make_user, login, tmp_path):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    ids = _fill_in(app, make_user, login)

    # the workbook: a sheet per experiment, under each point each municipality with a scheme, in turn
    export(runner, "schemes", "-o", str(tmp_path / "skemaer.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "skemaer.xlsx")
    checked = 0
    for slug, schemes in PLAN.items():
        [sheet] = [s for s in book.sheetnames if book[s]["A1"].value == TITLES[slug]]
        rows = sheet_rows(book, sheet, "Punkt")
        places = sorted(NAMES[p] for p in schemes)
        assert [(r["Punkt"], r["Kommune"]) for r in rows] == [(p, m) for p in POINTS for m in places]
        for row in rows:
            place = next(p for p in schemes if NAMES[p] == row["Kommune"])
            text, submitted = _expected(slug, place, POINTS.index(row["Punkt"]) + 1)
            assert row["Svar"] == text, row
            assert isinstance(row["Fase indsendt"], datetime) == submitted, row
            checked += 1
    assert checked == 10 * 5

    # the Word document: per experiment, per point, "Municipality (indsendt dd.mm.yyyy)" or "(ikke indsendt)"
    export(runner, "report", "schemes", "-o", str(tmp_path / "skemaer.docx"))
    paragraphs = [(p.style.name, p.text) for p in docx.Document(tmp_path / "skemaer.docx").paragraphs]
    for slug, schemes in PLAN.items():
        start = paragraphs.index(("Heading 1", TITLES[slug]))
        part = paragraphs[start + 1:]
        part = part[:next((i for i, (style, _t) in enumerate(part) if style == "Heading 1"), len(part))]
        for number, point in enumerate(POINTS, start=1):
            at = part.index(("Heading 3", point))
            entries = [t for _s, t in part[at + 1:at + 1 + 2 * len(schemes)]]
            for i, place in enumerate(sorted(schemes, key=NAMES.get)):
                text, submitted = _expected(slug, place, number)
                assert entries[2 * i].startswith(NAMES[place] + (" (indsendt " if submitted else " (ikke indsendt)"))
                assert entries[2 * i + 1] == text

    # the coordinator's compiled view of each experiment: every municipality, drafts marked, not started named
    for slug, experiment_id in ids.items():
        html = client.get(f"/tilsyn/evalueringsskemaer/{experiment_id}/samlet").get_data(as_text=True)
        for place, (texts, submitted) in PLAN[slug].items():
            state = "fase 1 og 2 indsendt" if submitted == {1, 2} else "fase 1 indsendt" if submitted else "kladde"
            assert f"<li>{NAMES[place]}: {state}</li>" in html
            for number, text in texts.items():
                section = html.split(f'id="point-p{number:02d}"')[1].split("</section>")[0]
                entry = page_text(section.split(f"<h3>{NAMES[place]}</h3>")[1].split("<h3>")[0])
                marker = "Indsendt" if (1 if number <= 5 else 2) in submitted else "Kladde, ikke indsendt"
                assert entry.startswith(marker) and text in entry, (place, number, entry)
        if slug == "revalidering-bevillingsgrundlag":
            assert "<li>Vesthimmerland: ikke påbegyndt</li>" in html

    # the results page: the same compilation, a draft marked as one
    html = client.get("/resultater/evalueringsskemaer").get_data(as_text=True)
    for slug, schemes in PLAN.items():
        section = html.split(f">{TITLES[slug]}</h2>")[1].split("</section>")[0]
        for number, point in enumerate(POINTS, start=1):
            block = section.split(f"<h3>{point}</h3>")[1].split("</dl>")[0]
            entries = dict(re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", block, re.S))
            assert set(entries) == {NAMES[p] for p in schemes}
            for place in schemes:
                text, submitted = _expected(slug, place, number)
                shown = page_text(entries[NAMES[place]])
                assert text in shown, (place, number, shown)
                if text != EMPTY:
                    assert ("kladde" in shown.lower()) == (not submitted), (place, number, shown)

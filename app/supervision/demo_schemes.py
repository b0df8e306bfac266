"""Demo evaluation schemes for the LÆ265 experiment, with answers quoted from a filled-in scheme (seed 002)."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Experiment, Municipality
from app.supervision.schemes import save

EXPERIMENT = "revalidering-bevillingsgrundlag"

PHASE1 = {
    "p01": "Fritagelse fra krav om at indhente lægeattest – LÆ265 – i de tilfælde, hvor der i forvejen foreligger "
           "tilstrækkelige helbredsmæssige oplysninger. Fritagelse fra forelæggelse af visse sager ift. "
           "jobafklaringsforløb for rehabiliteringsteamet.",
    "p02": "Med dette forsøg har de deltagende kommuner haft mulighed for at tilrettelægge beskæftigelsesindsatsen "
           "mere fleksibelt, idet de har haft mulighed for at fritage borgerne fra to regelfastsatte krav i "
           "forbindelse med forelæggelse af borgernes sag for rehabiliteringsteamet.",
    "p03": "Forventningen til forsøget var, at kommunerne kunne skabe samme eller bedre effekt med en mere enkel og "
           "smidig sagsbehandling. Derudover var det tanken, at der med forsøget kunne frigives ressourcer, som "
           "kunne anvendes til gavn for de borgere, der havde brug for en koordineret og tværfaglig indsats.",
    "p04": "Rambøll har udarbejdet evalueringen for de nordjyske kommuner. For at kunne beskrive forsøgets "
           "udformning, omfang og resultater i kommunerne både kvantitativt og kvalitativt, er der opstillet et "
           "mixed-methods-design.",
    "p05": "Forsøget er godkendt af ministeren og vurderes derfor at opfylde lovgivningens formål.",
}
P06 = ("Der har ikke været justeringer i perioden – målet har hele tiden været at undersøge, om der kunne opnås "
       "de samme/bedre resultater med færre proceskrav.")
PHASE2 = {
    "aalborg": {
        "p06": P06,
        "p07": "Det er kommunens vurdering, at forsøget har vist, at en faglig vurdering af behovet vedr. "
               "helbredsmæssig dokumentation i hver enkelt sag kan foretages af rådgiver i samarbejde med "
               "lægekonsulent/sundhedskoordinator.",
        "p08": "Det er vurderingen at forlængelsesperioden ville vise samme billede som selve forsøgsperioden, "
               "såfremt der havde været foretaget registrering/konkret evaluering.",
        "p09": "Kommunerne havde ligeledes allerede inden pandemiens udbrud oparbejdet en god erfaring med at "
               "samarbejde med lægerne på anden vis end ved indhentning af LÆ265.",
        "p10": "Det foreslås at brugen af rehabiliteringsmøder generelt ændres til at være en mulighed (frem for en "
               "pligt), når sagerne har en kompleksitet som gør, at der er behov for en tværfaglig drøftelse af "
               "borgerens situation.",
    },
    "thisted": {
        "p06": P06,
        "p07": "Det vurderes fra Thisted, at formålet med forsøget bestemt er opnået.",
        "p08": "Fra Thisted har vi udelukkende positive erfaringer med forsøget.",
    },
}


def seed_demo_schemes() -> None:
    """Aalborg has submitted both phases; Thisted has submitted phase 1 and has a draft of phase 2."""
    experiment = db.session.scalar(select(Experiment).where(Experiment.slug == EXPERIMENT))
    places = {m.slug: m for m in db.session.scalars(select(Municipality).where(Municipality.slug.in_(PHASE2)))}
    for slug, phase2 in PHASE2.items():
        save(None, experiment, places[slug], 1, PHASE1, submit=True)
        save(None, experiment, places[slug], 2, phase2, submit=slug == "aalborg")

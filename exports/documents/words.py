"""The documents' own wording in English, keyed by the Danish (the documents are written in Danish first).

Templates keep their `{placeholders}`; `say` looks a text up and fills it in. A text without an English
entry stays Danish, and `tests/exports/test_document_words.py` checks that none is missing.
"""
from __future__ import annotations

from exports.anonymity import OTHER_GROUP_LABEL, SUPPRESSED_LABEL
from exports.significance import MAYBE_CHANCE, SIGNIFICANT
from exports.survey_data import NETWORK_LABEL
from exports.survey_tables import NOT_COMPARABLE

ENGLISH = {
    # common
    "Side": "Page", "af": "of", "Metode": "Method", "Resultater": "Results",
    NETWORK_LABEL: "Network total", "Uden kommune": "No municipality", SUPPRESSED_LABEL: "hidden", NOT_COMPARABLE: "not comparable",
    SIGNIFICANT: "significant (p < 0.05)", MAYBE_CHANCE: "could be chance",
    "Gruppe": "Group", "Svarmulighed": "Option", "Bølge": "Wave", "Kommune": "Municipality", "Runde": "Round",
    "Version": "Version", "Åbnede": "Opened", "Lukkede": "Closed", "Inviterede": "Invited",
    "Besvarelser": "Responses", "Svarprocent": "Response rate", "Bemærkning": "Remark",
    "N (besvarelser)": "N (responses)", "Gennemsnit": "Mean", "Top-2: {labels}": "Top 2: {labels}",
    "{label} (manglende værdi)": "{label} (missing value)",
    "{wave}: antal": "{wave}: count", "{wave}: andel": "{wave}: share",
    "Ændring {a} → {b} (procentpoint)": "Change {a} → {b} (percentage points)",
    "Vurdering {a} → {b}": "Verdict {a} → {b}",
    "Figur {n}. Spørgsmål {number}: {wording} (netværket i alt).": "Figure {n}. Question {number}: {wording} "
                                                                "(network total).",
    "Søjlediagram for spørgsmål {number}, netværket i alt: {figures}": "Bar chart of question {number}, network "
                                                                       "total: {figures}",
    "Skjult efter anonymitetsreglen: {groups}.": "Hidden by the anonymity rule: {groups}.",
    # the survey appendix
    "Bilag 2: surveyresultater fra medarbejdersurvey": "Appendix 2: results of the adviser survey",
    "Bilaget viser svarene på spørgeskemaet \"{title}\" i {waves} bølge(r) med i alt {n} besvarelser. Rådgiverne "
    "er inviteret personligt pr. e-mail og har svaret i Bølge.":
        "This appendix shows the answers to the questionnaire \"{title}\" in {waves} wave(s) with {n} responses "
        "in all. The advisers were invited personally by e-mail and answered in Bølge.",
    "Der er endnu ingen indsendte besvarelser i de valgte bølger; tabellerne viser 0.":
        "There are no submitted responses in the chosen waves yet; the tables show 0.",
    "Bølger": "Waves", "Tider i {zone}.": "Times in {zone}.",
    "Inviterede, besvarelser og svarprocent pr. bølge og kommune.":
        "Invited, responses and response rate per wave and municipality.",
    "Anonymitet og sammenligning": "Anonymity and comparison",
    "Anonymitetsgrænse: {threshold} besvarelser. En kommune med færre besvarelser vises som \"{hidden}\", og en "
    "anden lille kommune skjules også, så den skjulte ikke kan regnes ud af netværkets total. Et spørgsmål med "
    "færre besvarelser end bølgen får samme regel på sine egne tal.":
        "Anonymity threshold: {threshold} responses. A municipality with fewer responses is shown as "
        "\"{hidden}\", and another small municipality is hidden too, so that the hidden one cannot be worked out "
        "from the network total. A question with fewer responses than the wave gets the same rule on its own "
        "figures.",
    "Andel = antal / N, hvor N er besvarelserne af spørgsmålet (\"Ved ikke\" og lignende medregnet). "
    "Gennemsnit og top-2 regnes af de gyldige svar.":
        "Share = count / N, where N is the responses to the question (\"Don't know\" and the like included). "
        "Mean and top 2 are computed from the valid answers.",
    "Ændringen mellem to bølger står i procentpoint (gennemsnit: i point) og kun, når spørgsmålet er stillet med "
    "samme formulering og skala i begge bølger.":
        "The change between two waves is in percentage points (mean: in points), and only where the question "
        "was asked with the same wording and scale in both waves.",
    "Ingen har svaret på spørgsmålet i de valgte bølger.": "Nobody answered the question in the chosen waves.",
    "Svarene står, som de er skrevet ({n}); de tælles ikke. Svarene fra skjulte kommuner står samlet som "
    "\"{others}\", ordnet efter svaret.": "The answers as they were written ({n}); they are not counted. The "
                                          "answers from hidden municipalities stand together as \"{others}\", "
                                          "in the order of the answers.",
    OTHER_GROUP_LABEL: "Others (hidden)", "Svar": "Answer",
    "Spørgsmålet er ændret mellem bølgerne (formulering, type eller skala), så ændringen beregnes ikke.":
        "The question changed between the waves (wording, type or scale), so no change is computed.",
    "Andel = antal / N (alle besvarelser af spørgsmålet, manglende værdier medregnet).":
        "Share = count / N (every response to the question, missing values included).",
    "Flere svar mulige: andelen er andelen af respondenterne, der valgte muligheden; summen kan overstige 100 %.":
        "Several answers possible: the share is the share of respondents who chose the option; the shares may "
        "add up to more than 100 %.",
    "Gennemsnit af koderne {used}.": "Mean of the codes {used}.",
    "Gennemsnit af koderne {used}; udeladt: {left}.": "Mean of the codes {used}; left out: {left}.",
    "Top-2 = andel af de gyldige svar (uden manglende værdier) i {labels}.":
        "Top 2 = share of the valid answers (without missing values) in {labels}.",
    " eller ": " or ",
    "andele: χ²-test af to andele, eller Fishers eksakte test, når en forventet værdi er under 5":
        "shares: the χ² test of two proportions, or Fisher's exact test when an expected count is under 5",
    "gennemsnit af en skala: Mann-Whitney-testen": "the mean of a scale: the Mann-Whitney test",
    "gennemsnit af et talspørgsmål: Welchs t-test": "the mean of a number question: Welch's t-test",
    "Ved hver ændring står, om den er signifikant (p < 0,05) eller kan skyldes tilfældigheder ({tests}).":
        "Each change says whether it is significant (p < 0.05) or could be chance ({tests}).",
    "Ændring {a} → {b} ({unit})": "Change {a} → {b} ({unit})", "Ændring {a} → {b}": "Change {a} → {b}",
    "Gennemsnit af svarene i {unit}; ændringen i gennemsnit testes med Welchs t-test.":
        "Mean of the answers in {unit}; the change of the mean is tested with Welch's t-test.",
    "Gennemsnit af svarene; ændringen i gennemsnit testes med Welchs t-test.":
        "Mean of the answers; the change of the mean is tested with Welch's t-test.",
    # the supervision appendix
    "Bilag 1: resultat fra ledelsestilsyn": "Appendix 1: results of the management supervision",
    "Ledelsestilsynet gennemgår sager udvalgt ved en stikprøve (hele sagslisten, hvor der ikke er trukket en "
    "stikprøve). Tallene omfatter stikprøvens sager og de sager udenfor stikprøven, som en koordinator har "
    "medtaget. Andel = antal / N, hvor N er de sager, hvor spørgsmålet er besvaret. Tallene beskriver sager, "
    "ikke personer.":
        "The management supervision reviews cases drawn in a sample (the whole case list where no sample was "
        "drawn). The figures count the sample's cases and the cases outside the sample that a coordinator "
        "included. Share = count / N, where N is the cases in which the question was answered. The figures "
        "describe cases, not people.",
    "Gennemgåede sager pr. runde og kommune.": "Reviewed cases per round and municipality.",
    "Stikprøvens dækning": "The sample's coverage",
    "Sager på listen, i stikprøven og gennemgået.": "Cases on the list, in the sample and reviewed.",
    "Der er endnu ingen gennemgåede sager i de valgte runder; tabellerne viser 0.":
        "There are no reviewed cases in the chosen rounds yet; the tables show 0.",
    "Andel = antal / N (sager, hvor spørgsmålet er besvaret).":
        "Share = count / N (cases in which the question was answered).",
    "Stilles kun, når spørgsmål {number} er besvaret med {labels}.":
        "Asked only when question {number} was answered with {labels}.",
    "Periode fra": "Period from", "Periode til": "Period to", "Gennemgåede sager": "Reviewed cases",
    "Udenfor stikprøven, ikke talt med": "Outside the sample, not counted", "Sager på listen": "Cases on the list",
    "I stikprøven": "In the sample", "Gennemgået i stikprøven": "Reviewed in the sample",
    "Udenfor stikprøven": "Outside the sample", "Heraf medtaget af koordinator": "Of these included by a coordinator",
    "Besvaret (N)": "Answered (N)", "{label} (antal)": "{label} (count)", "{label} (andel)": "{label} (share)",
    "Median": "Median", "Minimum": "Minimum", "Maksimum": "Maximum",
    "Ændring i gennemsnit fra forrige runde": "Change in the mean from the previous round",
    "p-værdi (Welch)": "p-value (Welch)",
    "Ændring {a} → {b} (pp)": "Change {a} → {b} (pp)", "Signifikant {a} → {b}": "Significant {a} → {b}",
    "antal": "count", "andel": "share", "Antal": "Count", "Andel": "Share", "Ændring (pp)": "Change (pp)",
    "Signifikant": "Significant", "Fritekstsvar": "Free-text answers", "Stikprøve": "Sample",
    "i stikprøven": "in the sample", "udenfor stikprøven, medtaget": "outside the sample, included",
    "udenfor stikprøven, ikke talt med": "outside the sample, not counted",
    "Fritekst tælles ikke; svarene står i afsnittet \"{section}\".":
        "Free text is not counted; the answers are in the section \"{section}\".",
    "Svarene står, som de er skrevet, pr. runde og kommune. Sager udenfor stikprøven er markeret; de tælles ikke "
    "med i tallene, medmindre en koordinator har medtaget dem.":
        "The answers as they were written, per round and municipality. Cases outside the sample are marked; they "
        "are not counted in the figures unless a coordinator included them.",
    "Ingen har svaret på spørgsmålet i de valgte runder.": "Nobody answered the question in the chosen rounds.",
    "En andels ændring fra runde til runde testes med χ²-testen af to andele, eller Fishers eksakte test, når en "
    "forventet værdi er under 5 (5 % niveau).":
        "A share's change from round to round is tested with the χ² test of two proportions, or Fisher's exact "
        "test when an expected count is under 5 (5 % level).",
    "Et talspørgsmåls ændring i gennemsnit testes med Welchs t-test (5 % niveau).":
        "A number question's change of the mean is tested with Welch's t-test (5 % level).",
    "Gennemsnit, median, minimum og maksimum af svarene i {unit}; ændringen i gennemsnit fra runden før testes med "
    "Welchs t-test (5 % niveau).":
        "Mean, median, minimum and maximum of the answers in {unit}; the change of the mean from the round before "
        "is tested with Welch's t-test (5 % level).",
    "Gennemsnit, median, minimum og maksimum af svarene; ændringen i gennemsnit fra runden før testes med Welchs "
    "t-test (5 % niveau).":
        "Mean, median, minimum and maximum of the answers; the change of the mean from the round before is tested "
        "with Welch's t-test (5 % level).",
    "Netværket i alt, runderne sammenlignet. {marker}: ændringen er større, end tilfældet kan forklare (χ²-test af "
    "to andele, eller Fishers eksakte test, når en forventet værdi er under 5; 5 % niveau).":
        "Network total, the rounds compared. {marker}: the change is larger than chance can explain (the χ² test "
        "of two proportions, or Fisher's exact test when an expected count is under 5; 5 % level).",
    # the scheme compilation
    "Evalueringsskemaer samlet": "Evaluation schemes compiled",
    "Punkt for punkt, hver kommunes svar": "Point by point, each municipality's answer",
    "Ingen skemaer endnu.": "No schemes yet.",
    "Før forsøgets start (punkt 1-5)": "Before the experiment started (points 1-5)",
    "Efter forsøget (punkt 6-10)": "After the experiment (points 6-10)",
    "(ikke udfyldt)": "(not filled in)", "indsendt {date}": "submitted {date}", "ikke indsendt": "not submitted",
}


def say(text: str, language: str = "da", **values: object) -> str:
    """The text in the document's language, its placeholders filled in."""
    template = ENGLISH.get(text, text) if language == "en" else text
    return template.format(**values) if values else template

"""Audit entries as sentences in the reader's language, e.g. "Karen Koordinator ændrede sag ABC-123
(Aalborg, Juli 2019): 'Er sagen afgjort uden indhentelse af LÆ265?' Ja → Nej".

Each (entity, action) has one small describer; the snapshots stored by the domain services are
read as they are, and what a describer cannot find (a deleted round, an unknown question) is shown
with what the entry itself holds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app.extensions import db
from app.i18n import current_lang
from app.models import AuditEntry, Experiment, Municipality, QuestionnaireVersion, SupervisionRound, User, Wave
from app.questionnaires.service import definition_of
from app.users.labels import role_label
from exports.localtime import local_time
from forms import Question

ARROW = "→"


@dataclass
class Lookups:
    """Names of what entries point at, loaded once per page of entries."""

    municipalities: dict[int, str]
    rounds: dict[int, SupervisionRound]
    waves: dict[int, Wave]
    experiments: dict[str, Experiment]
    users: dict[int, User] = field(default_factory=dict)
    versions: dict[int, QuestionnaireVersion] = field(default_factory=dict)

    @classmethod
    def load(cls, entries: list[AuditEntry]) -> Lookups:
        round_ids = {i for e in entries if (i := _round_id(e)) is not None}
        wave_ids = {i for e in entries if (i := _int(_value(e, "wave_id"))) is not None}
        user_ids = {e.entity_id for e in entries if e.entity == "user" and e.entity_id}
        version_ids = {e.entity_id for e in entries if e.entity == "questionnaire_version" and e.entity_id}
        return cls(
            municipalities={m.id: m.name for m in db.session.scalars(select(Municipality))},
            rounds={r.id: r for r in db.session.scalars(select(SupervisionRound).where(SupervisionRound.id.in_(round_ids)))}
            if round_ids else {},
            waves={w.id: w for w in db.session.scalars(select(Wave).where(Wave.id.in_(wave_ids)))} if wave_ids else {},
            experiments={x.slug: x for x in db.session.scalars(select(Experiment))},
            users={u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))} if user_ids else {},
            versions={v.id: v for v in db.session.scalars(
                select(QuestionnaireVersion).where(QuestionnaireVersion.id.in_(version_ids)))} if version_ids else {},
        )


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _value(entry: AuditEntry, key: str) -> Any:
    for data in (entry.after, entry.before):
        if isinstance(data, dict) and key in data:
            return data[key]
    return None


def _round_id(entry: AuditEntry) -> int | None:
    if entry.entity in ("supervision_round", "case_list", "case_sample"):
        return _int(_value(entry, "round_id")) or entry.entity_id
    return _int(_value(entry, "round_id"))


def who(entry: AuditEntry) -> str:
    return entry.user.name if entry.user else _("Systemet")


def _place(entry: AuditEntry, lookups: Lookups) -> str:
    mid = entry.municipality_id or _int(_value(entry, "municipality_id"))
    return lookups.municipalities.get(mid, "") if mid else ""


def _round_label(entry: AuditEntry, lookups: Lookups) -> str:
    rid = _round_id(entry)
    round_ = lookups.rounds.get(rid) if rid else None
    return round_.label if round_ else (str(_value(entry, "label") or "") or (f"#{rid}" if rid else ""))


def _show(value: Any, question: Question | None = None, lang: str = "da") -> str:
    """An answer as the log shows it: the question's type reads it (option labels, number, text)."""
    if value is None or value == "" or value == []:
        return "–"
    if question is not None:
        return str(question.question_type.readable(question, value, lang))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def answer_changes(entry: AuditEntry, lookups: Lookups) -> list[str]:
    """"'Question text' old → new" for every answer that differs between before and after."""
    before = (entry.before or {}).get("answers") or {}
    after = (entry.after or {}).get("answers") or {}
    rid = _round_id(entry)
    round_ = lookups.rounds.get(rid) if rid else None
    questionnaire = definition_of(round_.questionnaire_version) if round_ else None
    lang = current_lang()
    known = {q.id: q for q in questionnaire.questions} if questionnaire else {}
    changes = []
    order = list(known) + [k for k in list(before) + list(after) if k not in known]
    for qid in dict.fromkeys(order):
        old, new = before.get(qid), after.get(qid)
        if old == new or (qid not in before and qid not in after):
            continue
        question = known.get(qid)
        text = question.text.get(lang) if question else qid
        changes.append(f"'{text}' {_show(old, question, lang)} {ARROW} {_show(new, question, lang)}")
    return changes


def _field_changes(entry: AuditEntry, fields: dict[str, str]) -> list[str]:
    before, after = entry.before or {}, entry.after or {}
    return [f"{label}: {_show(before.get(key))} {ARROW} {_show(after.get(key))}"
            for key, label in fields.items() if key in before and key in after and before[key] != after[key]]


def _case(entry: AuditEntry, lookups: Lookups, verb: str) -> str:
    context = ", ".join(part for part in (_place(entry, lookups), _round_label(entry, lookups)) if part)
    text = verb % {"who": who(entry), "case": _value(entry, "case_reference") or "", "context": context}
    details = _field_changes(entry, {"case_reference": _("Sagsnummer"), "comment": _("Kommentar")})
    if entry.action == "update":
        details += answer_changes(entry, lookups)
    return text + (": " + "; ".join(details) if details else "")


def _record(entry: AuditEntry, lookups: Lookups) -> str:
    verbs = {"create": _("%(who)s registrerede sag %(case)s (%(context)s)"),
             "update": _("%(who)s ændrede sag %(case)s (%(context)s)"),
             "delete": _("%(who)s slettede sag %(case)s (%(context)s)"),
             "include": _("%(who)s medtog sag %(case)s (%(context)s), der er gennemgået udenfor stikprøven, "
                          "i stikprøvens tal"),
             "exclude": _("%(who)s lod sag %(case)s (%(context)s) tælle for sig igen, udenfor stikprøvens tal")}
    return _case(entry, lookups, verbs.get(entry.action, verbs["update"]))


def _status_word(status: Any) -> str:
    words = {"draft": _("kladde"), "open": _("åben"), "closed": _("lukket"), "scheduled": _("planlagt")}
    return words.get(status, str(status or "–"))


def _round(entry: AuditEntry, lookups: Lookups) -> str:
    label = _round_label(entry, lookups)
    retained = _retention(entry, _("tilsynsrunden %(round)s", round=label))
    if retained is not None:
        return retained
    if entry.action == "create":
        return _("%(who)s oprettede tilsynsrunden %(round)s", who=who(entry), round=label)
    return _("%(who)s ændrede status for tilsynsrunden %(round)s: %(old)s %(arrow)s %(new)s", who=who(entry),
             round=label, old=_status_word((entry.before or {}).get("status")), arrow=ARROW,
             new=_status_word((entry.after or {}).get("status")))


def _case_list(entry: AuditEntry, lookups: Lookups) -> str:
    return _("%(who)s importerede %(n)s nye sager til sagslisten for %(place)s i %(round)s", who=who(entry),
             n=_value(entry, "added") or 0, place=_place(entry, lookups), round=_round_label(entry, lookups))


def _sample(entry: AuditEntry, lookups: Lookups) -> str:
    """A draw as a sentence: who, where, seed and size (old → new for a redraw), reason, reviewed cases moved."""
    after, before = entry.after or {}, entry.before or {}
    place, label = _place(entry, lookups), _round_label(entry, lookups)
    if entry.action == "redraw" and before:
        text = _("%(who)s trak stikprøven for %(place)s i %(round)s igen: startværdi %(old_seed)s %(arrow)s "
                 "%(seed)s, %(old_n)s %(arrow)s %(n)s sager. Begrundelse: %(reason)s.", who=who(entry),
                 place=place, round=label, old_seed=before.get("seed") or "", seed=after.get("seed") or "",
                 old_n=before.get("n") or 0, n=after.get("n") or 0, arrow=ARROW,
                 reason=after.get("reason") or _("ingen angivet"))
    else:
        text = _("%(who)s trak en stikprøve på %(n)s sager for %(place)s i %(round)s (startværdi %(seed)s).",
                 who=who(entry), n=after.get("n") or 0, place=place, round=label, seed=after.get("seed") or "")
    return " ".join([text, *_moved(after)])


def _moved(after: dict) -> list[str]:
    """The reviewed cases a draw took out of the tallies and brought into them (entries from before say nothing)."""
    if "leaving" not in after:
        return []
    leaving, joining, counted = after.get("leaving") or [], after.get("joining") or [], after.get("counted_before") or 0
    if leaving:
        parts = [ngettext("%(num)s af de %(counted)s gennemgåede sager tælles ikke længere med: %(cases)s.",
                          "%(num)s af de %(counted)s gennemgåede sager tælles ikke længere med: %(cases)s.",
                          len(leaving), counted=counted, cases=", ".join(leaving))]
    elif counted:
        parts = [ngettext("%(num)s gennemgået sag tælles fortsat med.", "Alle %(num)s gennemgåede sager tælles fortsat med.",
                          counted)]
    else:
        parts = []
    if joining:
        parts.append(ngettext("%(num)s sag, gennemgået udenfor stikprøven, tælles nu med: %(cases)s.",
                              "%(num)s sager, gennemgået udenfor stikprøven, tælles nu med: %(cases)s.",
                              len(joining), cases=", ".join(joining)))
    return parts


def _scheme(entry: AuditEntry, lookups: Lookups) -> str:
    slug = _value(entry, "experiment")
    experiment = lookups.experiments.get(slug)
    title = experiment.title_da if experiment else str(slug or "")
    if experiment and current_lang() == "en" and experiment.title_en:
        title = experiment.title_en
    verbs = {"submit_phase1": _("%(who)s indsendte punkt 1-5 af evalueringsskemaet for %(experiment)s (%(place)s)"),
             "submit_phase2": _("%(who)s indsendte punkt 6-10 af evalueringsskemaet for %(experiment)s (%(place)s)")}
    verb = verbs.get(entry.action, _("%(who)s gemte evalueringsskemaet for %(experiment)s (%(place)s)"))
    return verb % {"who": who(entry), "experiment": title, "place": _place(entry, lookups)}


def _person_name(entry: AuditEntry, lookups: Lookups) -> str:
    user = lookups.users.get(entry.entity_id) if entry.entity_id else None
    return str(_value(entry, "name") or (user.name if user else f"#{entry.entity_id}"))


def _single_sign_on(entry: AuditEntry, name: str) -> str:
    after = entry.after or {}
    provider = str(after.get("provider") or "")
    if entry.action == "oidc_login":
        text = (_("%(who)s loggede ind med knappen »%(provider)s« (med totrinsgodkendelse hos udbyderen)") if after.get("mfa")
                else _("%(who)s loggede ind med knappen »%(provider)s«"))
        return text % {"who": who(entry) if entry.user else name, "provider": provider}
    if entry.action == "oidc_linked":
        return _("%(who)s koblede sin konto til udbyderen bag »%(provider)s« (%(email)s) ved første log ind") % {
            "who": who(entry) if entry.user else name, "provider": provider, "email": _show(after.get("email"))}
    reasons = {
        "no_account": _("der er ingen konto med den e-mailadresse"),
        "unverified_email": _("udbyderen har ikke bekræftet e-mailadressen"),
        "deactivated": _("kontoen er deaktiveret"),
        "other_municipality": _("udbyderen logger ikke kontoens kommune ind"),
        "already_linked": _("kontoen er allerede koblet til en anden bruger hos udbyderen"),
        "invalid_response": _("udbyderens svar kunne ikke godkendes"),
    }
    person = after.get("name") or after.get("email") or _("en ukendt bruger")
    return _("Log ind med knappen »%(provider)s« blev afvist for %(person)s: %(reason)s") % {
        "provider": provider, "person": person, "reason": reasons.get(str(after.get("reason")), _show(after.get("reason")))}


def _user(entry: AuditEntry, lookups: Lookups) -> str:
    name = _person_name(entry, lookups)
    after = entry.after or {}
    own = {
        "password_reset": _("%(who)s nulstillede sin adgangskode med et link"),
        "password_change": _("%(who)s skiftede sin adgangskode"),
        "sessions_ended": _("%(who)s loggede ud alle andre steder"),
        "totp_enabled": _("%(who)s slog totrinsgodkendelse til"),
        "totp_disabled": _("%(who)s slog totrinsgodkendelse fra"),
        "recovery_codes_renewed": _("%(who)s lavede nye gendannelseskoder"),
        "recovery_code_used": _("%(who)s loggede ind med en gendannelseskode"),
        "invitation_accepted": _("%(who)s valgte sin adgangskode fra invitationen"),
    }
    if entry.action in own:
        return own[entry.action] % {"who": who(entry) if entry.user else name}
    if entry.action in ("oidc_login", "oidc_linked", "oidc_refused"):
        return _single_sign_on(entry, name)
    about = {
        "invite": _("%(who)s inviterede %(name)s (%(role)s%(place)s)"),
        "invite_again": _("%(who)s sendte invitationen til %(name)s igen"),
        "deactivate": _("%(who)s deaktiverede %(name)s"),
        "reactivate": _("%(who)s aktiverede %(name)s igen"),
        "totp_reset": _("%(who)s nulstillede totrinsgodkendelse for %(name)s"),
        "change": _("%(who)s ændrede %(name)s"),
    }
    text = about.get(entry.action, _("%(who)s ændrede %(name)s")) % {
        "who": who(entry), "name": name, "role": role_label(after.get("role")),
        "place": f", {after['municipality']}" if after.get("municipality") else ""}
    if entry.action == "change":
        before = entry.before or {}
        details = []
        if before.get("role") != after.get("role"):
            details.append(f"{_('rolle')}: {role_label(before.get('role'))} {ARROW} {role_label(after.get('role'))}")
        if before.get("municipality") != after.get("municipality"):
            details.append(f"{_('kommune')}: {_show(before.get('municipality'))} {ARROW} {_show(after.get('municipality'))}")
        text += (": " + "; ".join(details)) if details else ""
    return text


def _respondent(entry: AuditEntry, lookups: Lookups) -> str:
    name = str(_value(entry, "name") or f"#{entry.entity_id}")
    before, after = entry.before or {}, entry.after or {}
    if entry.action == "access_request":
        return ngettext("%(who)s hentede indsigtsrapporten for %(name)s (%(num)s invitation)",
                        "%(who)s hentede indsigtsrapporten for %(name)s (%(num)s invitationer)",
                        after.get("invitations") or 0, who=who(entry), name=name)
    if entry.action == "email_corrected":
        return _("%(who)s rettede e-mailadressen for %(name)s: %(old)s %(arrow)s %(new)s", who=who(entry), name=name,
                 old=before.get("email", ""), arrow=ARROW, new=after.get("email", ""))
    if entry.action == "exclude":
        return _("%(who)s udelukkede %(name)s fra kommende runder: %(reason)s", who=who(entry), name=name,
                 reason=after.get("reason") or "")
    return _("%(who)s medtog %(name)s i kommende runder igen", who=who(entry), name=name)


def _local_date(value: Any) -> str:
    """A stored ISO moment as the local date the pages show (dd.mm.yyyy)."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value or "–")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return local_time(moment, current_app.config["TIMEZONE"]).strftime("%d.%m.%Y")


def _retention(entry: AuditEntry, subject: str) -> str | None:
    """Postponed and erased personal data, for a wave or a round (None for any other action)."""
    after = entry.after or {}
    if entry.action == "postpone_erasure":
        return _("%(who)s udskød sletningen af persondata i %(subject)s til %(date)s. Begrundelse: %(reason)s",
                 who=who(entry), subject=subject, date=_local_date(after.get("postponed_until")),
                 reason=after.get("reason") or _("ingen angivet"))
    if entry.action == "erase_personal_data":
        counts = [(after.get(key) or 0, label) for key, label in (
            ("invitations", _("invitationer")), ("messages", _("mails")), ("respondents", _("respondenter")),
            ("records", _("sager")), ("case_list", _("sager på sagslisten")),
            ("export_jobs", _("eksportfiler"))) if key in after]
        held = ", ".join(f"{n} {label}" for n, label in counts)
        return _("%(who)s slettede persondata i %(subject)s, da opbevaringsperioden var udløbet%(held)s",
                 who=who(entry), subject=subject, held=f" ({held})" if held else "")
    return None


def _wave(entry: AuditEntry, lookups: Lookups) -> str:
    wave = lookups.waves.get(_int(_value(entry, "wave_id")))
    label = wave.label if wave else str(_value(entry, "label") or "")
    retained = _retention(entry, _("runden %(wave)s", wave=label))
    if retained is not None:
        return retained
    if entry.action == "wave_label_en":
        english = (entry.after or {}).get("label_en")
        if not english:
            return _("%(who)s fjernede det engelske navn for runden %(wave)s", who=who(entry), wave=label)
        return _("%(who)s gav runden %(wave)s det engelske navn \"%(english)s\"", who=who(entry), wave=label,
                 english=english)
    verbs = {"create": _("%(who)s planlagde runden %(wave)s"), "update": _("%(who)s ændrede runden %(wave)s"),
             "schedule": _("%(who)s satte runden %(wave)s i gang"),
             "unschedule": _("%(who)s satte runden %(wave)s tilbage til kladde"),
             "remind": _("%(who)s sendte en ekstra påmindelse i runden %(wave)s"),
             "invite_new": _("%(who)s inviterede nye respondenter til runden %(wave)s")}
    return verbs.get(entry.action, verbs["update"]) % {"who": who(entry), "wave": label}


def _respondent_list(entry: AuditEntry, lookups: Lookups) -> str:
    after = entry.after or {}
    return _("%(who)s importerede respondentlisten %(file)s: %(created)s oprettet, %(updated)s opdateret",
             who=who(entry), file=after.get("file") or "", created=after.get("created") or 0,
             updated=after.get("updated") or 0)


def _published(entry: AuditEntry, lookups: Lookups) -> str:
    after = entry.after or {}
    version = lookups.versions.get(entry.entity_id) if entry.entity_id else None
    title = str(after.get("slug") or "")
    if version is not None:
        title = version.title
    return _("%(who)s udgav spørgeskemaet \"%(title)s\" i version %(version)s", who=who(entry), title=title,
             version=after.get("version") or "")


def _catalogue_file(entry: AuditEntry, lookups: Lookups) -> str:
    return _("%(who)s gemte en ny udgave af katalogfilen %(path)s", who=who(entry),
             path=_value(entry, "path") or "")


DESCRIBERS: dict[str, Callable[[AuditEntry, Lookups], str]] = {
    "supervision_record": _record,
    "supervision_round": _round,
    "case_list": _case_list,
    "case_sample": _sample,
    "evaluation_scheme": _scheme,
    "user": _user,
    "respondent": _respondent,
    "wave": _wave,
    "respondent_list": _respondent_list,
    "questionnaire_version": _published,
    "catalogue_file": _catalogue_file,
}


def describe(entry: AuditEntry, lookups: Lookups) -> str:
    describer = DESCRIBERS.get(entry.entity)
    if describer is None:
        return f"{who(entry)}: {entry.entity} {entry.action}"
    return describer(entry, lookups)

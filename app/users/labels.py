"""Words for roles and login methods, shown on account pages and in the audit log."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROLE_LABELS = {"coordinator": _l("Koordinator"), "team_leader": _l("Teamleder")}
LOGIN_METHOD_LABELS = {"password": _l("Adgangskode"), "totp": _l("Adgangskode og kode fra app"),
                       "recovery_code": _l("Adgangskode og gendannelseskode")}


def role_label(role: str | None) -> str:
    return str(ROLE_LABELS.get(role or "", role or ""))


def login_method_label(method: str | None) -> str:
    return str(LOGIN_METHOD_LABELS.get(method or "", method or ""))
